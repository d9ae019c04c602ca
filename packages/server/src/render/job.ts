import type { CameraFrame } from './camera.js';
import type { ClipSet } from './clipping.js';
import type { ColorPipeline } from './color-pipeline.js';
import type { Lighting } from './lights.js';
import type { FloatPlanes } from './planes.js';
import type { ShadowModel } from './shadow.js';

/** One model as the integrator sees it: its BVH arrays plus this render's colour per cell. */
export interface JobModel extends ShadowModel {
  primCell: Uint32Array;
  /** RGBA per cell. */
  colors: Float32Array;
  /** RGB rows in leaf order, when made (leaf-colors.ts); read instead of `colors`. */
  leafColors?: Float32Array;
  /** The row of each primitive (then infinite plane) in `leafColors` when they are a palette; absent: the primitive's own. */
  leafRows?: Uint8Array;
  /** The model's material as materials.ts packs it; absent = opaque diffuse. */
  material?: Float64Array;
}

/**
 * Everything a render needs, as plain data: the same object drives the in-thread path and is
 * posted to workers (its typed arrays live in SharedArrayBuffers, so posting shares, not copies).
 */
export interface RenderJob {
  width: number;
  height: number;
  tileSize: number;
  camera: CameraFrame;
  lighting: Lighting;
  production: boolean;
  samples: number;
  bounces: number;
  aoSamples: number;
  shadows: boolean;
  /** RGBA in [0, 1]. */
  background: [number, number, number, number];
  /** Linear colour -> 8-bit pixel (tone mapping, sRGB) of the revision served. */
  color: ColorPipeline;
  /** Offset along the normal for secondary rays, scaled to the scene. */
  epsilon: number;
  models: JobModel[];
  /**
   * Samples per pixel already taken by earlier accumulation frames (render-image): this frame's
   * samples continue the sequence after them instead of repeating frame 0's. 0 for snapshots.
   */
  sampleBase?: number;
  /**
   * This frame's sample positions inside every pixel, x and y from the top-left corner per
   * sample (OSPRay's sequence, ids sampleBase ..); absent = stratified random jitter.
   */
  samplePositions?: Float64Array;
  /** Float outputs (export-gbuffers, render-image accumulation) written beside the bytes; absent for snapshots. */
  planes?: FloatPlanes;
  /** Clipping geometry of the scene; absent when there is none. */
  clip?: ClipSet;
}

/** Whether sample positions are jittered: several samples per pixel, or a later accumulation frame. */
export function jittered(job: RenderJob): boolean {
  return job.samples > 1 || (job.sampleBase ?? 0) > 0;
}

export function tileCount(job: RenderJob): number {
  return Math.ceil(job.width / job.tileSize) * Math.ceil(job.height / job.tileSize);
}
