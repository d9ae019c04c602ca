import { describe, expect, it } from 'vitest';
import { mortonSort, mortonSplit } from '../../src/render/morton.js';

const noYield = async (): Promise<void> => {};

/** Boxes of side 2 around the given centres, with their original index as the order. */
function boxesAround(centres: [number, number, number][]): { boxes: Float32Array; order: Uint32Array } {
  const boxes = new Float32Array(centres.length * 6);
  centres.forEach(([x, y, z], i) => boxes.set([x - 1, y - 1, z - 1, x + 1, y + 1, z + 1], i * 6));
  return { boxes, order: Uint32Array.from(centres, (_, i) => i) };
}

describe('Morton presort', () => {
  it('orders boxes along the Z curve, moving each box with its primitive index', async () => {
    // The 8 corners of a cube, listed backwards: the Z curve visits z, then y, then x last.
    const corners: [number, number, number][] = [];
    for (let i = 7; i >= 0; i--) corners.push([(i >> 2) & 1 ? 100 : 0, (i >> 1) & 1 ? 100 : 0, i & 1 ? 100 : 0]);
    const { boxes, order } = boxesAround(corners);
    const codes = new Uint32Array(8);
    await mortonSort(boxes, order, 8, codes, noYield);
    expect([...order]).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    for (let k = 0; k < 8; k++) {
      const [x, y, z] = corners[order[k]!]!;
      expect([...boxes.subarray(k * 6, k * 6 + 6)]).toEqual([x - 1, y - 1, z - 1, x + 1, y + 1, z + 1]);
    }
    expect([...codes].every((c, k) => k === 0 || codes[k - 1]! < c)).toBe(true);
  });

  it('sorts many boxes stably and splits runs at their highest differing bit', async () => {
    let s = 1;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 1000;
    const centres = Array.from({ length: 20_000 }, (): [number, number, number] => [rnd(), rnd(), rnd() / 10]);
    // Duplicates keep their input order (a stable sort), so the tree does not depend on sort internals.
    centres.push(centres[0]!, centres[0]!);
    const { boxes, order } = boxesAround(centres);
    const codes = new Uint32Array(centres.length);
    await mortonSort(boxes, order, centres.length, codes, noYield);
    expect(new Set(order).size).toBe(centres.length);
    for (let k = 1; k < codes.length; k++) expect(codes[k - 1]! <= codes[k]!).toBe(true);
    const twins = [...order].filter((p) => p === 0 || p >= 20_000);
    expect(twins).toEqual([0, 20_000, 20_001]);
    const mid = mortonSplit(codes, 0, codes.length);
    const bit = 31 - Math.clz32(codes[0]! ^ codes[codes.length - 1]!);
    expect((codes[mid - 1]! >>> bit) & 1).toBe(0);
    expect((codes[mid]! >>> bit) & 1).toBe(1);
    expect(mortonSplit(Uint32Array.of(5, 5, 5), 0, 3)).toBe(-1);
  });
});
