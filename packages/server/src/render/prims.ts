/**
 * Filling the primitive arrays in BVH leaf order (see ModelBvh in geometry.ts for the layout).
 * A parallel build does it in the workers, each for the ranges it built: the reads follow the
 * input order, so they miss the cache at every primitive, and that is better spread over threads.
 */

export const SPHERE = 0;
export const CONE = 1;

/** The sphere and cone geometry a model's primitives come from (shared memory in a parallel build). */
export interface PrimSources {
  sphereCenters: Float32Array;
  sphereRadii: Float32Array;
  sphereCell: Uint32Array;
  coneEnds: Float32Array;
  coneRadii: Float32Array;
  coneCell: Uint32Array;
}

/**
 * Floats per primitive: a model of spheres only stores [cx, cy, cz, r] (SPHERES_ONLY_STRIDE); one
 * with cones or bounded shapes 8 floats for each of its primitives (PRIM_STRIDE, geometry.ts).
 */
export const PRIM_STRIDE = 8;
export const SPHERES_ONLY_STRIDE = 4;

/** The arrays filled: `stride` floats, a kind and a cell per primitive. */
export interface PrimArrays {
  prims: Float32Array;
  stride: number;
  primKind: Uint8Array;
  primCell: Uint32Array;
}

/**
 * Writes sphere or cone order[k] into slot k for every k in [start, end). Indices past the
 * spheres and cones (bounded shapes) are left for the caller.
 */
export function fillPrims(src: PrimSources, order: Uint32Array, start: number, end: number, out: PrimArrays): void {
  const { sphereCenters, sphereRadii, sphereCell, coneEnds, coneRadii, coneCell } = src;
  const { prims, primKind, primCell, stride } = out;
  const sphereCount = sphereRadii.length;
  const coneEnd = sphereCount + coneCell.length;
  for (let k = start; k < end; k++) {
    const p = order[k]!;
    const o = k * stride;
    if (p < sphereCount) {
      prims[o] = sphereCenters[p * 3]!;
      prims[o + 1] = sphereCenters[p * 3 + 1]!;
      prims[o + 2] = sphereCenters[p * 3 + 2]!;
      prims[o + 3] = Math.abs(sphereRadii[p]!);
      primCell[k] = sphereCell[p]!;
      primKind[k] = SPHERE;
    } else if (p < coneEnd) {
      const c = p - sphereCount;
      prims[o] = coneEnds[c * 6]!;
      prims[o + 1] = coneEnds[c * 6 + 1]!;
      prims[o + 2] = coneEnds[c * 6 + 2]!;
      prims[o + 3] = Math.abs(coneRadii[c * 2]!);
      prims[o + 4] = coneEnds[c * 6 + 3]!;
      prims[o + 5] = coneEnds[c * 6 + 4]!;
      prims[o + 6] = coneEnds[c * 6 + 5]!;
      prims[o + 7] = Math.abs(coneRadii[c * 2 + 1]!);
      primCell[k] = coneCell[c]!;
      primKind[k] = CONE;
    }
  }
}
