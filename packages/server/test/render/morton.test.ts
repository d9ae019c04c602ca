import { describe, expect, it } from 'vitest';
import { mortonGrid, mortonSort, mortonSplit } from '../../src/render/morton.js';
import { bucketGroups, bucketOffsets, scatterSlice, sliceCentres, sliceCodes, sortBuckets } from '../../src/render/morton-parallel.js';
import { type BoxSources, primBox } from '../../src/render/prim-boxes.js';

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

describe('Morton sort in slices and buckets (parallel builds)', () => {
  it('gives the order and codes of the one-thread sort, ties in input order, with spheres, cones and shapes', async () => {
    let s = 7;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 1000;
    const spheres = 30_000;
    const cones = 5_000;
    const shapes = 50;
    const sphereCenters = Float32Array.from({ length: spheres * 3 }, (_, i) => (i < 3_000 ? 500 : rnd()));
    const src: BoxSources = {
      sphereCenters,
      sphereRadii: Float32Array.from({ length: spheres }, (_, i) => (i % 3 === 0 ? -2 : 1 + (i % 5))),
      sphereCell: new Uint32Array(spheres),
      coneEnds: Float32Array.from({ length: cones * 6 }, () => rnd()),
      coneRadii: Float32Array.from({ length: cones * 2 }, () => rnd() / 100),
      coneCell: new Uint32Array(cones),
      shapeBoxes: Float32Array.from({ length: shapes * 6 }, (_, i) => (i % 6 < 3 ? 10 : 20) + (i >> 3)),
    };
    const n = spheres + cones + shapes;
    const boxes = new Float32Array(n * 6);
    for (let p = 0; p < n; p++) primBox(src, p, boxes, p * 6);
    const expectedOrder = Uint32Array.from({ length: n }, (_, i) => i);
    const expectedCodes = new Uint32Array(n);
    await mortonSort(boxes, expectedOrder, n, expectedCodes, noYield);

    const slices = [0, 9_000, 9_001, 20_000, n].map((v, i, all) => [v, all[i + 1]!] as const).slice(0, -1);
    const centre = Float64Array.of(Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity);
    for (const [start, end] of slices) {
      const c = sliceCentres(src, start, end);
      for (let a = 0; a < 3; a++) {
        centre[a] = Math.min(centre[a]!, c[a]!);
        centre[a + 3] = Math.max(centre[a + 3]!, c[a + 3]!);
      }
    }
    const raw = new Uint32Array(n);
    const counts = slices.map(([start, end]) => sliceCodes(src, start, end, mortonGrid(centre), raw));
    const { offsets, buckets } = bucketOffsets(counts);
    const codes = new Uint32Array(n);
    const order = new Uint32Array(n);
    slices.forEach(([start, end], i) => scatterSlice(raw, start, end, offsets[i]!, codes, order));
    const groups = bucketGroups(buckets, 3);
    expect(groups[0]![0]).toBe(0);
    expect(groups.at(-1)!.at(-1)).toBe(n);
    for (const bounds of groups) sortBuckets(codes, order, bounds);
    // The 3,000 coincident spheres share a code: a bucket sorted by radix, in input order.
    expect(expectedOrder.indexOf(1) - expectedOrder.indexOf(0)).toBe(1);
    expect(Buffer.from(codes.buffer).equals(Buffer.from(expectedCodes.buffer))).toBe(true);
    expect(Buffer.from(order.buffer).equals(Buffer.from(expectedOrder.buffer))).toBe(true);
  });
});
