import { gatherBoxes, mortonSort, mortonSplit } from './morton.js';
import { rangeBounds } from './range-bounds.js';

/**
 * Bounding volume hierarchy over mixed primitives, built into flat typed arrays. Children of an
 * interior node are stored next to each other (right = left + 1), so a node is two words:
 * interior [left, 0], leaf [firstPrim, count].
 *
 * Large ranges split where their Morton codes do (morton.ts: one sort instead of a pass over the
 * boxes per level); ranges of MORTON_ABOVE primitives or fewer use a binned surface-area
 * heuristic. The builder moves the primitive boxes themselves (not an index into them), so every
 * pass reads memory sequentially: with millions of primitives, cache misses would otherwise dominate.
 */
export interface BvhNodes {
  /** minx, miny, minz, maxx, maxy, maxz per node. */
  bounds: Float32Array;
  /** Two words per node, see above. */
  info: Uint32Array;
  count: number;
  /** Primitive indices in leaf order. */
  order: Uint32Array;
}

const BINS = 16;
/** Ranges this small always become leaves. */
const MIN_LEAF = 2;
/** Largest leaf the SAH may choose when splitting would not pay. */
const MAX_LEAF = 8;

/**
 * Ranges larger than this split at their Morton codes' highest differing bit. Near the root of a
 * big tree that halves a cell of the scene's grid, which is what the SAH picks for the evenly
 * spread cells of a circuit anyway; below it the SAH's choice pays for its binning passes.
 */
export const MORTON_ABOVE = 4_096;

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

/** Work between event-loop turns: a multi-second build must not hold up `cancel` messages. */
const SLICE_MS = 30;

/** A subtree left for another thread: its root node (allocated, not filled) and its range of primitives. */
export interface Subtree {
  node: number;
  start: number;
  end: number;
}

export interface BuildOptions {
  /** Awaited every SLICE_MS of work (yield to the event loop, throw to abort). */
  checkpoint?: () => Promise<void>;
  /** The primitive indices to reorder along with the boxes; default: a new identity order. */
  order?: Uint32Array;
  /**
   * The boxes' Morton codes, boxes and order already sorted by them (`mortonSort`); default: the
   * builder sorts when there are more than MORTON_ABOVE primitives.
   */
  codes?: Uint32Array;
  /**
   * When > 0, only the Morton splits of ranges above this many primitives (and above
   * MORTON_ABOVE) are made here; every other range is listed in `deferred` for `spliceSubtree` to
   * fill in, after which the caller bounds the nodes listed in `unfitted` (`fitNodes`). Such a
   * build reads only the codes, never the boxes (the threads gather theirs). 0 builds everything.
   */
  deferAtMost?: number;
}

/** A tree with subtrees still to build: see BuildOptions.deferAtMost. */
export interface PartialBvh extends BvhNodes {
  deferred: Subtree[];
  /** Interior nodes whose bounds wait for their children's, parents first. */
  unfitted: number[];
}

/**
 * @param boxes minx, miny, minz, maxx, maxy, maxz per primitive, already rounded outwards; the
 *   builder reorders it into leaf order.
 */
export async function buildBvh(boxes: Float32Array, primCount: number, options: BuildOptions = {}): Promise<PartialBvh> {
  const checkpoint = options.checkpoint ?? (async () => {});
  const deferAtMost = options.deferAtMost ?? 0;
  const deferred: Subtree[] = [];
  const unfitted: number[] = [];
  const order = options.order ?? identity(primCount);
  if (primCount === 0) return { bounds: new Float32Array(0), info: new Uint32Array(0), count: 0, order, deferred, unfitted };
  let codes = options.codes;
  if (codes === undefined && primCount > MORTON_ABOVE) {
    codes = new Uint32Array(primCount);
    await mortonSort(boxes, order, primCount, codes, checkpoint);
  }

  const maxNodes = 2 * primCount - 1;
  const bounds = new Float32Array(6 * maxNodes);
  const info = new Uint32Array(2 * maxNodes);
  const bins = new Bins();
  let nodeCount = 1;
  const tasks: number[] = [0, 0, primCount];
  /** Per task, its centre box, or NaNs when unknown (see below). */
  const centres = new BoxStack();
  centres.pushUnknown();
  let sliceStart = performance.now();

  for (let step = 0; tasks.length > 0; step++) {
    // Reading the clock costs more than a small node: look every 64 nodes.
    if ((step & 63) === 0 && performance.now() - sliceStart > SLICE_MS) {
      await checkpoint();
      sliceStart = performance.now();
    }
    const end = tasks.pop()!;
    const start = tasks.pop()!;
    const node = tasks.pop()!;
    // The centre box comes with the task when the parent's bins knew it (and then so did the
    // node's bounds); otherwise one pass over the range finds both.
    const centre = centres.pop();
    const cut = codes !== undefined && end - start > Math.max(MORTON_ABOVE, deferAtMost) ? mortonSplit(codes, start, end) : -1;
    if (cut > start) {
      const left = nodeCount;
      nodeCount += 2;
      info[node * 2] = left;
      info[node * 2 + 1] = 0;
      unfitted.push(node);
      tasks.push(left + 1, cut, end, left, start, cut);
      centres.pushUnknown();
      centres.pushUnknown();
      continue;
    }
    if (deferAtMost > 0) {
      deferred.push({ node, start, end });
      continue;
    }
    const o = node * 6;
    if (Number.isNaN(centre[0]!)) rangeBounds(boxes, start, end, bounds, o, centre);
    const cx0 = centre[0]!, cy0 = centre[1]!, cz0 = centre[2]!, cx1 = centre[3]!, cy1 = centre[4]!, cz1 = centre[5]!;

    const count = end - start;
    let mid = -1;
    let binned = false;
    let split = -1;
    if (count > MIN_LEAF) {
      const ex = cx1 - cx0, ey = cy1 - cy0, ez = cz1 - cz0;
      const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
      const lo = axis === 0 ? cx0 : axis === 1 ? cy0 : cz0;
      const extent = axis === 0 ? ex : axis === 1 ? ey : ez;
      if (extent > 0) {
        const area = surface(bounds[o + 3]! - bounds[o]!, bounds[o + 4]! - bounds[o + 1]!, bounds[o + 5]! - bounds[o + 2]!);
        // A large range whose Morton codes are all the same: halve its centroid extent rather
        // than bin it level after level.
        binned = count <= MORTON_ABOVE;
        split = binned ? bins.best(boxes, start, end, axis, lo, extent) : BINS / 2 - 1;
        // Leaf cost: test all primitives; split cost: one more box test plus the children's SAH.
        if (split >= 0 && (count > MAX_LEAF || bins.cost + area < area * count)) {
          mid = partition(boxes, order, start, end, axis, lo, BINS / extent, split);
        }
      }
      // Coincident centroids or a degenerate split: halve the range so leaves stay small.
      if ((mid <= start || mid >= end) && count > MAX_LEAF) {
        mid = start + (count >> 1);
        binned = false;
      }
    }
    if (mid <= start || mid >= end) {
      info[node * 2] = start;
      info[node * 2 + 1] = count;
      continue;
    }
    const left = nodeCount;
    nodeCount += 2;
    info[node * 2] = left;
    info[node * 2 + 1] = 0;
    tasks.push(left + 1, mid, end, left, start, mid);
    // The bins already hold both sides' boxes: the children need no pass of their own.
    if (binned) bins.sides(split, bounds, left, centres);
    else {
      centres.pushUnknown();
      centres.pushUnknown();
    }
  }
  const tree = { bounds: bounds.subarray(0, nodeCount * 6), info: info.subarray(0, nodeCount * 2) };
  if (deferred.length === 0) fitNodes(tree, unfitted.splice(0));
  // Views, not copies: the caller copies them once into shared memory.
  return { ...tree, count: nodeCount, order, deferred, unfitted };
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Sets each listed interior node's bounds to its children's union; children after parents in `nodes`. */
export function fitNodes(tree: { bounds: Float32Array; info: Uint32Array }, nodes: number[]): void {
  const { bounds, info } = tree;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const o = nodes[i]! * 6;
    const l = info[nodes[i]! * 2]! * 6;
    const r = l + 6;
    for (let a = 0; a < 3; a++) {
      bounds[o + a] = Math.min(bounds[l + a]!, bounds[r + a]!);
      bounds[o + 3 + a] = Math.max(bounds[l + 3 + a]!, bounds[r + 3 + a]!);
    }
  }
}

/**
 * The arrays of a build shared with the threads that build its subtrees: the boxes in input
 * order (`source`), the sorted boxes each thread fills for its ranges (`boxes`), the input index
 * of each sorted box (`order`, which the subtree builds reorder further) and the sorted codes.
 */
export interface BuildArrays {
  source: Float32Array;
  boxes: Float32Array;
  order: Uint32Array;
  codes: Uint32Array;
}

/**
 * Builds the subtree of primitives [start, end) in place (the same decisions as a whole build
 * makes for that range, so the tree comes out the same): nodes numbered from 0 at its root, leaf
 * ranges relative to `start`. Runs in the render workers over shared boxes, order and codes.
 */
export async function buildSubtree(arrays: BuildArrays, start: number, end: number): Promise<{ bounds: Float32Array; info: Uint32Array; count: number }> {
  const { source, boxes, order, codes } = arrays;
  gatherBoxes(source, order, start, end, boxes);
  const built = await buildBvh(boxes.subarray(start * 6, end * 6), end - start, { order: order.subarray(start, end), codes: codes.subarray(start, end) });
  return { bounds: built.bounds.slice(), info: built.info.slice(), count: built.count };
}

/**
 * Copies a subtree built by `buildSubtree` into the whole tree: its root into the node left for
 * it, the rest after the `nodeCount` nodes already there. Returns the new node count.
 */
export function spliceSubtree(tree: { bounds: Float32Array; info: Uint32Array }, nodeCount: number, at: Subtree, sub: { bounds: Float32Array; info: Uint32Array; count: number }): number {
  // Plain locals: `sub` comes from structured cloning, and a property read per node costs more
  // than the copy itself.
  const count = sub.count;
  const root = at.node;
  const firstPrim = at.start;
  const local = sub.info;
  const info = tree.info;
  // Local node j >= 1 goes to nodeCount + j - 1; child pairs stay adjacent.
  const shift = nodeCount - 1;
  tree.bounds.set(sub.bounds.subarray(0, 6), root * 6);
  tree.bounds.set(sub.bounds.subarray(6, count * 6), nodeCount * 6);
  info[root * 2] = local[1]! > 0 ? local[0]! + firstPrim : local[0]! + shift;
  info[root * 2 + 1] = local[1]!;
  for (let j = 1, g = nodeCount * 2; j < count; j++, g += 2) {
    const prims = local[j * 2 + 1]!;
    info[g] = local[j * 2]! + (prims > 0 ? firstPrim : shift);
    info[g + 1] = prims;
  }
  return nodeCount + count - 1;
}

function surface(x: number, y: number, z: number): number {
  return x * y + y * z + z * x;
}

function binIndex(c: number, lo: number, scale: number): number {
  const k = Math.floor((c - lo) * scale);
  return k >= BINS ? BINS - 1 : k;
}

/** Moves boxes (and their indices) of bins <= split before the others; returns the boundary. */
function partition(boxes: Float32Array, order: Uint32Array, start: number, end: number, axis: number, lo: number, scale: number, split: number): number {
  let i = start;
  let j = end - 1;
  while (i <= j) {
    const b = i * 6;
    if (binIndex(boxes[b + axis]! + boxes[b + 3 + axis]!, lo, scale) <= split) {
      i++;
      continue;
    }
    const c = j * 6;
    for (let a = 0; a < 6; a++) {
      const v = boxes[b + a]!;
      boxes[b + a] = boxes[c + a]!;
      boxes[c + a] = v;
    }
    const p = order[i]!;
    order[i] = order[j]!;
    order[j] = p;
    j--;
  }
  return i;
}

/** A stack of boxes (6 numbers each) in one growing typed array; `pop` and `push` lend a view of the top. */
class BoxStack {
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
class Bins {
  /** SAH cost (area-weighted counts) of the last best split. */
  cost = 0;
  private readonly count = new Int32Array(BINS);
  /** Box of the primitives in each bin. */
  private readonly box = new Float64Array(6 * BINS);
  /** Box of their doubled centres, on all three axes (for the children's own binning). */
  private readonly centre = new Float64Array(6 * BINS);
  private readonly rightArea = new Float64Array(BINS);
  private readonly rightCount = new Int32Array(BINS);

  /** Index of the last bin of the left side of the cheapest split, or -1. */
  best(boxes: Float32Array, start: number, end: number, axis: number, lo: number, extent: number): number {
    const count = this.count;
    const box = this.box;
    const centre = this.centre;
    count.fill(0);
    for (let k = 0; k < BINS * 6; k += 6) {
      box[k] = box[k + 1] = box[k + 2] = centre[k] = centre[k + 1] = centre[k + 2] = Infinity;
      box[k + 3] = box[k + 4] = box[k + 5] = centre[k + 3] = centre[k + 4] = centre[k + 5] = -Infinity;
    }
    const scale = BINS / extent;
    for (let b = start * 6; b < end * 6; b += 6) {
      const x0 = boxes[b]!, y0 = boxes[b + 1]!, z0 = boxes[b + 2]!;
      const x1 = boxes[b + 3]!, y1 = boxes[b + 4]!, z1 = boxes[b + 5]!;
      const cx = x0 + x1, cy = y0 + y1, cz = z0 + z1;
      const k = binIndex(axis === 0 ? cx : axis === 1 ? cy : cz, lo, scale);
      count[k]! += 1;
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
    // Sweep from the right: area and count of bins k..BINS-1. Empty bins change nothing (most
    // are, in the many small nodes near the leaves).
    let rx0 = Infinity, ry0 = Infinity, rz0 = Infinity, rx1 = -Infinity, ry1 = -Infinity, rz1 = -Infinity, rc = 0, ra = 0;
    for (let k = BINS - 1; k > 0; k--) {
      const c = count[k]!;
      if (c > 0) {
        const o = k * 6;
        rc += c;
        rx0 = Math.min(rx0, box[o]!);
        ry0 = Math.min(ry0, box[o + 1]!);
        rz0 = Math.min(rz0, box[o + 2]!);
        rx1 = Math.max(rx1, box[o + 3]!);
        ry1 = Math.max(ry1, box[o + 4]!);
        rz1 = Math.max(rz1, box[o + 5]!);
        ra = surface(rx1 - rx0, ry1 - ry0, rz1 - rz0);
      }
      this.rightCount[k] = rc;
      this.rightArea[k] = ra;
    }
    let lx0 = Infinity, ly0 = Infinity, lz0 = Infinity, lx1 = -Infinity, ly1 = -Infinity, lz1 = -Infinity, lc = 0, la = 0;
    let bestBin = -1;
    this.cost = Infinity;
    for (let k = 0; k < BINS - 1; k++) {
      const c = count[k]!;
      if (c > 0) {
        const o = k * 6;
        lc += c;
        lx0 = Math.min(lx0, box[o]!);
        ly0 = Math.min(ly0, box[o + 1]!);
        lz0 = Math.min(lz0, box[o + 2]!);
        lx1 = Math.max(lx1, box[o + 3]!);
        ly1 = Math.max(ly1, box[o + 4]!);
        lz1 = Math.max(lz1, box[o + 5]!);
        la = surface(lx1 - lx0, ly1 - ly0, lz1 - lz0);
      }
      const rcount = this.rightCount[k + 1]!;
      if (lc === 0 || rcount === 0) continue;
      const cost = la * lc + this.rightArea[k + 1]! * rcount;
      if (cost < this.cost) {
        this.cost = cost;
        bestBin = k;
      }
    }
    return bestBin;
  }

  /**
   * After a split at bin `split`: writes the box of each side at nodes `left` and `left + 1`, and
   * pushes their centre boxes (right first, so the left's pops first) onto `centres`.
   */
  sides(split: number, bounds: Float32Array, left: number, centres: BoxStack): void {
    this.side(split + 1, BINS, bounds, left + 1, centres);
    this.side(0, split + 1, bounds, left, centres);
  }

  private side(from: number, to: number, bounds: Float32Array, node: number, centres: BoxStack): void {
    const box = this.box;
    const centre = this.centre;
    let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
    let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity;
    const count = this.count;
    for (let bin = from; bin < to; bin++) {
      if (count[bin] === 0) continue;
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
