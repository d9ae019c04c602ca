import { EventEmitter } from 'node:events';
import { SHAPE_BOUNDED_PLANE, SHAPE_PLANE, type ConeGeometry, type LoadedCircuit, type ShapeGeometry, type SphereGeometry } from '../scene/types.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type BuildArrays, type BvhNodes, type Subtree, buildBvh, ceilF32, fitNodes, floorF32, spliceSubtree } from './bvh.js';
import { mortonOrder } from './morton.js';
import { type PrimArrays, type PrimSources, fillPrims } from './prims.js';
import { BuildScratch } from './build-scratch.js';
import { BOUNDED_PLANE, BOX, IDENTITY_FRAME, mapPoint, toModel, toWorld, worldPlane } from './shapes.js';

/**
 * One model's primitives and BVH, all in SharedArrayBuffers so render workers read them in place.
 * A primitive is 8 floats: sphere [cx, cy, cz, r, -, -, -, -], cone [ax, ay, az, ra, bx, by, bz, rb]
 * (a cone is drawn as its lateral surface plus a sphere at each end, so chained segments join
 * without gaps), box or bounded plane [minx, miny, minz, plane index, maxx, maxy, maxz, -] in
 * model space (shapes.ts). Primitives are stored in BVH leaf order. Infinite planes are kept
 * outside the BVH; they count as primitives `planeBase + i` (for their cell).
 */
export interface ModelBvh {
  nodeBounds: Float32Array;
  nodeInfo: Uint32Array;
  prims: Float32Array;
  /** Cell per primitive, then per infinite plane. */
  primCell: Uint32Array;
  /** 0 = sphere, 1 = cone, 2 = box, 3 = bounded plane. */
  primKind: Uint8Array;
  /** World -> model map of the boxes and bounded planes (shapes.ts). */
  frame: Float64Array;
  /** Model-space coefficients of the bounded planes, 4 per plane index. */
  shapePlanes: Float32Array;
  /** Infinite planes in world space, unit normal and offset, 4 each. */
  planes: Float32Array;
  /** Number of BVH primitives: infinite plane i is primitive planeBase + i. */
  planeBase: number;
  /** Scene-space box of everything, [minx, miny, minz, maxx, maxy, maxz] (zeros when empty). */
  box: [number, number, number, number, number, number];
  /** Milliseconds spent building, for the benchmarks. */
  buildMs: number;
}

export { CONE, SPHERE } from './prims.js';

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

/**
 * Builds subtrees on other threads (the render workers), which then fill the primitives of their
 * ranges (`fill`, spheres and cones only): all of it shared memory.
 */
export interface SubtreeBuilder {
  threads(): number;
  build(arrays: BuildArrays, subtrees: Subtree[], fill: PrimFill): Promise<SubtreeNodes[]>;
}

/** What a thread needs to fill the primitives of the ranges it built (see fillPrims). */
export interface PrimFill {
  sources: PrimSources;
  out: PrimArrays;
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
export async function buildModelBvh(spheres: SphereGeometry, cones: ConeGeometry, signal?: AbortSignal, shapes?: ShapeGeometry): Promise<ModelBvh> {
  // Shared arrays only other threads read, handed back for the next build (build-scratch.ts).
  const scratch = new BuildScratch();
  try {
    return await buildWith(scratch, spheres, cones, signal, shapes);
  } finally {
    scratch.release();
  }
}

async function buildWith(scratch: BuildScratch, spheres: SphereGeometry, cones: ConeGeometry, signal?: AbortSignal, shapes?: ShapeGeometry): Promise<ModelBvh> {
  const started = performance.now();
  const sphereCount = spheres.radii.length;
  const coneCount = cones.cell.length;
  const split = splitShapes(shapes);
  const n = sphereCount + coneCount + split.bounded.length;
  const threads = subtreeBuilder?.threads() ?? 0;
  const inParallel = subtreeBuilder !== null && threads > 0 && n >= PARALLEL_BUILD_MIN;
  const boxes = inParallel ? scratch.float32(n * 6) : new Float32Array(n * 6);
  const frame = shapes?.transform === undefined ? IDENTITY_FRAME : toModel(shapes.transform);
  const worldOf = shapes?.transform === undefined ? IDENTITY_FRAME : toWorld(shapes.transform);
  split.bounded.forEach((s, i) => worldBox(shapes!.boxes, s, worldOf, boxes, (sphereCount + coneCount + i) * 6));
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
  const planeCount = split.infinite.length;
  const out: PrimArrays = { prims: shared(Float32Array, n * 8), primKind: shared(Uint8Array, n), primCell: shared(Uint32Array, n + planeCount) };
  const sources: PrimSources = {
    sphereCenters: inParallel ? scratch.shared(spheres.centers) : spheres.centers,
    sphereRadii: inParallel ? scratch.shared(spheres.radii) : spheres.radii,
    sphereCell: inParallel ? scratch.shared(spheres.cell) : spheres.cell,
    coneEnds: inParallel ? scratch.shared(cones.ends) : cones.ends,
    coneRadii: inParallel ? scratch.shared(cones.radii) : cones.radii,
    coneCell: inParallel ? scratch.shared(cones.cell) : cones.cell,
  };
  const nodes = inParallel ? await parallelBuild(subtreeBuilder!, threads, scratch, boxes, n, checkpoint, { sources, out }) : await buildBvh(boxes, n, { checkpoint });
  const nodeBounds = sharedOrCopy(nodes.bounds);
  const nodeInfo = sharedOrCopy(nodes.info);
  if (!inParallel) fillPrims(sources, nodes.order, 0, n, out);
  const { prims, primKind, primCell } = out;
  const planes = shared(Float32Array, planeCount * 4);
  split.infinite.forEach((s, i) => {
    const c = shapes!.planes;
    planes.set(worldPlane(frame, c[s * 4]!, c[s * 4 + 1]!, c[s * 4 + 2]!, c[s * 4 + 3]!), i * 4);
    primCell[n + i] = shapes!.cell[s]!;
  });
  if (split.bounded.length > 0) fillShapes(shapes!, split.bounded, nodes.order, sphereCount + coneCount, out);
  const box: ModelBvh['box'] =
    nodes.count > 0
      ? [nodes.bounds[0]!, nodes.bounds[1]!, nodes.bounds[2]!, nodes.bounds[3]!, nodes.bounds[4]!, nodes.bounds[5]!]
      : [0, 0, 0, 0, 0, 0];
  const buildMs = performance.now() - started;
  bvhEvents.emit('built', { primitives: n, ms: buildMs });
  const shapePlanes = shapes?.planes ?? new Float32Array(0);
  return { nodeBounds, nodeInfo, prims, primCell, primKind, frame, shapePlanes: sharedCopy(shapePlanes), planes, planeBase: n, box, buildMs };
}

/** Writes the bounded shapes (primitive indices from `first` on, in `bounded` order) into their leaf slots. */
function fillShapes(shapes: ShapeGeometry, bounded: number[], order: Uint32Array, first: number, out: PrimArrays): void {
  const { prims, primKind, primCell } = out;
  for (let k = 0; k < order.length; k++) {
    const p = order[k]!;
    if (p < first) continue;
    const s = bounded[p - first]!;
    const o = k * 8;
    for (let a = 0; a < 3; a++) {
      prims[o + a] = shapes.boxes[s * 6 + a]!;
      prims[o + 4 + a] = shapes.boxes[s * 6 + 3 + a]!;
    }
    // Coefficients stay with the shape's own index (exact in a float up to 2^24 shapes).
    prims[o + 3] = s;
    primCell[k] = shapes.cell[s]!;
    primKind[k] = shapes.kind[s] === SHAPE_BOUNDED_PLANE ? BOUNDED_PLANE : BOX;
  }
}

/** Shape indices of the bounded shapes (boxes, bounded planes: in the BVH) and of the infinite planes. */
function splitShapes(shapes: ShapeGeometry | undefined): { bounded: number[]; infinite: number[] } {
  const bounded: number[] = [];
  const infinite: number[] = [];
  if (shapes !== undefined) shapes.kind.forEach((k, i) => (k === SHAPE_PLANE ? infinite : bounded).push(i));
  return { bounded, infinite };
}

/** The world-space box around shape s's model-space box (its 8 corners moved), rounded outwards. */
function worldBox(src: Float32Array, s: number, worldOf: Float64Array, out: Float32Array, at: number): void {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = mapPoint(worldOf, src[s * 6 + (corner & 1 ? 3 : 0)]!, src[s * 6 + 1 + (corner & 2 ? 3 : 0)]!, src[s * 6 + 2 + (corner & 4 ? 3 : 0)]!);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, p[a]!);
      hi[a] = Math.max(hi[a]!, p[a]!);
    }
  }
  for (let a = 0; a < 3; a++) {
    // The slack of the bounded-plane test (shapes.ts), so a plane on a face of its box stays inside.
    const pad = 1e-6 * (Math.abs(lo[a]!) + Math.abs(hi[a]!) + (hi[a]! - lo[a]!)) + 1e-12;
    out[at + a] = floorF32(lo[a]! - pad);
    out[at + 3 + a] = ceilF32(hi[a]! + pad);
  }
}

/** The array itself when it is shared memory (render workers read it in place), else a shared copy. */
function sharedOrCopy<T extends Float32Array | Uint32Array>(values: T): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const copy = new (values.constructor as { new (buffer: SharedArrayBuffer): T })(new SharedArrayBuffer(Math.max(1, values.length) * values.BYTES_PER_ELEMENT));
  copy.set(values);
  return copy;
}

function sharedCopy(values: Float32Array): Float32Array {
  const copy = shared(Float32Array, values.length);
  copy.set(values);
  return copy;
}

/**
 * The top of the tree on this thread (a Morton sort of the codes, then splits found by binary
 * search), then its subtrees (a few per thread, largest first, so threads that finish early take
 * more) on the builder's threads, which also gather their boxes into sorted order, spliced in. The tree is the one a one-thread build makes, numbered differently.
 */
async function parallelBuild(builder: SubtreeBuilder, threads: number, scratch: BuildScratch, source: Float32Array, n: number, checkpoint: () => Promise<void>, fill: PrimFill): Promise<BvhNodes> {
  const order = scratch.uint32(n);
  const codes = scratch.uint32(n);
  await mortonOrder(source, n, codes, order, checkpoint);
  // The top reads only the codes (never the boxes it is given); the threads gather the boxes of their own ranges.
  const top = await buildBvh(source, n, { checkpoint, order, codes, deferAtMost: Math.ceil(n / (threads * 4)) });
  const deferred = [...top.deferred].sort((a, b) => b.end - b.start - (a.end - a.start));
  const subtrees = await builder.build({ source, order, codes }, deferred, fill);
  await checkpoint();
  // Straight into the shared arrays the renders read: the top's arrays have room for 2n - 1
  // nodes, and filling those first would touch (and then copy) tens of MB for nothing.
  const total = subtrees.reduce((sum, sub) => sum + sub.count - 1, top.count);
  const tree = { bounds: shared(Float32Array, total * 6), info: shared(Uint32Array, total * 2) };
  tree.bounds.set(top.bounds);
  tree.info.set(top.info);
  let count = top.count;
  deferred.forEach((at, i) => {
    count = spliceSubtree(tree, count, at, subtrees[i]!);
  });
  fitNodes(tree, top.unfitted);
  return { bounds: tree.bounds, info: tree.info, count, order };
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
  shapes: ShapeGeometry | undefined;
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
  if (hit !== undefined && hit.spheres === circuit.spheres && hit.cones === circuit.cones && hit.shapes === circuit.shapes) return hit.bvh;
  const entry: CacheEntry = { spheres: circuit.spheres, cones: circuit.cones, shapes: circuit.shapes, bvh: buildModelBvh(circuit.spheres, circuit.cones, signal, circuit.shapes) };
  entry.bvh.catch(() => {
    if (cache.get(circuit) === entry) cache.delete(circuit);
  });
  cache.set(circuit, entry);
  return entry.bvh;
}
