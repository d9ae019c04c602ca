import { EventEmitter } from 'node:events';
import { SHAPE_BOUNDED_PLANE, SHAPE_PLANE, type ConeGeometry, type LoadedCircuit, type ShapeGeometry, type SphereGeometry } from '../scene/types.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { buildBvh } from './bvh.js';
import { type BuildThreads, parallelBuild, shared } from './parallel-build.js';
import { type BoxSources, ceilF32, floorF32, primBox } from './prim-boxes.js';
import { PRIM_STRIDE, type PrimArrays, SPHERES_ONLY_STRIDE, fillPrims } from './prims.js';
import { BuildScratch } from './build-scratch.js';
import { BOUNDED_PLANE, BOX, IDENTITY_FRAME, mapPoint, toModel, toWorld, worldPlane } from './shapes.js';

/**
 * One model's primitives and BVH, all in SharedArrayBuffers so render workers read them in place.
 * A primitive is `primStride` floats. In a model of spheres only, 4: [cx, cy, cz, r] (16 MB less
 * for 1,000,000 spheres than 8, issue 16's memory goal). Otherwise 8: sphere [cx, cy, cz, r, -, -, -, -], cone [ax, ay, az, ra, bx, by, bz, rb]
 * (a cone is drawn as its lateral surface plus a sphere at each end, so chained segments join
 * without gaps), box or bounded plane [minx, miny, minz, plane index, maxx, maxy, maxz, -] in
 * model space (shapes.ts). Primitives are stored in BVH leaf order. Infinite planes are kept
 * outside the BVH; they count as primitives `planeBase + i` (for their cell).
 */
export interface ModelBvh {
  nodeBounds: Float32Array;
  nodeInfo: Uint32Array;
  prims: Float32Array;
  /** Floats per primitive in `prims`: primitive p starts at p * primStride. */
  primStride: number;
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

let subtreeBuilder: BuildThreads | null = null;

/** Lets large builds run on other threads (index.ts passes the render workers); returns the previous ones. */
export function useSubtreeBuilder(builder: BuildThreads | null): BuildThreads | null {
  const previous = subtreeBuilder;
  subtreeBuilder = builder;
  return previous;
}

/**
 * Below this many primitives a build stays on one thread: posting the work would cost more (at
 * 10,000 spheres the two were even in the Embree bench: the workers' build code is still cold there).
 */
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
  const frame = shapes?.transform === undefined ? IDENTITY_FRAME : toModel(shapes.transform);
  const worldOf = shapes?.transform === undefined ? IDENTITY_FRAME : toWorld(shapes.transform);
  const threads = subtreeBuilder?.threads() ?? 0;
  const inParallel = subtreeBuilder !== null && threads > 0 && n >= PARALLEL_BUILD_MIN;
  // Render workers read the geometry in place; the boxes are computed from it where needed.
  const shapeBoxes = inParallel ? scratch.float32(split.bounded.length * 6) : new Float32Array(split.bounded.length * 6);
  split.bounded.forEach((s, i) => worldBox(shapes!.boxes, s, worldOf, shapeBoxes, i * 6));
  const src: BoxSources = {
    sphereCenters: inParallel ? scratch.shared(spheres.centers) : spheres.centers,
    sphereRadii: inParallel ? scratch.shared(spheres.radii) : spheres.radii,
    sphereCell: inParallel ? scratch.shared(spheres.cell) : spheres.cell,
    coneEnds: inParallel ? scratch.shared(cones.ends) : cones.ends,
    coneRadii: inParallel ? scratch.shared(cones.radii) : cones.radii,
    coneCell: inParallel ? scratch.shared(cones.cell) : cones.cell,
    shapeBoxes,
  };
  const checkpoint = async (): Promise<void> => {
    await yieldToLoop();
    if (signal?.aborted === true) throw new BuildCancelled();
  };
  const planeCount = split.infinite.length;
  const stride = coneCount + split.bounded.length === 0 ? SPHERES_ONLY_STRIDE : PRIM_STRIDE;
  const out: PrimArrays = { prims: shared(Float32Array, n * stride), stride, primKind: shared(Uint8Array, n), primCell: shared(Uint32Array, n + planeCount) };
  let nodes;
  if (inParallel) nodes = await parallelBuild(subtreeBuilder!, scratch, src, n, checkpoint, out);
  else {
    const boxes = new Float32Array(n * 6);
    for (let p = 0; p < n; p++) primBox(src, p, boxes, p * 6);
    nodes = await buildBvh(boxes, n, { checkpoint });
    fillPrims(src, nodes.order, 0, n, out);
  }
  const nodeBounds = sharedOrCopy(nodes.bounds);
  const nodeInfo = sharedOrCopy(nodes.info);
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
  return { nodeBounds, nodeInfo, prims, primStride: stride, primCell, primKind, frame, shapePlanes: sharedCopy(shapePlanes), planes, planeBase: n, box, buildMs };
}

/** Writes the bounded shapes (primitive indices from `first` on, in `bounded` order) into their leaf slots. */
function fillShapes(shapes: ShapeGeometry, bounded: number[], order: Uint32Array, first: number, out: PrimArrays): void {
  const { prims, primKind, primCell } = out;
  for (let k = 0; k < order.length; k++) {
    const p = order[k]!;
    if (p < first) continue;
    const s = bounded[p - first]!;
    const o = k * out.stride;
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
  return values.buffer instanceof SharedArrayBuffer ? values : sharedCopy(values);
}

/** A copy of `values` in shared memory, of exactly its length (`shared`). */
function sharedCopy<T extends Float32Array | Uint32Array>(values: T): T {
  const copy = shared(values.constructor as Parameters<typeof shared<T>>[0], values.length);
  copy.set(values);
  return copy;
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
