import { RADIX, RADIX_BITS, TOP_SHIFT, mortonCode } from './morton.js';
import { type BoxSources, primBox } from './prim-boxes.js';

/**
 * The Morton sort of a parallel BVH build (the same order as `mortonSort`: by code, ties in input
 * order), in steps that threads run on slices of the primitives: the box of the doubled centres
 * of each slice (for the grid), the codes of each slice with a count of their top digits, a
 * scatter of each slice into its top-digit buckets, then each bucket sorted on its own by the two
 * lower digits. Boxes are computed from the geometry on the fly and never stored.
 */

/** The box of the doubled box centres of primitives [start, end), as rangeBounds writes `centre`. */
export function sliceCentres(src: BoxSources, start: number, end: number): Float64Array {
  const box = new Float32Array(6);
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let p = start; p < end; p++) {
    primBox(src, p, box, 0);
    const cx = box[0]! + box[3]!, cy = box[1]! + box[4]!, cz = box[2]! + box[5]!;
    if (cx < x0) x0 = cx;
    if (cy < y0) y0 = cy;
    if (cz < z0) z0 = cz;
    if (cx > x1) x1 = cx;
    if (cy > y1) y1 = cy;
    if (cz > z1) z1 = cz;
  }
  return Float64Array.of(x0, y0, z0, x1, y1, z1);
}

/** Writes the codes of primitives [start, end) on `grid` to raw[start..end); returns how many have each top digit. */
export function sliceCodes(src: BoxSources, start: number, end: number, grid: Float64Array, raw: Uint32Array): Uint32Array {
  const box = new Float32Array(6);
  const counts = new Uint32Array(RADIX);
  for (let p = start; p < end; p++) {
    primBox(src, p, box, 0);
    const code = mortonCode(grid, box[0]! + box[3]!, box[1]! + box[4]!, box[2]! + box[5]!);
    raw[p] = code;
    counts[code >>> TOP_SHIFT]! += 1;
  }
  return counts;
}

/**
 * Where each slice's primitives of each top digit go: digit by digit, slice after slice (so that
 * equal codes keep their input order). `counts` are the slices' `sliceCodes` answers; returns
 * each slice's first position per digit, and the first position of each digit (RADIX + 1 values).
 */
export function bucketOffsets(counts: Uint32Array[]): { offsets: Uint32Array[]; buckets: Uint32Array } {
  const offsets = counts.map(() => new Uint32Array(RADIX));
  const buckets = new Uint32Array(RADIX + 1);
  let at = 0;
  for (let d = 0; d < RADIX; d++) {
    buckets[d] = at;
    counts.forEach((c, s) => {
      offsets[s]![d] = at;
      at += c[d]!;
    });
  }
  buckets[RADIX] = at;
  return { offsets, buckets };
}

/** Moves the codes raw[start..end) and their primitive indices to their buckets' places in `codes` and `order`. */
export function scatterSlice(raw: Uint32Array, start: number, end: number, offsets: Uint32Array, codes: Uint32Array, order: Uint32Array): void {
  for (let p = start; p < end; p++) {
    const code = raw[p]!;
    const d = code >>> TOP_SHIFT;
    const at = offsets[d]!;
    offsets[d] = at + 1;
    codes[at] = code;
    order[at] = p;
  }
}

/** Below this many codes a bucket is sorted by insertion: clearing the radix counts would cost more. */
const INSERTION_MAX = 48;

/**
 * Sorts each bucket [bounds[i], bounds[i + 1]) of `codes` (one top digit each, in input order)
 * by the lower digits, stably, moving `order` along.
 */
export function sortBuckets(codes: Uint32Array, order: Uint32Array, bounds: Uint32Array): void {
  let largest = 0;
  for (let i = 0; i + 1 < bounds.length; i++) largest = Math.max(largest, bounds[i + 1]! - bounds[i]!);
  const keys = new Uint32Array(largest);
  const perm = new Uint32Array(largest);
  const counts = new Uint32Array(2 * RADIX);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    if (end - start <= INSERTION_MAX) insertionSort(codes, order, start, end);
    else radixSortLow(codes, order, start, end, keys, perm, counts);
  }
}

function insertionSort(codes: Uint32Array, order: Uint32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const code = codes[i]!;
    const p = order[i]!;
    let j = i - 1;
    // Strictly greater: equal codes keep their order.
    while (j >= start && codes[j]! > code) {
      codes[j + 1] = codes[j]!;
      order[j + 1] = order[j]!;
      j--;
    }
    codes[j + 1] = code;
    order[j + 1] = p;
  }
}

/** Two stable passes over the lower digits of codes[start..end), through `keys`/`perm` and back. */
function radixSortLow(codes: Uint32Array, order: Uint32Array, start: number, end: number, keys: Uint32Array, perm: Uint32Array, counts: Uint32Array): void {
  const n = end - start;
  counts.fill(0);
  for (let i = start; i < end; i++) {
    const k = codes[i]!;
    counts[k & (RADIX - 1)]! += 1;
    counts[RADIX + ((k >>> RADIX_BITS) & (RADIX - 1))]! += 1;
  }
  prefixSums(counts, 0);
  prefixSums(counts, RADIX);
  for (let i = start; i < end; i++) {
    const k = codes[i]!;
    const d = k & (RADIX - 1);
    const at = counts[d]!;
    counts[d] = at + 1;
    keys[at] = k;
    perm[at] = order[i]!;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const d = RADIX + ((k >>> RADIX_BITS) & (RADIX - 1));
    const at = counts[d]!;
    counts[d] = at + 1;
    codes[start + at] = k;
    order[start + at] = perm[i]!;
  }
}

/** Turns RADIX counts from `base` into the first position of each digit. */
function prefixSums(counts: Uint32Array, base: number): void {
  let sum = 0;
  for (let d = base; d < base + RADIX; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
}

/**
 * Consecutive buckets grouped into about `groups` runs of similar size (bucket bounds per run, for
 * `sortBuckets`), so that threads share the sorting evenly.
 */
export function bucketGroups(buckets: Uint32Array, groups: number): Uint32Array[] {
  const n = buckets[buckets.length - 1]!;
  const runs: Uint32Array[] = [];
  let first = 0;
  for (let g = 1; g <= groups && first < buckets.length - 1; g++) {
    const target = g === groups ? n : Math.ceil((n * g) / groups);
    let last = first + 1;
    while (last < buckets.length - 1 && buckets[last]! < target) last++;
    runs.push(buckets.slice(first, last + 1));
    first = last;
  }
  return runs;
}
