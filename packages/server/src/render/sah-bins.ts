/**
 * Scratch state of the BVH builder's binned surface-area heuristic (bvh.ts): the bins of the node
 * being split, and the stack of centre boxes its children inherit from them.
 */

export const BINS = 16;

export function surface(x: number, y: number, z: number): number {
  return x * y + y * z + z * x;
}

export function binIndex(c: number, lo: number, scale: number): number {
  const k = Math.floor((c - lo) * scale);
  return k >= BINS ? BINS - 1 : k;
}

/** A stack of boxes (6 numbers each) in one growing typed array; `pop` and `push` lend a view of the top. */
export class BoxStack {
  private data = new Float64Array(6 * 64);
  private views: Float64Array[] = [];
  private size = 0;

  /** The slot of a new top box, to fill in. */
  push(): Float64Array {
    if (this.size === this.views.length) {
      if ((this.size + 1) * 6 > this.data.length) {
        const grown = new Float64Array(this.data.length * 2);
        grown.set(this.data);
        this.data = grown;
        this.views = [];
        for (let i = 0; i < this.size; i++) this.views.push(this.data.subarray(i * 6, i * 6 + 6));
      }
      this.views.push(this.data.subarray(this.size * 6, this.size * 6 + 6));
    }
    return this.views[this.size++]!;
  }

  pushUnknown(): void {
    this.push()[0] = NaN;
  }

  /** The top box, valid until the next push. */
  pop(): Float64Array {
    return this.views[--this.size]!;
  }
}

/** Scratch space of the binned SAH, reused across nodes. */
export class Bins {
  /** SAH cost (area-weighted counts) of the last best split. */
  cost = 0;
  /**
   * Bit k set when bin k holds primitives. Most nodes are small, near the leaves, and hold a few
   * bins of 16: the sweeps and the sides visit only those, and only those are cleared. A split
   * between two occupied bins costs the same wherever it falls between them, and the sweep keeps
   * the first of equal costs, so the split is always at an occupied bin: visiting only those
   * chooses as a sweep over all 16 does.
   */
  private occupied = 0;
  private readonly count = new Int32Array(BINS);
  /** Box of the primitives in each bin. */
  private readonly box = Float64Array.from({ length: 6 * BINS }, (_, i) => (i % 6 < 3 ? Infinity : -Infinity));
  /** Box of their doubled centres, on all three axes (for the children's own binning). */
  private readonly centre = Float64Array.from({ length: 6 * BINS }, (_, i) => (i % 6 < 3 ? Infinity : -Infinity));
  /** Per occupied bin k: area and count of bins k..BINS-1. */
  private readonly rightArea = new Float64Array(BINS);
  private readonly rightCount = new Int32Array(BINS);

  /** Index of the last bin of the left side of the cheapest split, or -1. */
  best(boxes: Float32Array, start: number, end: number, axis: number, lo: number, extent: number): number {
    this.clear();
    const count = this.count;
    const box = this.box;
    const centre = this.centre;
    const scale = BINS / extent;
    let occupied = 0;
    for (let b = start * 6; b < end * 6; b += 6) {
      const x0 = boxes[b]!, y0 = boxes[b + 1]!, z0 = boxes[b + 2]!;
      const x1 = boxes[b + 3]!, y1 = boxes[b + 4]!, z1 = boxes[b + 5]!;
      const cx = x0 + x1, cy = y0 + y1, cz = z0 + z1;
      const k = binIndex(axis === 0 ? cx : axis === 1 ? cy : cz, lo, scale);
      count[k]! += 1;
      occupied |= 1 << k;
      const o = k * 6;
      if (x0 < box[o]!) box[o] = x0;
      if (y0 < box[o + 1]!) box[o + 1] = y0;
      if (z0 < box[o + 2]!) box[o + 2] = z0;
      if (x1 > box[o + 3]!) box[o + 3] = x1;
      if (y1 > box[o + 4]!) box[o + 4] = y1;
      if (z1 > box[o + 5]!) box[o + 5] = z1;
      if (cx < centre[o]!) centre[o] = cx;
      if (cy < centre[o + 1]!) centre[o + 1] = cy;
      if (cz < centre[o + 2]!) centre[o + 2] = cz;
      if (cx > centre[o + 3]!) centre[o + 3] = cx;
      if (cy > centre[o + 4]!) centre[o + 4] = cy;
      if (cz > centre[o + 5]!) centre[o + 5] = cz;
    }
    this.occupied = occupied;
    // Sweep from the right over the occupied bins: area and count of bins k..BINS-1.
    let rx0 = Infinity, ry0 = Infinity, rz0 = Infinity, rx1 = -Infinity, ry1 = -Infinity, rz1 = -Infinity, rc = 0;
    for (let m = occupied; m !== 0; ) {
      const k = 31 - Math.clz32(m);
      m ^= 1 << k;
      const o = k * 6;
      rc += count[k]!;
      rx0 = Math.min(rx0, box[o]!);
      ry0 = Math.min(ry0, box[o + 1]!);
      rz0 = Math.min(rz0, box[o + 2]!);
      rx1 = Math.max(rx1, box[o + 3]!);
      ry1 = Math.max(ry1, box[o + 4]!);
      rz1 = Math.max(rz1, box[o + 5]!);
      this.rightCount[k] = rc;
      this.rightArea[k] = surface(rx1 - rx0, ry1 - ry0, rz1 - rz0);
    }
    // Sweep from the left: a split after occupied bin k has bins up to the next occupied one on its right.
    let lx0 = Infinity, ly0 = Infinity, lz0 = Infinity, lx1 = -Infinity, ly1 = -Infinity, lz1 = -Infinity, lc = 0;
    let bestBin = -1;
    this.cost = Infinity;
    for (let m = occupied; m !== 0; ) {
      const k = 31 - Math.clz32(m & -m);
      m ^= 1 << k;
      if (m === 0) break;
      const o = k * 6;
      lc += count[k]!;
      lx0 = Math.min(lx0, box[o]!);
      ly0 = Math.min(ly0, box[o + 1]!);
      lz0 = Math.min(lz0, box[o + 2]!);
      lx1 = Math.max(lx1, box[o + 3]!);
      ly1 = Math.max(ly1, box[o + 4]!);
      lz1 = Math.max(lz1, box[o + 5]!);
      const next = 31 - Math.clz32(m & -m);
      const cost = surface(lx1 - lx0, ly1 - ly0, lz1 - lz0) * lc + this.rightArea[next]! * this.rightCount[next]!;
      if (cost < this.cost) {
        this.cost = cost;
        bestBin = k;
      }
    }
    return bestBin;
  }

  /** Empties the bins the last `best` filled. */
  private clear(): void {
    const box = this.box;
    const centre = this.centre;
    for (let m = this.occupied; m !== 0; ) {
      const k = 31 - Math.clz32(m);
      m ^= 1 << k;
      this.count[k] = 0;
      const o = k * 6;
      box[o] = box[o + 1] = box[o + 2] = centre[o] = centre[o + 1] = centre[o + 2] = Infinity;
      box[o + 3] = box[o + 4] = box[o + 5] = centre[o + 3] = centre[o + 4] = centre[o + 5] = -Infinity;
    }
    this.occupied = 0;
  }

  /**
   * After a split at bin `split`: writes the box of each side at nodes `left` and `left + 1`, and
   * pushes their centre boxes (right first, so the left's pops first) onto `centres`.
   */
  sides(split: number, bounds: Float32Array, left: number, centres: BoxStack): void {
    const leftBins = this.occupied & ((2 << split) - 1);
    this.side(this.occupied ^ leftBins, bounds, left + 1, centres);
    this.side(leftBins, bounds, left, centres);
  }

  /** The union of the bins in `mask`, lowest first. */
  private side(mask: number, bounds: Float32Array, node: number, centres: BoxStack): void {
    const box = this.box;
    const centre = this.centre;
    let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
    let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity;
    for (let m = mask; m !== 0; ) {
      const bin = 31 - Math.clz32(m & -m);
      m ^= 1 << bin;
      const k = bin * 6;
      x0 = Math.min(x0, box[k]!);
      y0 = Math.min(y0, box[k + 1]!);
      z0 = Math.min(z0, box[k + 2]!);
      x1 = Math.max(x1, box[k + 3]!);
      y1 = Math.max(y1, box[k + 4]!);
      z1 = Math.max(z1, box[k + 5]!);
      cx0 = Math.min(cx0, centre[k]!);
      cy0 = Math.min(cy0, centre[k + 1]!);
      cz0 = Math.min(cz0, centre[k + 2]!);
      cx1 = Math.max(cx1, centre[k + 3]!);
      cy1 = Math.max(cy1, centre[k + 4]!);
      cz1 = Math.max(cz1, centre[k + 5]!);
    }
    const o = node * 6;
    bounds[o] = x0;
    bounds[o + 1] = y0;
    bounds[o + 2] = z0;
    bounds[o + 3] = x1;
    bounds[o + 4] = y1;
    bounds[o + 5] = z1;
    const c = centres.push();
    c[0] = cx0;
    c[1] = cy0;
    c[2] = cz0;
    c[3] = cx1;
    c[4] = cy1;
    c[5] = cz1;
  }
}
