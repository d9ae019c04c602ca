/**
 * Bounding volume hierarchy over mixed primitives, built with a binned surface-area heuristic into
 * flat typed arrays. Children of an interior node are stored next to each other (right = left + 1),
 * so a node is two words: interior [left, 0], leaf [firstPrim, count]. Node boxes are Float32
 * rounded outwards so that no primitive pokes out of its box after rounding.
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
/** Relative cost of a box test against a primitive test. */
const TRAVERSAL_COST = 1;

function roundDown(v: number): number {
  const f = Math.fround(v);
  return f <= v ? f : Math.fround(v - Math.abs(v) * 1e-7 - 1e-30);
}

function roundUp(v: number): number {
  const f = Math.fround(v);
  return f >= v ? f : Math.fround(v + Math.abs(v) * 1e-7 + 1e-30);
}

/**
 * @param boxes minx, miny, minz, maxx, maxy, maxz per primitive (Float64 so leaf boxes are exact).
 */
export function buildBvh(boxes: Float64Array, primCount: number): BvhNodes {
  const order = new Uint32Array(primCount);
  for (let i = 0; i < primCount; i++) order[i] = i;
  if (primCount === 0) return { bounds: new Float32Array(0), info: new Uint32Array(0), count: 0, order };

  const maxNodes = 2 * primCount - 1;
  const bounds = new Float32Array(6 * maxNodes);
  const info = new Uint32Array(2 * maxNodes);
  const binOf = new Uint8Array(primCount);
  const binCount = new Int32Array(BINS);
  const binBox = new Float64Array(6 * BINS);
  const rightArea = new Float64Array(BINS);
  const rightCount = new Int32Array(BINS);
  let nodeCount = 1;
  const tasks: number[] = [0, 0, primCount];

  while (tasks.length > 0) {
    const end = tasks.pop()!;
    const start = tasks.pop()!;
    const node = tasks.pop()!;
    let bx0 = Infinity, by0 = Infinity, bz0 = Infinity, bx1 = -Infinity, by1 = -Infinity, bz1 = -Infinity;
    let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity;
    for (let i = start; i < end; i++) {
      const b = order[i]! * 6;
      const x0 = boxes[b]!, y0 = boxes[b + 1]!, z0 = boxes[b + 2]!;
      const x1 = boxes[b + 3]!, y1 = boxes[b + 4]!, z1 = boxes[b + 5]!;
      if (x0 < bx0) bx0 = x0;
      if (y0 < by0) by0 = y0;
      if (z0 < bz0) bz0 = z0;
      if (x1 > bx1) bx1 = x1;
      if (y1 > by1) by1 = y1;
      if (z1 > bz1) bz1 = z1;
      const cx = x0 + x1, cy = y0 + y1, cz = z0 + z1;
      if (cx < cx0) cx0 = cx;
      if (cy < cy0) cy0 = cy;
      if (cz < cz0) cz0 = cz;
      if (cx > cx1) cx1 = cx;
      if (cy > cy1) cy1 = cy;
      if (cz > cz1) cz1 = cz;
    }
    const o = node * 6;
    bounds[o] = roundDown(bx0);
    bounds[o + 1] = roundDown(by0);
    bounds[o + 2] = roundDown(bz0);
    bounds[o + 3] = roundUp(bx1);
    bounds[o + 4] = roundUp(by1);
    bounds[o + 5] = roundUp(bz1);

    const count = end - start;
    const makeLeaf = (): void => {
      info[node * 2] = start;
      info[node * 2 + 1] = count;
    };
    if (count <= MIN_LEAF) {
      makeLeaf();
      continue;
    }
    // Split on the axis where the centroids spread most (doubled centroids: x0 + x1).
    const ex = cx1 - cx0, ey = cy1 - cy0, ez = cz1 - cz0;
    const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
    const lo = axis === 0 ? cx0 : axis === 1 ? cy0 : cz0;
    const extent = axis === 0 ? ex : axis === 1 ? ey : ez;
    let mid: number;
    if (!(extent > 0)) {
      // All centroids coincide: no spatial split helps; halve the range so leaves stay small.
      if (count <= MAX_LEAF) {
        makeLeaf();
        continue;
      }
      mid = start + (count >> 1);
    } else {
      mid = splitBinned(boxes, order, binOf, binCount, binBox, rightArea, rightCount, start, end, axis, lo, extent, surface(bx1 - bx0, by1 - by0, bz1 - bz0));
      if (mid < 0) {
        makeLeaf();
        continue;
      }
    }
    const left = nodeCount;
    nodeCount += 2;
    info[node * 2] = left;
    info[node * 2 + 1] = 0;
    tasks.push(left + 1, mid, end, left, start, mid);
  }
  return { bounds: bounds.subarray(0, nodeCount * 6), info: info.subarray(0, nodeCount * 2), count: nodeCount, order };
}

function surface(x: number, y: number, z: number): number {
  return x * y + y * z + z * x;
}

/** Partitions `order[start, end)` at the best SAH bin boundary; -1 when a leaf is cheaper. */
function splitBinned(
  boxes: Float64Array,
  order: Uint32Array,
  binOf: Uint8Array,
  binCount: Int32Array,
  binBox: Float64Array,
  rightArea: Float64Array,
  rightCount: Int32Array,
  start: number,
  end: number,
  axis: number,
  lo: number,
  extent: number,
  nodeArea: number,
): number {
  binCount.fill(0);
  for (let k = 0; k < BINS; k++) {
    binBox.fill(Infinity, k * 6, k * 6 + 3);
    binBox.fill(-Infinity, k * 6 + 3, k * 6 + 6);
  }
  const scale = BINS / extent;
  for (let i = start; i < end; i++) {
    const p = order[i]!;
    const b = p * 6;
    const c = boxes[b + axis]! + boxes[b + 3 + axis]!;
    let k = Math.floor((c - lo) * scale);
    if (k >= BINS) k = BINS - 1;
    binOf[p] = k;
    binCount[k]! += 1;
    const o = k * 6;
    for (let a = 0; a < 3; a++) {
      if (boxes[b + a]! < binBox[o + a]!) binBox[o + a] = boxes[b + a]!;
      if (boxes[b + 3 + a]! > binBox[o + 3 + a]!) binBox[o + 3 + a] = boxes[b + 3 + a]!;
    }
  }
  // Sweep from the right: area and count of bins k..BINS-1.
  let rx0 = Infinity, ry0 = Infinity, rz0 = Infinity, rx1 = -Infinity, ry1 = -Infinity, rz1 = -Infinity, rc = 0;
  for (let k = BINS - 1; k > 0; k--) {
    const o = k * 6;
    rc += binCount[k]!;
    if (binCount[k]! > 0) {
      rx0 = Math.min(rx0, binBox[o]!);
      ry0 = Math.min(ry0, binBox[o + 1]!);
      rz0 = Math.min(rz0, binBox[o + 2]!);
      rx1 = Math.max(rx1, binBox[o + 3]!);
      ry1 = Math.max(ry1, binBox[o + 4]!);
      rz1 = Math.max(rz1, binBox[o + 5]!);
    }
    rightCount[k] = rc;
    rightArea[k] = rc > 0 ? surface(rx1 - rx0, ry1 - ry0, rz1 - rz0) : 0;
  }
  let lx0 = Infinity, ly0 = Infinity, lz0 = Infinity, lx1 = -Infinity, ly1 = -Infinity, lz1 = -Infinity, lc = 0;
  let bestCost = Infinity;
  let bestBin = -1;
  for (let k = 0; k < BINS - 1; k++) {
    const o = k * 6;
    lc += binCount[k]!;
    if (binCount[k]! > 0) {
      lx0 = Math.min(lx0, binBox[o]!);
      ly0 = Math.min(ly0, binBox[o + 1]!);
      lz0 = Math.min(lz0, binBox[o + 2]!);
      lx1 = Math.max(lx1, binBox[o + 3]!);
      ly1 = Math.max(ly1, binBox[o + 4]!);
      lz1 = Math.max(lz1, binBox[o + 5]!);
    }
    const rcount = rightCount[k + 1]!;
    if (lc === 0 || rcount === 0) continue;
    const cost = surface(lx1 - lx0, ly1 - ly0, lz1 - lz0) * lc + rightArea[k + 1]! * rcount;
    if (cost < bestCost) {
      bestCost = cost;
      bestBin = k;
    }
  }
  const count = end - start;
  const leafCost = nodeArea * count;
  if (bestBin < 0 || (bestCost + TRAVERSAL_COST * nodeArea >= leafCost && count <= MAX_LEAF)) {
    if (count <= MAX_LEAF) return -1;
    return start + (count >> 1);
  }
  let i = start;
  let j = end - 1;
  while (i <= j) {
    const p = order[i]!;
    if (binOf[p]! <= bestBin) {
      i++;
    } else {
      order[i] = order[j]!;
      order[j] = p;
      j--;
    }
  }
  return i === start || i === end ? start + (count >> 1) : i;
}
