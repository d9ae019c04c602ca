import { EventEmitter } from 'node:events';
import type { ConeGeometry, LoadedCircuit, SphereGeometry } from '../scene/types.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type BvhNodes, type Subtree, buildBvh, ceilF32, floorF32, spliceSubtree } from './bvh.js';

/**
 * One model's primitives and BVH, all in SharedArrayBuffers so render workers read them in place.
 * A primitive is 8 floats: sphere [cx, cy, cz, r, -, -, -, -], cone [ax, ay, az, ra, bx, by, bz, rb]
 * (a cone is drawn as its lateral surface plus a sphere at each end, so chained segments join
 * without gaps). Primitives are stored in BVH leaf order.
 */
export interface ModelBvh {
  nodeBounds: Float32Array;
  nodeInfo: Uint32Array;
  prims: Float32Array;
  primCell: Uint32Array;
  /** 0 = sphere, 1 = cone. */
  primKind: Uint8Array;
  /** Scene-space box of everything, [minx, miny, minz, maxx, maxy, maxz] (zeros when empty). */
  box: [number, number, number, number, number, number];
  /** Milliseconds spent building, for the benchmarks. */
  buildMs: number;
}

export const SPHERE = 0;
export const CONE = 1;

function shared<T extends Float32Array | Uint32Array | Uint8Array>(
  Ctor: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Ctor(new SharedArrayBuffer(Math.max(1, length) * Ctor.BYTES_PER_ELEMENT));
}

/** A built subtree as `buildSubtree` returns it. */
export interface SubtreeNodes {
  bounds: Float32Array;
  info: Uint32Array;
  count: number;
}

/** Builds subtrees on other threads (the render workers): boxes and order are shared memory. */
export interface SubtreeBuilder {
  threads(): number;
  build(boxes: Float32Array, order: Uint32Array, subtrees: Subtree[]): Promise<SubtreeNodes[]>;
}

let subtreeBuilder: SubtreeBuilder | null = null;

/** Lets builds hand their subtrees to other threads (index.ts passes the render workers); returns the previous builder. */
export function useSubtreeBuilder(builder: SubtreeBuilder | null): SubtreeBuilder | null {
  const previous = subtreeBuilder;
  subtreeBuilder = builder;
  return previous;
}

/** Below this many primitives a build stays on one thread: posting the work would cost more. */
export const PARALLEL_BUILD_MIN = 50_000;

/**
 * Builds the BVH of sphere and cone geometry (the one-off cost that the cache below amortises).
 * The build yields to the event loop now and then and stops when `signal` aborts.
 */
export async function buildModelBvh(spheres: SphereGeometry, cones: ConeGeometry, signal?: AbortSignal): Promise<ModelBvh> {
  const started = performance.now();
  const sphereCount = spheres.radii.length;
  const coneCount = cones.cell.length;
  const n = sphereCount + coneCount;
  const boxes = shared(Float32Array, n * 6);
  for (let i = 0; i < sphereCount; i++) {
    const r = Math.abs(spheres.radii[i]!);
    for (let a = 0; a < 3; a++) {
      const c = spheres.centers[i * 3 + a]!;
      boxes[i * 6 + a] = floorF32(c - r);
      boxes[i * 6 + 3 + a] = ceilF32(c + r);
    }
  }
  for (let i = 0; i < coneCount; i++) {
    const ra = Math.abs(cones.radii[i * 2]!);
    const rb = Math.abs(cones.radii[i * 2 + 1]!);
    const o = (sphereCount + i) * 6;
    for (let a = 0; a < 3; a++) {
      const ca = cones.ends[i * 6 + a]!;
      const cb = cones.ends[i * 6 + 3 + a]!;
      boxes[o + a] = floorF32(Math.min(ca - ra, cb - rb));
      boxes[o + 3 + a] = ceilF32(Math.max(ca + ra, cb + rb));
    }
  }
  const checkpoint = async (): Promise<void> => {
    await yieldToLoop();
    if (signal?.aborted === true) throw new BuildCancelled();
  };
  const threads = subtreeBuilder?.threads() ?? 0;
  const nodes = subtreeBuilder !== null && threads > 0 && n >= PARALLEL_BUILD_MIN ? await parallelBuild(subtreeBuilder, threads, boxes, n, checkpoint) : await buildBvh(boxes, n, { checkpoint });
  const nodeBounds = shared(Float32Array, nodes.bounds.length);
  nodeBounds.set(nodes.bounds);
  const nodeInfo = shared(Uint32Array, nodes.info.length);
  nodeInfo.set(nodes.info);
  const prims = shared(Float32Array, n * 8);
  const primCell = shared(Uint32Array, n);
  const primKind = shared(Uint8Array, n);
  for (let k = 0; k < n; k++) {
    const p = nodes.order[k]!;
    const o = k * 8;
    if (p < sphereCount) {
      prims[o] = spheres.centers[p * 3]!;
      prims[o + 1] = spheres.centers[p * 3 + 1]!;
      prims[o + 2] = spheres.centers[p * 3 + 2]!;
      prims[o + 3] = Math.abs(spheres.radii[p]!);
      primCell[k] = spheres.cell[p]!;
      primKind[k] = SPHERE;
    } else {
      const c = p - sphereCount;
      for (let a = 0; a < 3; a++) {
        prims[o + a] = cones.ends[c * 6 + a]!;
        prims[o + 4 + a] = cones.ends[c * 6 + 3 + a]!;
      }
      prims[o + 3] = Math.abs(cones.radii[c * 2]!);
      prims[o + 7] = Math.abs(cones.radii[c * 2 + 1]!);
      primCell[k] = cones.cell[c]!;
      primKind[k] = CONE;
    }
  }
  const box: ModelBvh['box'] =
    nodes.count > 0
      ? [nodes.bounds[0]!, nodes.bounds[1]!, nodes.bounds[2]!, nodes.bounds[3]!, nodes.bounds[4]!, nodes.bounds[5]!]
      : [0, 0, 0, 0, 0, 0];
  const buildMs = performance.now() - started;
  bvhEvents.emit('built', { primitives: n, ms: buildMs });
  return { nodeBounds, nodeInfo, prims, primCell, primKind, box, buildMs };
}

/**
 * The top of the tree on this thread, then its subtrees (a few per thread, so threads that finish
 * early take more) on the builder's threads, spliced in. The tree is the one a one-thread build
 * makes, numbered differently.
 */
async function parallelBuild(builder: SubtreeBuilder, threads: number, boxes: Float32Array, n: number, checkpoint: () => Promise<void>): Promise<BvhNodes> {
  const order = shared(Uint32Array, n);
  for (let i = 0; i < n; i++) order[i] = i;
  const top = await buildBvh(boxes, n, { checkpoint, order, deferAtMost: Math.ceil(n / (threads * 4)) });
  const subtrees = await builder.build(boxes, order, top.deferred);
  await checkpoint();
  // The top's arrays have room for every node (2n - 1); fill the rest with the subtrees.
  const tree = { bounds: new Float32Array(top.bounds.buffer), info: new Uint32Array(top.info.buffer) };
  let count = top.count;
  top.deferred.forEach((at, i) => {
    count = spliceSubtree(tree, count, at, subtrees[i]!);
  });
  return { bounds: tree.bounds.subarray(0, count * 6), info: tree.info.subarray(0, count * 2), count, order };
}

/** Emits `built` with { primitives, ms } after each BVH build (tests and diagnostics listen). */
export const bvhEvents = new EventEmitter<{ built: [{ primitives: number; ms: number }] }>();

/** A build stopped by its signal (not a failure of the geometry). */
export class BuildCancelled extends Error {
  override readonly name = 'BuildCancelled';
}

interface CacheEntry {
  spheres: SphereGeometry;
  cones: ConeGeometry;
  bvh: Promise<ModelBvh>;
}

/**
 * Keyed by the circuit object: a loaded model's geometry never changes (only its colours do, per
 * frame), so every snapshot of one scene reuses the BVH. Entries die with the circuit. A build
 * that was cancelled is forgotten, so the next render starts it again.
 */
const cache = new WeakMap<LoadedCircuit, CacheEntry>();

export function modelBvh(circuit: LoadedCircuit, signal?: AbortSignal): Promise<ModelBvh> {
  const hit = cache.get(circuit);
  if (hit !== undefined && hit.spheres === circuit.spheres && hit.cones === circuit.cones) return hit.bvh;
  const entry: CacheEntry = { spheres: circuit.spheres, cones: circuit.cones, bvh: buildModelBvh(circuit.spheres, circuit.cones, signal) };
  entry.bvh.catch(() => {
    if (cache.get(circuit) === entry) cache.delete(circuit);
  });
  cache.set(circuit, entry);
  return entry.bvh;
}
