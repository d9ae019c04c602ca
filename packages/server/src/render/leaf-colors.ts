import { isFrozenColors } from './frozen-colors.js';
import type { ModelBvh } from './geometry.js';

/**
 * Colours of this many cells (RGBA floats) or more are read from memory, not cache, at each hit:
 * cells are numbered in load order, which is random against the BVH's leaf order, so each pixel's
 * colour lookup in a dense scene is a cache (and TLB) miss.
 */
export const LEAF_ORDER_MIN_FLOATS = 1 << 18;

/**
 * What `leafOrderColors` remembers per BVH: the colours it last saw (frozen ones by identity,
 * others as a copy of their bits), and their leaf-order copy once it made one.
 */
interface Remembered {
  frozen: Float32Array | null;
  previous: Int32Array | null;
  leaf: Float32Array | null;
}

const remembered = new WeakMap<ModelBvh, Remembered>();

/**
 * The colour of each primitive (then of each infinite plane) as RGB in the BVH's leaf order, so a
 * tile's hits read neighbouring memory; undefined while the colours differ from the previous
 * render's (they are then read by cell, as before). Gathering costs about what one frame's
 * lookups do, so it is made only for colours seen twice in a row (a still scene, a camera path)
 * and kept while they stay the same; a colour per frame (a simulation playing) skips it. Frozen
 * colours (frozen-colors.ts: serve's model colours) are the same while they are the same array;
 * others are compared bit for bit with a copy of the previous render's. The leaf array is never
 * written after it is made, so a render still reading it is safe.
 */
export function leafOrderColors(bvh: ModelBvh, colors: Float32Array): Float32Array | undefined {
  if (colors.length < LEAF_ORDER_MIN_FLOATS) return undefined;
  const seen = remembered.get(bvh);
  const frozen = isFrozenColors(colors);
  // Bits, not values: a NaN colour still counts as the same.
  const bits = frozen ? null : new Int32Array(colors.buffer, colors.byteOffset, colors.length);
  const same = seen !== undefined && (bits === null ? seen.frozen === colors : seen.previous !== null && sameBits(seen.previous, bits));
  if (seen === undefined || !same) {
    let previous: Int32Array | null = null;
    if (bits !== null) {
      previous = seen?.previous?.length === bits.length ? seen.previous : new Int32Array(bits.length);
      previous.set(bits);
    }
    remembered.set(bvh, { frozen: frozen ? colors : null, previous, leaf: null });
    return undefined;
  }
  seen.leaf ??= gather(bvh.primCell, colors);
  return seen.leaf;
}

function sameBits(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RGB per primitive from RGBA per cell; a cell past the colour array is white, as the integrator draws it. */
function gather(primCell: Uint32Array, colors: Float32Array): Float32Array {
  const leaf = new Float32Array(new SharedArrayBuffer(primCell.length * 12));
  for (let p = 0; p < primCell.length; p++) {
    const o = primCell[p]! * 4;
    const q = p * 3;
    if (o + 2 >= colors.length) {
      leaf[q] = leaf[q + 1] = leaf[q + 2] = 1;
      continue;
    }
    leaf[q] = colors[o]!;
    leaf[q + 1] = colors[o + 1]!;
    leaf[q + 2] = colors[o + 2]!;
  }
  return leaf;
}
