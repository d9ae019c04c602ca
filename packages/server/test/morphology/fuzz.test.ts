import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRenderRecipesError } from '@render-recipes/protocol';
import { readMorphology } from '../../src/scene/morphology/index.js';
import { generateSampleMorphologies } from '../../src/sample/morphology.js';

/**
 * Damaged morphology files (bytes flipped, lines cut, text truncated) either read or fail with
 * CIRCUIT_INVALID naming the file: never another error, never a crash. Deterministic mutations.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-morph-fuzz-'));
  await generateSampleMorphologies(dir, { count: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

function mutate(bytes: Buffer, random: () => number): Buffer {
  const out = Buffer.from(bytes);
  const kind = Math.floor(random() * 3);
  if (kind === 0) {
    for (let i = 0; i < 1 + Math.floor(random() * 8); i++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
    return out;
  }
  if (kind === 1) return out.subarray(0, Math.floor(random() * out.length));
  const cut = Math.floor(random() * out.length);
  return Buffer.concat([out.subarray(0, cut), out.subarray(Math.min(out.length, cut + 1 + Math.floor(random() * 40)))]);
}

describe('damaged morphology files', () => {
  for (const format of ['swc', 'asc', 'h5'] as const) {
    it(`${format}: read or a CIRCUIT_INVALID error that names the file`, async () => {
      const original = await readFile(join(dir, `sample_pyramidal_0.${format}`));
      const random = prng(format.charCodeAt(0) * 7919);
      let failures = 0;
      for (let round = 0; round < 60; round++) {
        const path = join(dir, `damaged-${round}.${format}`);
        await writeFile(path, mutate(original, random));
        try {
          const morphology = await readMorphology(path);
          expect(morphology.path).toBe(path);
        } catch (error) {
          failures++;
          expect(isRenderRecipesError(error) && error.code, String(error)).toBe('CIRCUIT_INVALID');
          expect((error as Error).message).toContain(path);
        }
      }
      // The mutations do break files: the errors above were really exercised.
      expect(failures).toBeGreaterThan(5);
    });
  }
});
