import { rangeBounds } from './range-bounds.js';

/**
 * Morton (Z-order) presort of primitive boxes for the top of the BVH. Once the boxes are sorted
 * by the Morton code of their centroid, every node above the SAH levels is a contiguous run of
 * codes, and its split is where the highest differing bit of the run flips: a binary search
 * instead of a pass over the boxes (see `mortonSplit`). The top levels of a large tree then cost
 * one sort, and the threads building subtrees can start at once.
 */

/** Bits per axis: 2^10 cells per side, 30-bit codes. */
const BITS = 10;
const CELLS = 1 << BITS;
/** Radix of the sort: three passes of 10 bits cover the 30-bit codes. */
export const RADIX_BITS = 10;
export const RADIX = 1 << RADIX_BITS;
const PASSES = 3;
/** Shift of the top digit (bits 20..29), the one a parallel sort buckets by. */
export const TOP_SHIFT = (PASSES - 1) * RADIX_BITS;

/** Spreads the low 10 bits of v so that two zero bits follow each (bit i moves to bit 3i). */
function spread(v: number): number {
  let x = v & 0x3ff;
  x = (x | (x << 16)) & 0x030000ff;
  x = (x | (x << 8)) & 0x0300f00f;
  x = (x | (x << 4)) & 0x030c30c3;
  x = (x | (x << 2)) & 0x09249249;
  return x;
}

/**
 * Sorts boxes (6 floats each) and their primitive indices by the Morton code of the box centre,
 * in place, and writes the sorted codes to `codes`. The grid is cubic (one cell size on every
 * axis, from the largest extent): a thin slab of cells then gets no splits across its thin side
 * near the root, where they would barely shrink the boxes.
 *
 * Each loop is a function of its own: V8 optimises a hot loop on its own stack frame (OSR), and
 * the code after it in the same function would then deoptimise for lack of type feedback.
 *
 * @param checkpoint awaited between passes (yield to the event loop, throw to abort)
 */
export async function mortonSort(boxes: Float32Array, order: Uint32Array, n: number, codes: Uint32Array, checkpoint: () => Promise<void>): Promise<void> {
  const perm = new Uint32Array(n);
  await mortonOrder(boxes, n, codes, perm, checkpoint);
  const sorted = new Float32Array(n * 6);
  gatherBoxes(boxes, perm, 0, n, sorted);
  boxes.set(sorted);
  const sortedOrder = new Uint32Array(n);
  for (let k = 0; k < n; k++) sortedOrder[k] = order[perm[k]!]!;
  order.set(sortedOrder);
}

/**
 * `mortonSort` without moving the boxes: writes the sorted codes to `codes` and the index of the
 * box each belongs to to `perm`.
 */
async function mortonOrder(boxes: Float32Array, n: number, codes: Uint32Array, perm: Uint32Array, checkpoint: () => Promise<void>): Promise<void> {
  const raw = new Uint32Array(n);
  const centre = new Float64Array(6);
  rangeBounds(boxes, 0, n, new Float32Array(6), 0, centre);
  writeCodes(boxes, n, mortonGrid(centre), raw);
  await checkpoint();
  const counts = histograms(raw, n);
  const tmpKeys = new Uint32Array(n);
  let from: Uint32Array = new Uint32Array(n);
  let to: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  // Pass p reads `src` and writes `dst`; the last pass writes into `codes`.
  let src: Uint32Array = raw;
  for (let p = 0; p < PASSES; p++) {
    const dst = p === PASSES - 1 ? codes : src === raw ? tmpKeys : raw;
    scatter(src, from, dst, to, n, counts, p);
    [from, to] = [to, from];
    src = dst;
    await checkpoint();
  }
  perm.set(from.subarray(0, n));
}

/**
 * The Morton grid over a box of doubled centres (as rangeBounds gives it): its corner and cells
 * per unit, [x0, y0, z0, scale]. One cell size on every axis, from the largest extent.
 */
export function mortonGrid(centre: Float64Array): Float64Array {
  const x0 = centre[0]!, y0 = centre[1]!, z0 = centre[2]!;
  const extent = Math.max(centre[3]! - x0, centre[4]! - y0, centre[5]! - z0);
  return Float64Array.of(x0, y0, z0, extent > 0 ? CELLS / extent : 0);
}

/** The code of a doubled centre (cx, cy, cz) on `grid`. */
export function mortonCode(grid: Float64Array, cx: number, cy: number, cz: number): number {
  const scale = grid[3]!;
  const qx = Math.min(CELLS - 1, Math.floor((cx - grid[0]!) * scale));
  const qy = Math.min(CELLS - 1, Math.floor((cy - grid[1]!) * scale));
  const qz = Math.min(CELLS - 1, Math.floor((cz - grid[2]!) * scale));
  return ((spread(qx) << 2) | (spread(qy) << 1) | spread(qz)) >>> 0;
}

/** Codes of the doubled box centres on `grid`. */
function writeCodes(boxes: Float32Array, n: number, grid: Float64Array, out: Uint32Array): void {
  for (let i = 0, b = 0; i < n; i++, b += 6) out[i] = mortonCode(grid, boxes[b]! + boxes[b + 3]!, boxes[b + 1]! + boxes[b + 4]!, boxes[b + 2]! + boxes[b + 5]!);
}

/** Digit counts of every pass, RADIX per pass. */
function histograms(keys: Uint32Array, n: number): Uint32Array {
  const counts = new Uint32Array(RADIX * PASSES);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    counts[k & (RADIX - 1)]! += 1;
    counts[RADIX + ((k >>> RADIX_BITS) & (RADIX - 1))]! += 1;
    counts[2 * RADIX + ((k >>> (2 * RADIX_BITS)) & (RADIX - 1))]! += 1;
  }
  return counts;
}

/** One stable pass of the LSD radix sort on digit `pass`, moving the permutation along. */
function scatter(src: Uint32Array, perm: Uint32Array, dst: Uint32Array, permOut: Uint32Array, n: number, counts: Uint32Array, pass: number): void {
  const base = pass * RADIX;
  const shift = pass * RADIX_BITS;
  // A digit every key shares moves nothing.
  if (counts[base + ((src[0]! >>> shift) & (RADIX - 1))] === n) {
    dst.set(src.subarray(0, n));
    permOut.set(perm);
    return;
  }
  let sum = 0;
  for (let d = base; d < base + RADIX; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = src[i]!;
    const d = base + ((k >>> shift) & (RADIX - 1));
    const at = counts[d]!;
    counts[d] = at + 1;
    dst[at] = k;
    permOut[at] = perm[i]!;
  }
}

/** Writes box perm[k] of `source` as box k of `dest`, for k in [start, end). */
function gatherBoxes(source: Float32Array, perm: Uint32Array, start: number, end: number, dest: Float32Array): void {
  for (let k = start; k < end; k++) {
    const s = perm[k]! * 6;
    const d = k * 6;
    dest[d] = source[s]!;
    dest[d + 1] = source[s + 1]!;
    dest[d + 2] = source[s + 2]!;
    dest[d + 3] = source[s + 3]!;
    dest[d + 4] = source[s + 4]!;
    dest[d + 5] = source[s + 5]!;
  }
}

/**
 * The split of the sorted codes [start, end) at their highest differing bit: the first index
 * whose code has that bit set, or -1 when every code is the same (the SAH builder takes over).
 */
export function mortonSplit(codes: Uint32Array, start: number, end: number): number {
  const first = codes[start]!;
  const last = codes[end - 1]!;
  if (first === last) return -1;
  const bit = 31 - Math.clz32(first ^ last);
  // Codes share every bit above `bit`; those with it clear come first.
  let lo = start + 1;
  let hi = end - 1;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if ((codes[m]! >>> bit) & 1) hi = m;
    else lo = m + 1;
  }
  return lo;
}
