// Finished figures: scale bar, time, colour legend, title and background drawn onto a frame.
import type { SnapshotCamera, View } from '@render-recipes/protocol';
import type { PlanScene, PlanTask } from '../../plan/index.js';
import { frameTime } from '../../frame-time.js';
import type { OverlayFrame } from './compose.js';

export { composeOverlay, scaleBarLayout, timeText, type OverlayFrame, type ScaleBarLayout } from './compose.js';
export { legendRamp, type LegendRamp } from './legend.js';
export { metrics } from './layout.js';
export { micronsPerPixel, roundLength } from './scale.js';
export { FONT_FAMILY } from './svg.js';

/**
 * The overlay input of one task (null when its recipe has no overlay), with the camera and view it
 * was rendered with. `timeMs` defaults to the task's frame time; a movie passes each frame's own.
 */
export function overlayFrame(task: PlanTask, scene: PlanScene, framed: { camera: SnapshotCamera; view: View }, at?: { frame: number; timeMs: number }): OverlayFrame | null {
  if (!task.overlay) return null;
  return {
    overlay: task.overlay,
    resolution: task.resolution,
    camera: framed.camera,
    view: framed.view,
    frame: at?.frame ?? task.frame,
    timeMs: at?.timeMs ?? frameTime(task.frame),
    report: scene.circuit.report,
    rendererBackground: task.renderer.background,
  };
}

/** `a/b/frame-00001.jpg` -> `a/b/frame-00001.raw.png`: where `keep_raw` puts the image as rendered. */
export function rawPath(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const stem = dot > slash ? path.slice(0, dot) : path;
  return `${stem}.raw.png`;
}
