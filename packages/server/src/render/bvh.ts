import { mortonSort, mortonSplit } from './morton.js';
import { rangeBounds } from './range-bounds.js';
import { BINS, Bins, BoxStack, binIndex, surface } from './sah-bins.js';

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

/** Ranges this small always become leaves. */
const MIN_LEAF = 2;
/**
 * What the SAH charges for visiting a node, in primitive tests. Here a visit (two box tests, the
 * stack, loads from a tree larger than the caches) costs about four sphere tests; at 1 the SAH
 * split down to 1.65 primitives per leaf, and a million spheres took 1.21M nodes (39 MB) where
 * 4 takes 0.42M (13 MB), with faster renders and builds and the same hits.
 */
const TRAVERSAL_COST = 4;
/** Largest leaf the SAH may choose when splitting would not pay. */
const MAX_LEAF = 8;

/**
 * Ranges larger than this split at their Morton codes' highest differing bit. Near the root of a
 * big tree that halves a cell of the scene's grid, which is what the SAH picks for the evenly
 * spread cells of a circuit anyway; below it the SAH's choice pays for its binning passes.
 */
export const MORTON_ABOVE = 4_096;

/** Nodes the top of a parallel build first has room for: it doubles as it needs (a few dozen nodes for 16 subtrees). */
const TOP_ROOM = 16;

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
   * build reads only the codes, never the boxes (the threads compute theirs). 0 builds everything.
   */
  deferAtMost?: number;
  /**
   * Memory for the nodes when it holds 2 * primCount - 1 of them (every node is written, so old
   * contents do not matter); default: new arrays. Threads building one subtree after another
   * reuse theirs: fresh memory costs a page fault per 4 KB.
   */
  scratch?: NodeArrays;
}

/** Node bounds (6 floats) and info (2 words) per node. */
export interface NodeArrays {
  bounds: Float32Array;
  info: Uint32Array;
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
  const fits = options.scratch !== undefined && options.scratch.info.length >= 2 * maxNodes;
  // The top of a tree (deferAtMost) has a few nodes per deferred subtree: room for all the nodes
  // the whole tree could have was 64 MB at 1,000,000 spheres, zero-filled at every build.
  let room = fits ? maxNodes : deferAtMost > 0 ? Math.min(maxNodes, TOP_ROOM) : maxNodes;
  let bounds = fits ? options.scratch!.bounds : new Float32Array(6 * room);
  let info = fits ? options.scratch!.info : new Uint32Array(2 * room);
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
      if (nodeCount + 2 > room) {
        room = Math.min(maxNodes, room * 2);
        bounds = grown(bounds, room * 6);
        info = grown(info, room * 2);
      }
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
        // Leaf cost: test all primitives; split cost: a node visit plus the children's SAH.
        if (split >= 0 && (count > MAX_LEAF || bins.cost + TRAVERSAL_COST * area < area * count)) {
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

/** `values` in a new array of `length` elements (more), values first. */
function grown<T extends Float32Array | Uint32Array>(values: T, length: number): T {
  const next = new (values.constructor as new (length: number) => T)(length);
  next.set(values);
  return next;
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
 * Copies a subtree built on its own (nodes numbered from 0 at its root, leaf ranges relative to
 * its first primitive) into the whole tree: its root into the node left for it (`at.node`), the
 * other `count - 1` nodes from node `base` on.
 */
export function spliceSubtree(tree: NodeArrays, base: number, at: Subtree, sub: NodeArrays, count: number): void {
  const root = at.node;
  const firstPrim = at.start;
  const local = sub.info;
  const info = tree.info;
  // Local node j >= 1 goes to base + j - 1; child pairs stay adjacent.
  const shift = base - 1;
  tree.bounds.set(sub.bounds.subarray(0, 6), root * 6);
  tree.bounds.set(sub.bounds.subarray(6, count * 6), base * 6);
  info[root * 2] = local[1]! > 0 ? local[0]! + firstPrim : local[0]! + shift;
  info[root * 2 + 1] = local[1]!;
  for (let j = 1, g = base * 2; j < count; j++, g += 2) {
    const prims = local[j * 2 + 1]!;
    info[g] = local[j * 2]! + (prims > 0 ? firstPrim : shift);
    info[g + 1] = prims;
  }
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
