import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson, sha256Hex, writeCanonicalJson } from '../../src/plan/index.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined properties and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: true, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,1,{"y":null,"z":true}]},"b":1}');
  });

  it('prints numbers in their shortest round-trip form', () => {
    expect(canonicalJson([0.1, 1e21, -0, 1.5e-7, 100])).toBe('[0.1,1e+21,0,1.5e-7,100]');
  });

  it('refuses values JSON cannot hold instead of writing something lossy', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/cannot hold the number NaN/);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });

  it('streams the same bytes in chunks, and hashes them the same way', () => {
    const value = { tasks: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `t${i}`, v: [i, i / 3] })) };
    const chunks: string[] = [];
    writeCanonicalJson(value, (c) => chunks.push(c));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(canonicalJson(value));
    expect(canonicalHash(value)).toBe(sha256Hex(canonicalJson(value)));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the same bytes with its speed-ups: shared objects, sibling objects whose keys change order, text supplied for known objects', () => {
    const camera = { z: 1, a: [1, 2] };
    const tasks = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? { id: i, camera, out: { path: `p${i}`, b: i } } : { out: { b: i, path: `p${i}` }, camera, id: i, extra: undefined }));
    const plain = canonicalJson({ tasks });
    expect(canonicalJson({ tasks }, { shared: new Set(['camera']) })).toBe(plain);
    // A known text is written as given (the caller made it with this writer); others are serialised.
    const known = new Map<object, string>([[tasks[3] as object, canonicalJson(tasks[3])]]);
    expect(canonicalJson({ tasks }, { known: (v) => known.get(v) })).toBe(plain);
    expect(canonicalJson({ a: camera }, { known: (v) => (v === camera ? '"replaced"' : undefined) })).toBe('{"a":"replaced"}');
  });
});
