import { describe, expect, it } from 'vitest';
import { cameraFrame } from '../../src/render/camera.js';
import { braynsFirstSample, braynsSample, PIXEL_CENTRE } from '../../src/render/pixel-sample.js';
import { type BvhNodes, MORTON_ABOVE } from '../../src/render/bvh.js';
import { BuildScratch } from '../../src/render/build-scratch.js';
import { ROOM_PER_PRIM, parallelBuild, shared } from '../../src/render/parallel-build.js';
import { PRIM_STRIDE } from '../../src/render/prims.js';
import { PARALLEL_BUILD_MIN, type ModelBvh, buildModelBvh, modelBvh, useSubtreeBuilder } from '../../src/render/geometry.js';
import { prepareModel } from '../../src/render/index.js';
import { PrimaryRays } from '../../src/render/primary.js';
import { Rng } from '../../src/render/rng.js';
import { coneT, hitConeRay, hitSphereRay, sphereT } from '../../src/render/intersect.js';
import { ShadowPackets } from '../../src/render/shadow.js';
import { buildShadowGrid, shadowGrid } from '../../src/render/shadow-grid.js';
import { Tracer } from '../../src/render/tracer.js';
import { type RenderCamera, SHAPE_BOUNDED_PLANE, SHAPE_BOX, SHAPE_PLANE, type ShapeGeometry } from '../../src/scene/types.js';
import { type Ball, type Segment, lookAt, model, primaryJob } from './scene.js';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/** A cloud of spheres and cones, dense enough that rays meet several primitives (float32 values, as stored). */
function cloud(seed: number, count: number): { balls: Ball[]; segments: Segment[] } {
  const uniform = random(seed);
  const rnd = (): number => Math.fround(uniform());
  const p = (): [number, number, number] => [Math.fround(rnd() * 20 - 10), Math.fround(rnd() * 20 - 10), Math.fround(rnd() * 20 - 10)];
  const balls: Ball[] = Array.from({ length: count }, () => ({ at: p(), r: Math.fround(0.2 + rnd()) }));
  const segments: Segment[] = Array.from({ length: count }, () => {
    const a = p();
    const f = Math.fround;
    return { a, b: [f(a[0] + rnd() * 4 - 2), f(a[1] + rnd() * 4 - 2), f(a[2] + rnd() * 4 - 2)], ra: f(0.1 + rnd() * 0.5), rb: f(0.1 + rnd() * 0.5) };
  });
  return { balls, segments };
}

/** Nearest hit by testing every primitive: the reference the BVH must reproduce. */
function bruteForce(balls: Ball[], segments: Segment[], o: number[], d: number[]): number {
  const ray = Float64Array.of(...o, ...d, 0, Infinity);
  const prims = new Float32Array(8);
  for (const b of balls) {
    prims.set([...b.at, b.r]);
    if (hitSphereRay(prims, 0, ray)) ray[7] = sphereT[0]!;
  }
  for (const s of segments) {
    prims.set([...s.a, s.ra, ...s.b, s.rb]);
    if (hitConeRay(prims, 0, ray)) ray[7] = coneT[0]!;
  }
  return ray[7]!;
}

/** A tree's leaves (primitive range and box), sorted: equal for trees that differ only in node numbering. */
function leaves(info: Uint32Array, bounds: Float32Array): string[] {
  const out: string[] = [];
  for (let n = 0; n < info.length / 2; n++) if (info[n * 2 + 1]! > 0) out.push(`${info[n * 2]}+${info[n * 2 + 1]} ${bounds.subarray(n * 6, n * 6 + 6).join(',')}`);
  return out.sort();
}

/**
 * Checks the tree's structure: every node's box holds its children's (or its primitives' boxes),
 * and the leaves cover each primitive exactly once. Returns the number of primitives covered.
 */
function wellFormed(bvh: ModelBvh): number {
  const { nodeBounds: b, nodeInfo: info, prims, primStride, primKind } = bvh;
  const seen = new Uint8Array(primKind.length);
  const inside = (n: number, lo: number[], hi: number[]): boolean => [0, 1, 2].every((a) => b[n * 6 + a]! <= lo[a]! && hi[a]! <= b[n * 6 + 3 + a]!);
  const stack = [0];
  let covered = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    const first = info[n * 2]!;
    const count = info[n * 2 + 1]!;
    if (count === 0) {
      for (const c of [first, first + 1]) {
        expect(inside(n, [b[c * 6]!, b[c * 6 + 1]!, b[c * 6 + 2]!], [b[c * 6 + 3]!, b[c * 6 + 4]!, b[c * 6 + 5]!])).toBe(true);
        stack.push(c);
      }
      continue;
    }
    for (let p = first; p < first + count; p++) {
      expect(seen[p]).toBe(0);
      seen[p] = 1;
      covered++;
      const o = p * primStride;
      // Spheres: centre and radius; cones: both end spheres.
      const ends = primKind[p] === 0 ? [[o, prims[o + 3]!]] : [[o, prims[o + 3]!], [o + 4, prims[o + 7]!]];
      for (const [at, r] of ends) {
        const c = [prims[at!]!, prims[at! + 1]!, prims[at! + 2]!];
        expect(inside(n, c.map((v) => v - r!), c.map((v) => v + r!))).toBe(true);
      }
    }
  }
  return covered;
}

/** `count` boxes and bounded planes (one shape every other) of side 1 scattered over the cloud, plus an infinite plane first. */
function scatteredShapes(seed: number, count: number): ShapeGeometry {
  const rnd = random(seed);
  const kind = Uint8Array.from({ length: count }, (_, i) => (i === 0 ? SHAPE_PLANE : i % 2 ? SHAPE_BOX : SHAPE_BOUNDED_PLANE));
  const boxes = new Float32Array(count * 6);
  for (let i = 0; i < count; i++) {
    const c = [rnd() * 20 - 10, rnd() * 20 - 10, rnd() * 20 - 10];
    for (let a = 0; a < 3; a++) {
      boxes[i * 6 + a] = c[a]! - 0.5;
      boxes[i * 6 + 3 + a] = c[a]! + 0.5;
    }
  }
  // Planes z = -13 and below (the infinite one lies under the cloud), bounded ones across their boxes.
  const planes = Float32Array.from({ length: count * 4 }, (_, i) => (i % 4 === 2 ? 1 : i % 4 === 3 ? (i === 3 ? 13 : -rnd()) : 0));
  return { kind, boxes, planes, cell: Uint32Array.from({ length: count }, (_, i) => 7_000_000 + i) };
}

describe('BVH traversal', () => {
  it('finds the same nearest hit as testing every primitive, and agrees on occlusion', async () => {
    const { balls, segments } = cloud(7, 300);
    const { circuit } = model(balls, segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const tracer = new Tracer([bvh]);
    const rnd = random(99);
    let hits = 0;
    for (let i = 0; i < 2000; i++) {
      const o = [rnd() * 40 - 20, rnd() * 40 - 20, rnd() * 40 - 20];
      // Aimed at a random point of the cloud so that most rays hit something.
      const d0 = [rnd() * 20 - 10 - o[0]!, rnd() * 20 - 10 - o[1]!, rnd() * 20 - 10 - o[2]!];
      const len = Math.hypot(d0[0]!, d0[1]!, d0[2]!);
      const d = d0.map((v) => v / len);
      const expected = bruteForce(balls, segments, o, d);
      const found = tracer.closest(o[0]!, o[1]!, o[2]!, d[0]!, d[1]!, d[2]!, 0, Infinity);
      expect(found).toBe(expected !== Infinity);
      if (found) {
        hits++;
        expect(tracer.t).toBeCloseTo(expected, 9);
      }
      expect(tracer.occluded(o[0]!, o[1]!, o[2]!, d[0]!, d[1]!, d[2]!, 0, Infinity)).toBe(found);
    }
    expect(hits).toBeGreaterThan(1000);
  });

  it('splits large models at their Morton codes (and piles of coincident primitives that share one code) into a valid tree with the same hits', async () => {
    const { balls, segments } = cloud(17, MORTON_ABOVE);
    // More coincident spheres than a Morton-split range: every one has the same code.
    const pile = Array.from({ length: MORTON_ABOVE + 100 }, (_, i) => ({ at: [1.5, -2.5, 0.5] as [number, number, number], r: Math.fround(0.3 + (i % 7) * 0.01) }));
    const all = [...balls, ...pile];
    const builder = useSubtreeBuilder(null);
    let bvh: ModelBvh;
    try {
      bvh = await buildModelBvh(model(all, segments).circuit.spheres, model(all, segments).circuit.cones);
    } finally {
      useSubtreeBuilder(builder);
    }
    expect(wellFormed(bvh)).toBe(all.length + segments.length);
    const tracer = new Tracer([bvh]);
    const rnd = random(5);
    let hits = 0;
    for (let i = 0; i < 300; i++) {
      const o = [rnd() * 40 - 20, rnd() * 40 - 20, rnd() * 40 - 20];
      // Every third ray aims at the pile.
      const target = i % 3 === 0 ? [1.5, -2.5, 0.5] : [rnd() * 20 - 10, rnd() * 20 - 10, rnd() * 20 - 10];
      const d0 = [target[0]! - o[0]!, target[1]! - o[1]!, target[2]! - o[2]!];
      const len = Math.hypot(d0[0]!, d0[1]!, d0[2]!);
      const d = d0.map((v) => v / len);
      const expected = bruteForce(all, segments, o, d);
      const found = tracer.closest(o[0]!, o[1]!, o[2]!, d[0]!, d[1]!, d[2]!, 0, Infinity);
      expect(found).toBe(expected !== Infinity);
      if (found) {
        hits++;
        expect(tracer.t).toBeCloseTo(expected, 9);
      }
    }
    expect(hits).toBeGreaterThan(150);
  });

  it('builds large models in the render workers into the tree a one-thread build makes', async () => {
    const { balls, segments } = cloud(31, PARALLEL_BUILD_MIN / 2 + 500);
    const { circuit } = model(balls, segments);
    const parallel = await buildModelBvh(circuit.spheres, circuit.cones);
    const builder = useSubtreeBuilder(null);
    expect(builder).not.toBeNull();
    let serial;
    try {
      serial = await buildModelBvh(circuit.spheres, circuit.cones);
    } finally {
      useSubtreeBuilder(builder);
    }
    // The same leaves in the same order and as many nodes; only the node numbering differs.
    expect(parallel.nodeInfo.length).toBe(serial.nodeInfo.length);
    expect(Buffer.from(parallel.prims.buffer).equals(Buffer.from(serial.prims.buffer))).toBe(true);
    expect(leaves(parallel.nodeInfo, parallel.nodeBounds)).toEqual(leaves(serial.nodeInfo, serial.nodeBounds));
    const a = new Tracer([parallel]);
    const b = new Tracer([serial]);
    const rnd = random(3);
    for (let i = 0; i < 2000; i++) {
      const o = [rnd() * 40 - 20, rnd() * 40 - 20, 30];
      const d = [rnd() - 0.5, rnd() - 0.5, -1];
      const len = Math.hypot(d[0]!, d[1]!, d[2]!);
      expect(a.closest(o[0]!, o[1]!, o[2]!, d[0]! / len, d[1]! / len, d[2]! / len, 0, Infinity)).toBe(b.closest(o[0]!, o[1]!, o[2]!, d[0]! / len, d[1]! / len, d[2]! / len, 0, Infinity));
      expect([a.t, a.prim]).toEqual([b.t, b.prim]);
    }
  });

  it('grows the shared tree when the render workers\' subtrees find no room left in it, into the one-thread tree', async () => {
    const { balls, segments } = cloud(37, PARALLEL_BUILD_MIN / 2 + 500);
    const { spheres, cones } = model(balls, segments).circuit;
    const n = balls.length + segments.length;
    const builder = useSubtreeBuilder(null);
    expect(builder).not.toBeNull();
    let serial;
    try {
      serial = await buildModelBvh(spheres, cones);
    } finally {
      useSubtreeBuilder(builder);
    }
    // The geometry's shared copies outlive both builds; each build's own scratch goes back after it.
    const geometry = new BuildScratch();
    const scratch = new BuildScratch();
    const src = { sphereCenters: geometry.shared(spheres.centers), sphereRadii: geometry.shared(spheres.radii), sphereCell: geometry.shared(spheres.cell), coneEnds: geometry.shared(cones.ends), coneRadii: geometry.shared(cones.radii), coneCell: geometry.shared(cones.cell), shapeBoxes: new Float32Array(0) };
    const out = { prims: shared(Float32Array, n * PRIM_STRIDE), stride: PRIM_STRIDE, primKind: shared(Uint8Array, n), primCell: shared(Uint32Array, n) };
    const room = async (perPrim: number): Promise<BvhNodes> => {
      try {
        return await parallelBuild(builder!, scratch, src, n, async () => {}, out, perPrim);
      } finally {
        scratch.release();
      }
    };
    // Room for a tenth of the nodes: most subtrees send theirs back. Room enough: none does.
    for (const perPrim of [0.05, ROOM_PER_PRIM]) {
      out.prims.fill(0);
      const tree = await room(perPrim);
      expect(tree.count).toBe(serial.nodeInfo.length / 2);
      expect(tree.info.length).toBe(tree.count * 2);
      expect(Buffer.from(out.prims.buffer).equals(Buffer.from(serial.prims.buffer))).toBe(true);
      expect(leaves(tree.info, tree.bounds)).toEqual(leaves(serial.nodeInfo, serial.nodeBounds));
    }
    geometry.release();
    // Room for 0.05 nodes per primitive could not have held this tree.
    expect(serial.nodeInfo.length / 2).toBeGreaterThan(0.2 * n);
  });

  it('builds models with boxes, bounded and infinite planes in the render workers into the one-thread tree, every primitive inside its leaf', async () => {
    const { balls, segments } = cloud(41, PARALLEL_BUILD_MIN / 2);
    const { circuit } = model(balls, segments);
    const count = 300;
    const shapes = scatteredShapes(9, count);
    const parallel = await buildModelBvh(circuit.spheres, circuit.cones, undefined, shapes);
    const builder = useSubtreeBuilder(null);
    let serial;
    try {
      serial = await buildModelBvh(circuit.spheres, circuit.cones, undefined, shapes);
    } finally {
      useSubtreeBuilder(builder);
    }
    expect(parallel.planeBase).toBe(balls.length + segments.length + count - 1);
    expect(parallel.nodeInfo.length).toBe(serial.nodeInfo.length);
    for (const key of ['prims', 'primCell', 'primKind'] as const) expect(Buffer.from(parallel[key].buffer, 0, parallel[key].byteLength).equals(Buffer.from(serial[key].buffer, 0, serial[key].byteLength))).toBe(true);
    expect([...parallel.primKind].filter((k) => k >= 2)).toHaveLength(count - 1);
    // Every primitive lies inside its leaf's box (shapes: their box; spheres and cones: the ends' spheres).
    const info = parallel.nodeInfo;
    let checked = 0;
    for (let node = 0; node < info.length / 2; node++) {
      const prims = info[node * 2 + 1]!;
      const b = parallel.nodeBounds.subarray(node * 6, node * 6 + 6);
      for (let k = info[node * 2]!; prims > 0 && k < info[node * 2]! + prims; k++, checked++) {
        const p = parallel.prims.subarray(k * 8, k * 8 + 8);
        const kind = parallel.primKind[k]!;
        const lo = kind >= 2 ? [p[0]!, p[1]!, p[2]!] : [0, 1, 2].map((a) => Math.min(p[a]! - p[3]!, kind === 1 ? p[4 + a]! - p[7]! : Infinity));
        const hi = kind >= 2 ? [p[4]!, p[5]!, p[6]!] : [0, 1, 2].map((a) => Math.max(p[a]! + p[3]!, kind === 1 ? p[4 + a]! + p[7]! : -Infinity));
        for (let a = 0; a < 3; a++) expect(b[a]! <= lo[a]! && hi[a]! <= b[3 + a]!).toBe(true);
      }
    }
    expect(checked).toBe(parallel.planeBase);
  });

  it('builds each model once and reuses it for later renders of the same circuit', async () => {
    const { circuit } = model([{ at: [0, 0, 0], r: 1 }]);
    const first = await modelBvh(circuit);
    expect(await modelBvh(circuit)).toBe(first);
    const other = model([{ at: [0, 0, 0], r: 1 }]).circuit;
    expect(await modelBvh(other)).not.toBe(first);
  });

  it('a cancelled build rejects with CANCELLED and is forgotten, so the next request builds again', async () => {
    const { balls, segments } = cloud(11, 60_000);
    const { circuit } = model(balls, segments);
    const controller = new AbortController();
    const building = prepareModel(circuit, controller.signal);
    controller.abort();
    await expect(building).rejects.toMatchObject({ code: 'CANCELLED' });
    await prepareModel(circuit, new AbortController().signal);
    const bvh = await modelBvh(circuit);
    expect(bvh.primKind.length).toBe(120_000);
  });

  it('handles empty geometry and many coincident primitives', async () => {
    const empty = await buildModelBvh(model([]).circuit.spheres, model([]).circuit.cones);
    expect(new Tracer([empty]).closest(0, 0, 10, 0, 0, -1, 0, Infinity)).toBe(false);
    const same = model(Array.from({ length: 100 }, () => ({ at: [0, 0, 0] as [number, number, number], r: 1 }))).circuit;
    const tracer = new Tracer([await buildModelBvh(same.spheres, same.cones)]);
    expect(tracer.closest(0, 0, 10, 0, 0, -1, 0, Infinity)).toBe(true);
    expect(tracer.t).toBeCloseTo(9, 9);
  });
});

/**
 * Traces one packet of shadow rays from `origins` towards `light` (the rays `inList` keeps), once
 * through the BVH and once through the model's light-space grid, and expects each ray blocked
 * exactly when the per-ray tracer finds it occluded; returns how many were.
 */
async function blockedAsTracerFinds(bvh: ModelBvh, light: number[], origins: Float64Array, inList: (k: number) => boolean): Promise<number> {
  const n = origins.length / 3;
  const len = Math.hypot(light[0]!, light[1]!, light[2]!);
  const dirs = Float64Array.from(light, (v) => v / len);
  const list = new Int32Array(n);
  let count = 0;
  for (let k = 0; k < n; k++) if (inList(k)) list[count++] = k;
  const grid = await buildShadowGrid(bvh, dirs[0]!, dirs[1]!, dirs[2]!);
  expect(grid).not.toBeNull();
  const tracer = new Tracer([bvh]);
  let total = 0;
  for (const model of [bvh, { ...bvh, shadowGrids: [grid] }]) {
    const blocked = new Uint8Array(n);
    new ShadowPackets([model]).trace(origins, list, count, dirs, 0, blocked);
    total = 0;
    for (let k = 0; k < n; k++) {
      const expected = inList(k) && tracer.occluded(origins[k * 3]!, origins[k * 3 + 1]!, origins[k * 3 + 2]!, dirs[0]!, dirs[1]!, dirs[2]!, 0, Infinity);
      expect(blocked[k], `ray ${k}, ${'shadowGrids' in model ? 'grid' : 'BVH'}`).toBe(expected ? 1 : 0);
      if (expected) total++;
    }
  }
  return total;
}

describe('shadow ray packets', () => {
  it('block exactly the rays the per-ray tracer finds occluded, for lights from every side', async () => {
    const { balls, segments } = cloud(23, 400);
    const { circuit } = model(balls, segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const rnd = random(5);
    let blockedTotal = 0;
    // Origins in and around the cloud; a packet shares one light and skips some rays via the list.
    for (const light of [[1, 1, 1], [0, 0, 1], [-0.3, 1, 0], [1, 0, 0], [0.2, -0.5, -1]]) {
      blockedTotal += await blockedAsTracerFinds(bvh, light, Float64Array.from({ length: 1500 * 3 }, () => rnd() * 26 - 13), (k) => k % 7 !== 3);
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(blockedTotal).toBeGreaterThan(1000);
    expect(blockedTotal).toBeLessThan(5 * 1285 - 1000);
  });

  it('block exactly what the per-ray tracer finds for a sparse packet: a few tight clusters of rays far apart', async () => {
    // Most of the packet's bounding rectangle holds no ray: the nodes and primitives there are
    // skipped, and those next to a cluster must still be tested.
    const { balls, segments } = cloud(41, 600);
    const { circuit } = model(balls, segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const rnd = random(12);
    let blockedTotal = 0;
    let rays = 0;
    for (const light of [[1, 1, 1], [0, 0, 1], [-0.3, 1, 0.1], [0.7, -0.2, -1]]) {
      const centres = Array.from({ length: 4 }, () => [rnd() * 24 - 12, rnd() * 24 - 12, rnd() * 24 - 12]);
      const origins = Float64Array.from({ length: 400 * 3 }, (_, i) => centres[Math.floor(i / 300)]![i % 3]! + (rnd() - 0.5) * 1.5);
      blockedTotal += await blockedAsTracerFinds(bvh, light, origins, () => true);
      rays += 400;
    }
    expect(blockedTotal).toBeGreaterThan(rays * 0.1);
    expect(blockedTotal).toBeLessThan(rays * 0.9);
  });
});

describe('shadow ray packets against long thin cones', () => {
  it('block exactly the rays the per-ray tracer finds occluded, though most rays lie in the cones\' boxes', async () => {
    const f = Math.fround;
    const uniform = random(31);
    const p = (): [number, number, number] => [f(uniform() * 24 - 12), f(uniform() * 24 - 12), f(uniform() * 24 - 12)];
    const segments: Segment[] = Array.from({ length: 80 }, () => ({ a: p(), b: p(), ra: f(0.05 + uniform() * 0.4), rb: f(0.05 + uniform() * 0.4) }));
    const { circuit } = model([], segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const rnd = random(9);
    const n = 2000;
    let blockedTotal = 0;
    for (const light of [[1, 1, 1], [0, 0, 1], [-0.3, 1, 0.1]]) {
      blockedTotal += await blockedAsTracerFinds(bvh, light, Float64Array.from({ length: n * 3 }, () => rnd() * 30 - 15), () => true);
    }
    expect(blockedTotal).toBeGreaterThan(300);
    expect(blockedTotal).toBeLessThan(3 * n - 300);
  });
});

describe('shadow rays through light-space grids', () => {
  it('block exactly what the per-ray tracer finds with boxes, bounded and infinite planes among the spheres and cones', async () => {
    const { balls, segments } = cloud(77, 300);
    const { circuit } = model(balls, segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones, undefined, scatteredShapes(5, 41));
    const rnd = random(6);
    let blockedTotal = 0;
    for (const light of [[1, 1, 1], [0, 0, -1], [-0.3, 1, 0.2]]) {
      blockedTotal += await blockedAsTracerFinds(bvh, light, Float64Array.from({ length: 1500 * 3 }, () => rnd() * 26 - 13), () => true);
    }
    expect(blockedTotal).toBeGreaterThan(600);
    expect(blockedTotal).toBeLessThan(3 * 1500 - 600);
  });

  it('are not built where they would not pay: many shapes, or primitives far larger than the cells; the BVH packets answer instead', async () => {
    const { balls, segments } = cloud(78, 200);
    const manyShapes = await buildModelBvh(model(balls, segments).circuit.spheres, model(balls, segments).circuit.cones, undefined, scatteredShapes(6, 200));
    const light = [0.6, 0.64, 0.48];
    expect(await buildShadowGrid(manyShapes, light[0]!, light[1]!, light[2]!)).toBeNull();
    // A thousand grains of sand and fifty boulders a thousand times their size: the boulders would fill every cell.
    const rnd = random(8);
    const sand: Ball[] = Array.from({ length: 1000 }, () => ({ at: [rnd() * 1000, rnd() * 1000, rnd() * 1000], r: 0.5 }));
    const boulders: Ball[] = Array.from({ length: 50 }, () => ({ at: [rnd() * 1000, rnd() * 1000, rnd() * 1000], r: 500 }));
    const rocks = model([...sand, ...boulders]).circuit;
    const huge = await buildModelBvh(rocks.spheres, rocks.cones);
    expect(await buildShadowGrid(huge, light[0]!, light[1]!, light[2]!)).toBeNull();
    // Without grids the packets take the BVH path, which still gives the tracer's answers.
    const origins = Float64Array.from({ length: 900 * 3 }, () => rnd() * 26 - 13);
    const tracer = new Tracer([manyShapes]);
    const blocked = new Uint8Array(900);
    new ShadowPackets([{ ...manyShapes, shadowGrids: [null] }]).trace(origins, Int32Array.from({ length: 900 }, (_, k) => k), 900, Float64Array.from(light), 0, blocked);
    for (let k = 0; k < 900; k++) expect(blocked[k]).toBe(tracer.occluded(origins[k * 3]!, origins[k * 3 + 1]!, origins[k * 3 + 2]!, light[0]!, light[1]!, light[2]!, 0, Infinity) ? 1 : 0);
  });

  it('are built at the second frame along a light direction, once per model, and kept for the last two directions', async () => {
    const { balls, segments } = cloud(79, 100);
    const { circuit } = model(balls, segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const [a, b, c] = [[0, 0, 1], [0, 1, 0], [1, 0, 0]] as const;
    // A direction seen once is traced by the BVH packets: a single snapshot does not pay for a build.
    expect(await shadowGrid(bvh, ...a)).toBeNull();
    const first = await shadowGrid(bvh, ...a);
    expect(first).not.toBeNull();
    expect(await shadowGrid(bvh, ...a)).toBe(first);
    expect(await shadowGrid(bvh, ...b)).toBeNull();
    const second = await shadowGrid(bvh, ...b);
    expect(second).not.toBe(first);
    expect(await shadowGrid(bvh, ...a)).toBe(first);
    // A third direction drops the least recently used one (b): b starts over.
    expect(await shadowGrid(bvh, ...c)).toBeNull();
    expect(await shadowGrid(bvh, ...b)).toBeNull();
    expect(await shadowGrid(bvh, ...b)).not.toBe(second);
    // Every sphere and cone is listed at least once; shapes never.
    expect(new Set(first!.prims).size).toBe(bvh.primKind.length);
  });
});

/** Expects each of the tile's `count` primary rays to hit what the per-ray tracer finds, at its distance; returns the hits. */
function hitsAsTracerFinds(primary: PrimaryRays, count: number, tracer: Tracer): number {
  let hits = 0;
  for (let k = 0; k < count; k++) {
    const r = primary.allRays().subarray(k * 6, k * 6 + 6);
    const found = tracer.closest(r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, 0, Infinity);
    expect(primary.prim[k]! >= 0).toBe(found);
    if (found) {
      hits++;
      expect(primary.t[k]).toBeCloseTo(tracer.t, 9);
    }
  }
  return hits;
}

/** `hitsAsTracerFinds` over three 16x16 tiles of a 48x40 frame (a corner, the middle, the bottom edge); returns the hits. */
function hitsOverTiles(primary: PrimaryRays, tracer: Tracer): number {
  let hits = 0;
  for (const [x0, y0] of [
    [0, 0],
    [16, 16],
    [32, 24],
  ] as const) {
    hits += hitsAsTracerFinds(primary, primary.trace(x0, y0, x0 + 16, Math.min(40, y0 + 16), new Rng()), tracer);
  }
  return hits;
}

describe('primary rays through the tile frustum', () => {
  const cameras: [string, RenderCamera][] = [
    ['perspective inside the cloud', { type: 'perspective', fovy: 60, view: lookAt([3, 2, 4], [0, 0, -20], [0.2, 1, 0]) }],
    ['perspective outside', { type: 'perspective', fovy: 45, view: lookAt([5, 30, 40]) }],
    ['orthographic', { type: 'orthographic', height: 25, view: lookAt([30, 0, 30], [0, 0, 0], [0, 1, 0]) }],
  ];
  // A wall of overlapping spheres in front of the cloud: tiles fill up, so occlusion culling skips
  // whole subtrees behind the wall, which must not change any ray's hit.
  const wall: Ball[] = [];
  for (let x = -12; x <= 12; x += 1.5) for (let y = -12; y <= 12; y += 1.5) wall.push({ at: [x, y, 12 + ((x * y) % 3)], r: 1.2 });
  const scenes: [string, RenderCamera, Ball[]][] = [
    ...cameras.map(([name, camera]): [string, RenderCamera, Ball[]] => [name, camera, []]),
    ['behind a wall', { type: 'perspective', fovy: 50, view: lookAt([0, 0, 30]) }, wall],
    ['orthographic, behind a wall', { type: 'orthographic', height: 20, view: lookAt([0, 0, 30]) }, wall],
    // Near clip: rays start past the wall's front, so culling must measure from the clipped starts.
    ['behind a wall, near-clipped into it', { type: 'perspective', fovy: 50, view: lookAt([0, 0, 30]), nearClip: 17 }, wall],
    ['orthographic, near-clipped', { type: 'orthographic', height: 20, view: lookAt([0, 0, 30]), nearClip: 17 }, wall],
  ];
  const samplings = [
    ['centred samples', PIXEL_CENTRE],
    ["Brayns' first-sample position", braynsFirstSample('R3')],
  ] as const;
  for (const [name, camera, extra] of scenes.flatMap(([n, c, e]) => samplings.map(([sn, at]) => [`${n}, ${sn}`, c, e, at] as const)).map(([n, c, e, at]) => [n, { camera: c, at }, e] as const)) {
    it(`gives every ray the nearest hit a per-ray traversal finds (${name})`, async () => {
      const generated = cloud(3, 200);
      const balls = [...generated.balls, ...extra];
      const segments = generated.segments;
      const { circuit } = model(balls, segments);
      const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
      const frame = cameraFrame(camera.camera, 48, 40, camera.at);
      const primary = new PrimaryRays(primaryJob(frame, bvh, 2));
      const tracer = new Tracer([bvh]);
      expect(hitsOverTiles(primary, tracer)).toBeGreaterThan(100);
    });
  }
});

describe("primary rays at OSPRay's sample positions", () => {
  // Brayns' later samples follow OSPRay's 3-pixel-wide filter: a pixel's ray may pass up to 1.5
  // pixels past its centre, so a primitive must be tested against the rays of neighbouring pixels.
  it('give every ray the nearest hit a per-ray traversal finds, though samples lie outside their pixel', async () => {
    const { circuit } = model(cloud(7, 300).balls, cloud(8, 100).segments);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const frame = cameraFrame({ type: 'perspective', fovy: 45, view: lookAt([5, 30, 40]) }, 48, 40, PIXEL_CENTRE);
    const samples = 8;
    const positions = new Float64Array(samples * 2);
    for (let s = 0; s < samples; s++) {
      const p = braynsSample('R3', s);
      positions[s * 2] = p.x;
      positions[s * 2 + 1] = p.y;
    }
    // The test only means something if the samples do leave the pixel.
    expect(Math.min(...positions)).toBeLessThan(-0.2);
    expect(Math.max(...positions)).toBeGreaterThan(1.2);
    const primary = new PrimaryRays({ ...primaryJob(frame, bvh, samples), samplePositions: positions });
    const tracer = new Tracer([bvh]);
    expect(hitsOverTiles(primary, tracer)).toBeGreaterThan(800);
  });
});

/**
 * Ray-cone tests per ray allowed below: half of what testing every pixel of each cone's end
 * spheres' screen box took for these scenes (1.36, 22.8 and 1.58 tests per ray).
 */
const CONE_TEST_LIMIT: Record<string, number> = { 'perspective outside': 0.68, 'perspective among the cones': 11.4, orthographic: 0.79 };
describe('primary rays against long thin cones', () => {
  // Long thin cones crossing the view diagonally (their end spheres' screen boxes are mostly empty),
  // some reaching past the camera, one seen end-on: the per-row bound must keep every hit.
  const f = Math.fround;
  const segments: Segment[] = [];
  const uniform = random(11);
  for (let i = 0; i < 60; i++) {
    const a: [number, number, number] = [f(uniform() * 30 - 15), f(uniform() * 30 - 15), f(uniform() * 30 - 15)];
    const b: [number, number, number] = [f(uniform() * 30 - 15), f(uniform() * 30 - 15), f(uniform() * 30 - 15)];
    segments.push({ a, b, ra: f(0.05 + uniform() * 0.3), rb: f(0.05 + uniform() * 0.3) });
  }
  segments.push({ a: [0, 0, -10], b: [0, 0, 10], ra: f(0.5), rb: f(2) });
  const cameras: [string, RenderCamera][] = [
    ['perspective outside', { type: 'perspective', fovy: 50, view: lookAt([4, 6, 45]) }],
    ['perspective among the cones', { type: 'perspective', fovy: 70, view: lookAt([1, 2, 8], [0, 0, -20], [0.3, 1, 0]) }],
    ['orthographic', { type: 'orthographic', height: 34, view: lookAt([30, 10, 30]) }],
  ];
  for (const [name, camera] of cameras) {
    for (const [sampling, at, samples] of [
      ['centred', PIXEL_CENTRE, 1],
      ['jittered, 4 samples', PIXEL_CENTRE, 4],
      ["Brayns' first sample", braynsFirstSample('R3'), 1],
    ] as const) {
      it(`find the nearest hit a per-ray traversal finds, with fewer cone tests than the end spheres' boxes (${name}, ${sampling})`, async () => {
        const { circuit } = model([], segments);
        const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
        const width = 96;
        const height = 72;
        const frame = cameraFrame(camera, width, height, at);
        const primary = new PrimaryRays(primaryJob(frame, bvh, samples));
        const tracer = new Tracer([bvh]);
        let hits = 0;
        let rays = 0;
        for (let y0 = 0; y0 < height; y0 += 24) {
          for (let x0 = 0; x0 < width; x0 += 32) {
            const count = primary.trace(x0, y0, x0 + 32, y0 + 24, new Rng());
            rays += count;
            hits += hitsAsTracerFinds(primary, count, tracer);
          }
        }
        expect(hits).toBeGreaterThan(rays / 40);
        expect(primary.coneTests).toBeLessThan(CONE_TEST_LIMIT[name]! * rays);
      });
    }
  }
});
