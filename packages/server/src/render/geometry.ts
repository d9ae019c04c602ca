import type { ConeGeometry, LoadedCircuit, SphereGeometry } from '../scene/types.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { buildBvh, ceilF32, floorF32 } from './bvh.js';

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

/**
 * Builds the BVH of sphere and cone geometry (the one-off cost that the cache below amortises).
 * The build yields to the event loop now and then and stops when `signal` aborts.
 */
export async function buildModelBvh(spheres: SphereGeometry, cones: ConeGeometry, signal?: AbortSignal): Promise<ModelBvh> {
  const started = performance.now();
  const sphereCount = spheres.radii.length;
  const coneCount = cones.cell.length;
  const n = sphereCount + coneCount;
  const boxes = new Float32Array(n * 6);
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
  const nodes = await buildBvh(boxes, n, async () => {
    await yieldToLoop();
    if (signal?.aborted === true) throw new BuildCancelled();
  });
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
  return { nodeBounds, nodeInfo, prims, primCell, primKind, box, buildMs: performance.now() - started };
}

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
