/** One pass over a range of primitive boxes (6 floats each), shared by the BVH builder and the Morton presort. */

/** Writes the bounds of boxes [start, end) at bounds[o..] and the box of their doubled centres to `centre`. */
export function rangeBounds(boxes: Float32Array, start: number, end: number, bounds: Float32Array, o: number, centre: Float64Array): void {
  let bx0 = Infinity, by0 = Infinity, bz0 = Infinity, bx1 = -Infinity, by1 = -Infinity, bz1 = -Infinity;
  let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity;
  for (let b = start * 6; b < end * 6; b += 6) {
    const x0 = boxes[b]!, y0 = boxes[b + 1]!, z0 = boxes[b + 2]!;
    const x1 = boxes[b + 3]!, y1 = boxes[b + 4]!, z1 = boxes[b + 5]!;
    if (x0 < bx0) bx0 = x0;
    if (y0 < by0) by0 = y0;
    if (z0 < bz0) bz0 = z0;
    if (x1 > bx1) bx1 = x1;
    if (y1 > by1) by1 = y1;
    if (z1 > bz1) bz1 = z1;
    // Doubled centroids (x0 + x1): no division needed, and only comparisons use them.
    const cx = x0 + x1, cy = y0 + y1, cz = z0 + z1;
    if (cx < cx0) cx0 = cx;
    if (cy < cy0) cy0 = cy;
    if (cz < cz0) cz0 = cz;
    if (cx > cx1) cx1 = cx;
    if (cy > cy1) cy1 = cy;
    if (cz > cz1) cz1 = cz;
  }
  bounds[o] = bx0;
  bounds[o + 1] = by0;
  bounds[o + 2] = bz0;
  bounds[o + 3] = bx1;
  bounds[o + 4] = by1;
  bounds[o + 5] = bz1;
  centre[0] = cx0;
  centre[1] = cy0;
  centre[2] = cz0;
  centre[3] = cx1;
  centre[4] = cy1;
  centre[5] = cz1;
}
