import { describe, expect, it } from 'vitest';
import { cameraFrame } from '../../src/render/camera.js';
import { CLIP_BOUNDED_PLANE, CLIP_BOX, CLIP_CAPSULE, CLIP_PLANE, CLIP_SPHERE, ClipIntervals, packClipping, type ClippingModel } from '../../src/render/clipping.js';
import { buildModelBvh } from '../../src/render/geometry.js';
import { PIXEL_CENTRE } from '../../src/render/pixel-sample.js';
import { PrimaryRays } from '../../src/render/primary.js';
import { Rng } from '../../src/render/rng.js';
import { ShadowPackets } from '../../src/render/shadow.js';
import { Tracer } from '../../src/render/tracer.js';
import { type Ball, lookAt, model as sceneModel, primaryJob } from './scene.js';

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

describe('clipping in the fast paths', () => {
  // A grid of spheres cut by a plane, a sphere and an inverted box (one model each).
  const balls: Ball[] = [];
  for (let x = -8; x <= 8; x += 2) for (let y = -8; y <= 8; y += 2) for (let z = -8; z <= 8; z += 4) balls.push({ at: [x, y, z], r: 0.9 });
  const clipping = [
    model(CLIP_PLANE, [0.3, 1, 0.2, -4]),
    model(CLIP_SPHERE, [0, 3, 8, 5]),
    model(CLIP_BOX, [-9, -9, -9, 6, 9, 9], true),
  ];

  it('the primary pass keeps only unclipped nearest hits and finds the rest as the per-ray tracer does', async () => {
    const { circuit } = sceneModel(balls);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const frame = cameraFrame({ type: 'perspective', fovy: 50, view: lookAt([3, 4, 30]) }, 48, 40, PIXEL_CENTRE);
    const clip = packClipping(clipping)!;
    const primary = new PrimaryRays(primaryJob(frame, bvh, 1, clip));
    const clipped = new Tracer([bvh], clip);
    const unclipped = new Tracer([bvh]);
    let kept = 0, moved = 0, lost = 0;
    for (let tile = 0; tile < 9; tile++) {
      const x0 = (tile % 3) * 16, y0 = Math.floor(tile / 3) * 16;
      const count = primary.trace(x0, y0, x0 + 16, Math.min(40, y0 + 16), new Rng());
      for (let k = 0; k < count; k++) {
        const r = primary.allRays().subarray(k * 6, k * 6 + 6);
        const found = clipped.closest(r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, 0, Infinity);
        expect(primary.prim[k]! >= 0).toBe(found);
        const plain = unclipped.closest(r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, 0, Infinity);
        if (found) {
          expect(primary.t[k]).toBeCloseTo(clipped.t, 9);
          if (primary.t[k] === unclipped.t) kept++;
          else moved++;
        } else if (plain) lost++;
      }
    }
    // Every case occurs: hits kept, hits moved behind a cut, hits clipped away entirely.
    expect([kept > 50, moved > 50, lost > 50]).toEqual([true, true, true]);
  });

  it('shadow packets block exactly the rays the per-ray clipped tracer finds occluded', async () => {
    const { circuit } = sceneModel(balls);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const clip = packClipping(clipping)!;
    const packets = new ShadowPackets([bvh], clip);
    const tracer = new Tracer([bvh], clip);
    const plain = new ShadowPackets([bvh]);
    const n = 2000;
    let state = 7;
    const rnd = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    const origins = Float64Array.from({ length: n * 3 }, () => rnd() * 20 - 10);
    const list = Int32Array.from({ length: n }, (_, k) => k);
    const light = Float64Array.from([0.2, 0.9, 0.4].map((v) => v / Math.hypot(0.2, 0.9, 0.4)));
    const blocked = new Uint8Array(n);
    const blockedPlain = new Uint8Array(n);
    packets.trace(origins, list, n, light, 0, blocked);
    plain.trace(origins, list, n, light, 0, blockedPlain);
    let freed = 0;
    for (let k = 0; k < n; k++) {
      const expected = tracer.occluded(origins[k * 3]!, origins[k * 3 + 1]!, origins[k * 3 + 2]!, light[0]!, light[1]!, light[2]!, 0, Infinity);
      expect(blocked[k], `ray ${k}`).toBe(expected ? 1 : 0);
      if (blockedPlain[k] === 1 && !expected) freed++;
    }
    expect(freed).toBeGreaterThan(50);
  });
});
