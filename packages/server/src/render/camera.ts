import type { RenderCamera } from '../scene/types.js';
import { PIXEL_CENTRE, type PixelSample } from './pixel-sample.js';

/**
 * A camera reduced to the numbers a ray generator needs. Plain data so it can be posted to workers.
 * `right` and `up` are unit vectors; `halfWidth`/`halfHeight` are half the image plane's size at
 * distance 1 (perspective) or in world units (orthographic).
 */
export interface CameraFrame {
  orthographic: boolean;
  position: [number, number, number];
  dir: [number, number, number];
  right: [number, number, number];
  up: [number, number, number];
  halfWidth: number;
  halfHeight: number;
  /**
   * Image-plane offset of the window, so that pixel centres ((x + 0.5) / width) are where the
   * renderer being imitated puts its sample (see pixel-sample.ts); 0 for centred samples.
   */
  shiftX: number;
  shiftY: number;
  /** Rays start this far along themselves (OSPRay's camera nearClip: ray t0); 0 = at the eye. */
  nearClip: number;
}

type V3 = [number, number, number];

function sub(a: V3, b: V3): V3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function cross(a: V3, b: V3): V3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(a: V3): V3 | null {
  const len = Math.hypot(a[0], a[1], a[2]);
  return len > 0 && Number.isFinite(len) ? [a[0] / len, a[1] / len, a[2] / len] : null;
}

/**
 * Brayns derives the frame on commit: direction = normalize(target - position) and up
 * re-orthogonalised as cross(cross(direction, up), direction) (PROTOCOL.md §4.8). A degenerate
 * view (target on the position, up along the direction) falls back to Brayns' default axes
 * instead of producing NaN pixels.
 */
export function cameraFrame(camera: RenderCamera, width: number, height: number, sample: PixelSample = PIXEL_CENTRE): CameraFrame {
  const { position, target, up } = camera.view;
  const dir = normalize(sub(target, position)) ?? [0, 0, 1];
  let trueUp = normalize(cross(cross(dir, up), dir));
  if (trueUp === null) {
    const helper: V3 = Math.abs(dir[1]) < 0.9 ? [0, 1, 0] : [1, 0, 0];
    trueUp = normalize(cross(cross(dir, helper), dir)) ?? [0, 1, 0];
  }
  // Right-handed: the image's x axis is dir x up, as OSPRay's perspective camera builds it.
  let right = normalize(cross(dir, trueUp)) ?? [1, 0, 0];
  const aspect = width / height;
  const full = camera.type === 'perspective' ? Math.tan((camera.fovy * Math.PI) / 360) : camera.height / 2;
  // The image shows the region's part of the full window (OSPRay Camera_subRegion); the sample
  // offset moves every pixel centre by the same fraction of a pixel.
  const [x0, x1] = camera.region?.x ?? [0, 1];
  const [t0, t1] = camera.region?.yTop ?? [0, 1];
  let halfWidth = full * aspect * nonZero(x1 - x0);
  let halfHeight = full * nonZero(t1 - t0);
  let shiftX = (x0 + x1 - 1) * full * aspect + (halfWidth * 2 * (sample.x - 0.5)) / width;
  let shiftY = (1 - t0 - t1) * full - (halfHeight * 2 * (sample.y - 0.5)) / height;
  let imageUp = trueUp;
  // A reversed region mirrors the image: the same rays with the axis and offsets negated.
  if (halfWidth < 0) {
    right = [-right[0], -right[1], -right[2]];
    halfWidth = -halfWidth;
    shiftX = -shiftX;
  }
  if (halfHeight < 0) {
    imageUp = [-imageUp[0], -imageUp[1], -imageUp[2]];
    halfHeight = -halfHeight;
    shiftY = -shiftY;
  }
  return {
    orthographic: camera.type === 'orthographic',
    position: [position[0], position[1], position[2]],
    dir,
    right,
    up: imageUp,
    halfWidth,
    halfHeight,
    shiftX,
    shiftY,
    nearClip: Math.max(0, camera.nearClip ?? 0),
  };
}

/**
 * Writes the primary ray through image point (u, v) (v from the top, both in [0, 1]), read from
 * out[o] and out[o + 1], into out[o..o+5] as origin xyz and unit direction xyz. (u, v) come in
 * through the array because float arguments to a call V8 does not inline are boxed on the heap:
 * two per pixel were 64 MB of garbage per full-HD frame.
 */
export function cameraRay(c: CameraFrame, out: Float64Array, o: number): void {
  const u = out[o]!, v = out[o + 1]!;
  const sx = (2 * u - 1) * c.halfWidth + c.shiftX;
  const sy = (1 - 2 * v) * c.halfHeight + c.shiftY;
  let ox = c.position[0], oy = c.position[1], oz = c.position[2];
  let dx = c.dir[0], dy = c.dir[1], dz = c.dir[2];
  if (c.orthographic) {
    ox += sx * c.right[0] + sy * c.up[0];
    oy += sx * c.right[1] + sy * c.up[1];
    oz += sx * c.right[2] + sy * c.up[2];
  } else {
    dx += sx * c.right[0] + sy * c.up[0];
    dy += sx * c.right[1] + sy * c.up[1];
    dz += sx * c.right[2] + sy * c.up[2];
    const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
    dx /= len;
    dy /= len;
    dz /= len;
  }
  if (c.nearClip > 0) {
    ox += dx * c.nearClip;
    oy += dy * c.nearClip;
    oz += dz * c.nearClip;
  }
  out[o] = ox;
  out[o + 1] = oy;
  out[o + 2] = oz;
  out[o + 3] = dx;
  out[o + 4] = dy;
  out[o + 5] = dz;
}

/** An empty region still needs a non-zero window for the pixel arithmetic; it shows one point. */
function nonZero(span: number): number {
  return Math.abs(span) < 1e-9 ? (span < 0 ? -1e-9 : 1e-9) : span;
}
