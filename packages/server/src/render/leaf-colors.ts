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
  leaf: LeafColors | null;
}

/**
 * Colours in leaf order: RGB rows, and the row of each primitive (then of each infinite plane).
 * Circuits are mostly coloured from a few colours (one, or by layer, by morphological type), so
 * when there are at most PALETTE of them the rows are a palette and each primitive takes one
 * byte (1 MB for a million, not 12); otherwise there is a row per primitive and no `row`.
 */
export interface LeafColors {
  rgb: Float32Array;
  row?: Uint8Array;
}

/** Most colours a palette holds (a one-byte row per primitive). */
export const PALETTE = 256;

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
export function leafOrderColors(bvh: ModelBvh, colors: Float32Array): LeafColors | undefined {
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
  seen.leaf ??= palette(bvh.primCell, colors) ?? { rgb: gather(bvh.primCell, colors) };
  return seen.leaf;
}

function sameBits(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The 1.0 of white, as float32 bits. */
const WHITE_BITS = 0x3f800000;

/** Palette rows for the primitives' colours (compared bit for bit), or null when there are more than PALETTE colours. */
function palette(primCell: Uint32Array, colors: Float32Array): LeafColors | null {
  const bits = new Int32Array(colors.buffer, colors.byteOffset, colors.length);
  const keys = new Int32Array(PALETTE * 3);
  const row = new Uint8Array(new SharedArrayBuffer(primCell.length));
  let size = 0;
  let last = -1;
  for (let p = 0; p < primCell.length; p++) {
    const o = primCell[p]! * 4;
    // A cell past the colour array is white, as the integrator draws it.
    const inside = o + 2 < bits.length;
    const r = inside ? bits[o]! : WHITE_BITS, g = inside ? bits[o + 1]! : WHITE_BITS, b = inside ? bits[o + 2]! : WHITE_BITS;
    // Neighbouring leaves mostly share a colour: try the last one first.
    let k = last >= 0 && keys[last * 3] === r && keys[last * 3 + 1] === g && keys[last * 3 + 2] === b ? last : -1;
    for (let i = 0; i < size && k < 0; i++) if (keys[i * 3] === r && keys[i * 3 + 1] === g && keys[i * 3 + 2] === b) k = i;
    if (k < 0) {
      if (size === PALETTE) return null;
      k = size++;
      keys[k * 3] = r;
      keys[k * 3 + 1] = g;
      keys[k * 3 + 2] = b;
    }
    row[p] = k;
    last = k;
  }
  const rgb = new Float32Array(new SharedArrayBuffer(size * 12));
  new Int32Array(rgb.buffer).set(keys.subarray(0, size * 3));
  return { rgb, row };
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
