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
});
