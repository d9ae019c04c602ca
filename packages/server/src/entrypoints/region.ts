import { internalError } from '../protocol/errors.js';
import type { RenderedImage } from '../scene/types.js';

/**
 * R3 snapshot regions (`image_start`, `image_end`): normalised coordinates of the part of the
 * camera's image plane that fills the output, y up, so the Python default `[0, 1]` -> `[1, 0]` is
 * the whole frame. Rendered as the whole frame at the scale that gives the region the requested
 * size, then cropped; a start right of or below its end mirrors the image like OSPRay does.
 */
export interface RegionFrame {
  /** Size of the whole frame to render. */
  width: number;
  height: number;
  /** Requested output size and where it lies in the frame (top-down pixels). */
  outWidth: number;
  outHeight: number;
  x0: number;
  y0: number;
  flipX: boolean;
  flipY: boolean;
}

export function regionFrame(width: number, height: number, start?: [number, number], end?: [number, number]): RegionFrame {
  const [sx, sy] = start ?? [0, 1];
  const [ex, ey] = end ?? [1, 0];
  const left = Math.min(sx, ex);
  const right = Math.max(sx, ex);
  const top = Math.max(sy, ey);
  const bottom = Math.min(sy, ey);
  if (left < 0 || right > 1 || bottom < 0 || top > 1 || right - left <= 0 || top - bottom <= 0) {
    throw internalError(
      `Invalid image region from [${sx}, ${sy}] to [${ex}, ${ey}]: both corners must lie in [0, 1] and the region must not be empty`,
    );
  }
  const frameWidth = Math.round(width / (right - left));
  const frameHeight = Math.round(height / (top - bottom));
  // The frame's size is checked against the server's --max-pixels by the caller.
  return {
    width: frameWidth,
    height: frameHeight,
    outWidth: width,
    outHeight: height,
    x0: Math.min(Math.round(left * frameWidth), frameWidth - width),
    y0: Math.min(Math.round((1 - top) * frameHeight), frameHeight - height),
    flipX: sx > ex,
    flipY: sy < ey,
  };
}

function isWholeFrame(frame: RegionFrame): boolean {
  return frame.width === frame.outWidth && frame.height === frame.outHeight && !frame.flipX && !frame.flipY;
}

/** Copies the region's pixels (`components` values each) from the whole frame into `out`. */
function cropInto<T extends Uint8Array | Float32Array>(source: T, out: T, components: number, frame: RegionFrame): T {
  const { outWidth, outHeight } = frame;
  for (let y = 0; y < outHeight; y += 1) {
    const sourceY = frame.y0 + (frame.flipY ? outHeight - 1 - y : y);
    for (let x = 0; x < outWidth; x += 1) {
      const sourceX = frame.x0 + (frame.flipX ? outWidth - 1 - x : x);
      const from = (sourceY * frame.width + sourceX) * components;
      out.set(source.subarray(from, from + components), (y * outWidth + x) * components);
    }
  }
  return out;
}

export function cropRegion(full: RenderedImage, frame: RegionFrame): RenderedImage {
  if (isWholeFrame(frame)) return full;
  const rgba = cropInto(full.rgba, new Uint8Array(frame.outWidth * frame.outHeight * 4), 4, frame);
  return { ...full, width: frame.outWidth, height: frame.outHeight, rgba };
}

/** `cropRegion` for a float plane of `components` values per pixel (export-gbuffers' channels). */
export function cropPlane(plane: Float32Array, components: number, frame: RegionFrame): Float32Array {
  if (isWholeFrame(frame)) return plane;
  return cropInto(plane, new Float32Array(frame.outWidth * frame.outHeight * components), components, frame);
}
