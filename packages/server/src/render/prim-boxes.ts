import type { PrimSources } from './prims.js';

/**
 * The BVH builder's box of each primitive, computed from its geometry when needed instead of
 * kept in an array: a parallel build computes the boxes of its slices (for their Morton codes)
 * and of its subtrees (in sorted order) on the render workers, and a box costs fewer bytes of
 * reading from the sphere or cone than from a stored box.
 */

/** Where the boxes come from: spheres, then cones, then the bounded shapes' boxes (already computed). */
export interface BoxSources extends PrimSources {
  /** 6 floats per bounded shape (primitive sphereCount + coneCount + i), world space, rounded outwards. */
  shapeBoxes: Float32Array;
}

/** Float32 lower bound that is <= v (Math.fround rounds to nearest). */
export function floorF32(v: number): number {
  const f = Math.fround(v);
  return f <= v ? f : Math.fround(v - Math.max(Math.abs(v) * 1.2e-7, 1e-38));
}

/** Float32 upper bound that is >= v. */
export function ceilF32(v: number): number {
  const f = Math.fround(v);
  return f >= v ? f : Math.fround(v + Math.max(Math.abs(v) * 1.2e-7, 1e-38));
}

/** Writes the box of primitive p (minx, miny, minz, maxx, maxy, maxz, rounded outwards) at out[o..o+5]. */
export function primBox(src: BoxSources, p: number, out: Float32Array, o: number): void {
  const sphereCount = src.sphereRadii.length;
  if (p < sphereCount) {
    const c = src.sphereCenters;
    const r = Math.abs(src.sphereRadii[p]!);
    const x = c[p * 3]!, y = c[p * 3 + 1]!, z = c[p * 3 + 2]!;
    out[o] = floorF32(x - r);
    out[o + 1] = floorF32(y - r);
    out[o + 2] = floorF32(z - r);
    out[o + 3] = ceilF32(x + r);
    out[o + 4] = ceilF32(y + r);
    out[o + 5] = ceilF32(z + r);
    return;
  }
  const i = p - sphereCount;
  if (i < src.coneCell.length) {
    const e = src.coneEnds;
    const ra = Math.abs(src.coneRadii[i * 2]!);
    const rb = Math.abs(src.coneRadii[i * 2 + 1]!);
    for (let a = 0; a < 3; a++) {
      const ca = e[i * 6 + a]!;
      const cb = e[i * 6 + 3 + a]!;
      out[o + a] = floorF32(Math.min(ca - ra, cb - rb));
      out[o + 3 + a] = ceilF32(Math.max(ca + ra, cb + rb));
    }
    return;
  }
  const s = (i - src.coneCell.length) * 6;
  for (let a = 0; a < 6; a++) out[o + a] = src.shapeBoxes[s + a]!;
}

/** Writes the box of primitive order[k] as box k - start of `out`, for k in [start, end). */
export function boxesInOrder(src: BoxSources, order: Uint32Array, start: number, end: number, out: Float32Array): void {
  for (let k = start, o = 0; k < end; k++, o += 6) primBox(src, order[k]!, out, o);
}
