import type { SnapshotCamera, View } from '@render-recipes/protocol';

/**
 * World units (µm) per image pixel in the plane of the view's target. Orthographic: the camera's
 * height spans the image height exactly. Perspective: the visible height at distance d from the
 * eye is 2·d·tan(fovy/2) (fovy is the vertical angle), so the bar is exact at the target's depth
 * and only there; its label says so.
 */
export function micronsPerPixel(camera: SnapshotCamera, view: View, imageHeight: number): number {
  if (camera.type === 'orthographic') return camera.height / imageHeight;
  const d = Math.hypot(view.position[0] - view.target[0], view.position[1] - view.target[1], view.position[2] - view.target[2]);
  return (2 * d * Math.tan((camera.fovy * Math.PI) / 360)) / imageHeight;
}

/** The largest 1, 2 or 5 × 10^k not longer than `target` (the `auto` scale bar length). */
export function roundLength(target: number): number {
  if (!(target > 0) || !Number.isFinite(target)) return 1;
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [5, 2, 1]) if (step * power <= target) return step * power;
  return power;
}

/** `100 µm`, `1.5 mm`, `0.5 µm`: the length as a label. */
export function lengthLabel(um: number): string {
  if (um >= 1000) return `${trim(um / 1000)} mm`;
  return `${trim(um)} µm`;
}

export function trim(value: number): string {
  return String(Number(value.toPrecision(6)));
}
