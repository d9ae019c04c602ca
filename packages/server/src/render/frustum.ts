import type { RenderJob } from './job.js';

/**
 * A tile's view frustum as 5 planes [nx, ny, nz, d] (inside where n . (q - eye) + d >= 0): left,
 * right, bottom, top and the plane of the eye. Perspective side planes pass through the eye;
 * orthographic ones are parallel to the view direction. Written into `out` (20 numbers): a tile
 * is a few microseconds of work, and arrays made per tile were megabytes of garbage per frame.
 */
export function tileFrustum(job: RenderJob, tileX0: number, tileY0: number, tileX1: number, tileY1: number, out: Float64Array): Float64Array {
  const c = job.camera;
  // OSPRay's sample positions spread over the pixel filter's 3 pixels, past the pixel's edges.
  let x0 = tileX0, y0 = tileY0, x1 = tileX1, y1 = tileY1;
  const positions = job.samplePositions;
  if (positions !== undefined) {
    for (let s = 0; s < positions.length; s += 2) {
      x0 = Math.min(x0, tileX0 + positions[s]!);
      x1 = Math.max(x1, tileX1 - 1 + positions[s]!);
      y0 = Math.min(y0, tileY0 + positions[s + 1]!);
      y1 = Math.max(y1, tileY1 - 1 + positions[s + 1]!);
    }
  }
  // The tile's extent on the image plane (at distance 1 for perspective, world units for ortho).
  const sx0 = (2 * (x0 / job.width) - 1) * c.halfWidth + c.shiftX;
  const sx1 = (2 * (x1 / job.width) - 1) * c.halfWidth + c.shiftX;
  const sy0 = (1 - 2 * (y1 / job.height)) * c.halfHeight + c.shiftY;
  const sy1 = (1 - 2 * (y0 / job.height)) * c.halfHeight + c.shiftY;
  const ortho = c.orthographic ? 1 : 0;
  plane(c.right, c.dir, -sx0 * (1 - ortho), -sx0 * ortho, 1, out, 0);
  plane(c.right, c.dir, -sx1 * (1 - ortho), -sx1 * ortho, -1, out, 4);
  plane(c.up, c.dir, -sy0 * (1 - ortho), -sy0 * ortho, 1, out, 8);
  plane(c.up, c.dir, -sy1 * (1 - ortho), -sy1 * ortho, -1, out, 12);
  out[16] = c.dir[0];
  out[17] = c.dir[1];
  out[18] = c.dir[2];
  out[19] = 0;
  return out;
}

/**
 * A lower bound of the hit distance of any tile ray inside box `o`, into out[at]: the distance from
 * the eye to the box (perspective rays start at the eye), or the box's nearest depth along the view
 * (orthographic rays start on the camera plane). `view` holds the eye xyz and the view direction
 * xyz. Arrays in and out, no float argument or result: those are boxed on the heap wherever V8
 * leaves the call out of line, and this runs for every BVH node a tile visits.
 */
export function boxDistance(b: Float32Array, o: number, view: Float64Array, ortho: number, out: Float64Array, at: number): void {
  const px = view[0]!, py = view[1]!, pz = view[2]!;
  if (ortho === 1) {
    const dx = view[3]!, dy = view[4]!, dz = view[5]!;
    out[at] = (dx >= 0 ? b[o]! - px : b[o + 3]! - px) * dx + (dy >= 0 ? b[o + 1]! - py : b[o + 4]! - py) * dy + (dz >= 0 ? b[o + 2]! - pz : b[o + 5]! - pz) * dz;
    return;
  }
  const ex = Math.max(b[o]! - px, 0, px - b[o + 3]!);
  const ey = Math.max(b[o + 1]! - py, 0, py - b[o + 4]!);
  const ez = Math.max(b[o + 2]! - pz, 0, pz - b[o + 5]!);
  out[at] = Math.sqrt(ex * ex + ey * ey + ez * ez);
}

/**
 * The plane through the eye (perspective) or parallel to the view (orthographic) holding the tile
 * edge at image-plane coordinate s along `axis`: n = axis - s * dir (perspective), or n = axis with
 * offset -s (orthographic). Writes [axis + slope * dir, offset], times `sign`, into out[at..at+3].
 */
function plane(axis: [number, number, number], dir: [number, number, number], slope: number, offset: number, sign: number, out: Float64Array, at: number): void {
  out[at] = sign * (axis[0] + slope * dir[0]);
  out[at + 1] = sign * (axis[1] + slope * dir[1]);
  out[at + 2] = sign * (axis[2] + slope * dir[2]);
  out[at + 3] = sign * offset;
}
