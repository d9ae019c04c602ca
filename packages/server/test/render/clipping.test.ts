import { describe, expect, it } from 'vitest';
import { CLIP_BOUNDED_PLANE, CLIP_BOX, CLIP_CAPSULE, CLIP_PLANE, CLIP_SPHERE, ClipIntervals, packClipping, type ClippingModel } from '../../src/render/clipping.js';

/**
 * The intervals of a ray outside clipped space, as OSPRay 2.10 builds them (World.ih
 * traceClippingRay): crossings sorted and depth-counted from (inverted models) - (net entries).
 */

const model = (kind: ClippingModel['kind'], values: number[], invertNormals = false, toLocal: number[] | null = null): ClippingModel => ({ kind, values, invertNormals, toLocal });

function intervals(models: ClippingModel[], origin: number[], dir: number[], t0 = 0, t1 = Infinity): [number, number][] {
  const set = packClipping(models);
  if (set === null) throw new Error('no clipping');
  const clip = new ClipIntervals(set);
  clip.compute(Float64Array.from([...origin, ...dir, t0, t1]));
  return Array.from({ length: clip.count }, (_, i) => [clip.lower[i]!, clip.upper[i]!]);
}

describe('clipping intervals', () => {
  it('is nothing to do without clipping models', () => {
    expect(packClipping([])).toBeNull();
    expect(packClipping(undefined)).toBeNull();
  });

  it('removes the side of a plane its normal points away from, and the other side with inverted normals', () => {
    // Plane x = 0, normal +x: x < 0 is removed. A ray from x = -5 along +x is clipped until x = 0.
    expect(intervals([model(CLIP_PLANE, [1, 0, 0, 0])], [-5, 0, 0], [1, 0, 0])).toEqual([[5, Infinity]]);
    expect(intervals([model(CLIP_PLANE, [1, 0, 0, 0], true)], [-5, 0, 0], [1, 0, 0])).toEqual([[0, 5]]);
    // Going the other way from x = 5: visible until the plane, and again only beyond the twin
    // plane OSPRay closes the half-space with, 1e18 away.
    expect(intervals([model(CLIP_PLANE, [1, 0, 0, 0])], [5, 0, 0], [-1, 0, 0])).toEqual([
      [0, 5],
      [1e18 + 5, Infinity],
    ]);
  });

  it('puts the plane at n.p = d, as OSPRay solves it', () => {
    expect(intervals([model(CLIP_PLANE, [1, 0, 0, 2])], [-5, 0, 0], [1, 0, 0])).toEqual([[7, Infinity]]);
  });

  it('clips a ray parallel to a plane on the removed side (up to 1e38) and not at all on the other', () => {
    expect(intervals([model(CLIP_PLANE, [1, 0, 0, 0])], [-1, 0, 0], [0, 1, 0])).toEqual([[1e38, Infinity]]);
    expect(intervals([model(CLIP_PLANE, [1, 0, 0, 0])], [1, 0, 0], [0, 1, 0])).toEqual([[0, Infinity]]);
  });

  it('removes the inside of a sphere, or keeps only it with inverted normals', () => {
    expect(intervals([model(CLIP_SPHERE, [0, 0, 0, 1])], [0, 0, 5], [0, 0, -1])).toEqual([
      [0, 4],
      [6, Infinity],
    ]);
    expect(intervals([model(CLIP_SPHERE, [0, 0, 0, 1], true)], [0, 0, 5], [0, 0, -1])).toEqual([[4, 6]]);
    // Starting inside the removed sphere: visible only once out of it.
    expect(intervals([model(CLIP_SPHERE, [0, 0, 0, 1])], [0, 0, 0], [0, 0, -1])).toEqual([[1, Infinity]]);
  });

  it('respects the ray range it is given', () => {
    expect(intervals([model(CLIP_SPHERE, [0, 0, 0, 1])], [0, 0, 5], [0, 0, -1], 1, 5)).toEqual([[1, 4]]);
  });

  it('removes the inside of a box', () => {
    expect(intervals([model(CLIP_BOX, [-1, -1, -1, 1, 2, 3])], [0, 0, 10], [0, 0, -1])).toEqual([
      [0, 7],
      [11, Infinity],
    ]);
    expect(intervals([model(CLIP_BOX, [-1, -1, -1, 1, 2, 3])], [5, 0, 10], [0, 0, -1])).toEqual([[0, Infinity]]);
  });

  it('hides what lies before a bounded plane on rays crossing it within its bounds, from either side (unclosed, as in OSPRay)', () => {
    const plane = model(CLIP_BOUNDED_PLANE, [0, 0, 1, 0, 0, 0, -0.1, 2, 2, 0.1]);
    expect(intervals([plane], [1, 1, 5], [0, 0, -1])).toEqual([[5, Infinity]]);
    expect(intervals([plane], [1, 1, -5], [0, 0, 1])).toEqual([[5, Infinity]]);
    expect(intervals([plane], [-1, 1, 5], [0, 0, -1])).toEqual([[0, Infinity]]);
  });

  it("removes a tapered capsule's swept sphere: its cone is tangent to both end spheres", () => {
    // p0 (0,0,0) r0 2, p1 (10,0,0) r1 1. The reference: the largest |y| any sphere of the sweep reaches at x.
    const capsule = model(CLIP_CAPSULE, [0, 0, 0, 2, 10, 0, 0, 1]);
    for (const x of [-1.5, 0.3, 2, 5, 9.5, 10.8]) {
      let reach = 0;
      for (let i = 0; i <= 100_000; i++) {
        const s = (i / 100_000) * 10;
        const r = 2 - s / 10;
        reach = Math.max(reach, Math.sqrt(Math.max(0, r * r - (x - s) ** 2)));
      }
      const [first, second] = intervals([capsule], [x, 10, 0], [0, -1, 0]);
      expect(first?.[1]).toBeCloseTo(10 - reach, 4);
      expect(second?.[0]).toBeCloseTo(10 + reach, 4);
    }
  });

  it('starts at the depth of the inverted models, counted per model (OSPRay numInvertedClippers)', () => {
    const a = [-3, 0, 0, 1];
    const b = [3, 0, 0, 1];
    // One model holding two inverted spheres: inside either is visible.
    expect(intervals([model(CLIP_SPHERE, [...a, ...b], true)], [-10, 0, 0], [1, 0, 0])).toEqual([
      [6, 8],
      [12, 14],
    ]);
    // Two inverted models: starting depth 2, and inside one sphere is still depth 1: nothing shows.
    expect(intervals([model(CLIP_SPHERE, a, true), model(CLIP_SPHERE, b, true)], [-10, 0, 0], [1, 0, 0])).toEqual([]);
  });

  it("takes rays into the clipping model's own space", () => {
    // A unit sphere moved to x = 4 (world to model: x - 4).
    const moved = model(CLIP_SPHERE, [0, 0, 0, 1], false, [1, 0, 0, -4, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(intervals([moved], [0, 0, 0], [1, 0, 0])).toEqual([
      [0, 3],
      [5, Infinity],
    ]);
  });
});
