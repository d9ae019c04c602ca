import type { RenderedImage } from '../scene/types.js';
import type { ServerState } from './index.js';

/**
 * The engine's own framebuffer, which `render-image` renders into (Brayns 3.10.1: Engine owns a
 * StaticFrameHandler that accumulates one frame per render up to the renderer's samples per
 * pixel, and is cleared whenever a commit changed anything the image depends on). Snapshots and
 * g-buffer exports render into framebuffers of their own and leave this one alone.
 */
export interface EngineFramebuffer {
  /** Fingerprint of what the accumulated frames show (render-fingerprint.ts); null before the first render. */
  key: string | null;
  /** Frames accumulated since the last clear. */
  accumulation: number;
  /** Sum of the accumulated frames' linear RGBA, per pixel. */
  sum: Float64Array | null;
  /** What the framebuffer holds for download: the average of the frames, tone mapped; null before any render. */
  image: RenderedImage | null;
  /**
   * The progressive mode's low-resolution framebuffer (ProgressiveFrameHandler::_lowRes): frames
   * rendered there since the last clear (they count towards the accumulation but are not
   * averaged: OSPRay's low-resolution framebuffer has no accumulation channel) and the last one.
   */
  lowRes: { frames: number; image: RenderedImage | null };
}

const framebuffers = new WeakMap<ServerState, EngineFramebuffer>();

export function engineFramebuffer(state: ServerState): EngineFramebuffer {
  let framebuffer = framebuffers.get(state);
  if (framebuffer === undefined) {
    framebuffer = { key: null, accumulation: 0, sum: null, image: null, lowRes: { frames: 0, image: null } };
    framebuffers.set(state, framebuffer);
  }
  return framebuffer;
}

/** Starts a new accumulation for a changed scene; the last image stays downloadable until a frame replaces it. */
export function clearFramebuffer(framebuffer: EngineFramebuffer, key: string): void {
  framebuffer.key = key;
  framebuffer.accumulation = 0;
  framebuffer.sum = null;
  framebuffer.lowRes.frames = 0;
}

/**
 * A new frame handler (`set-framebuffer-static` / `-progressive`): Brayns replaces the engine's
 * framebuffer, so nothing accumulated so far carries over.
 */
export function replaceFramebuffer(state: ServerState): void {
  const framebuffer = engineFramebuffer(state);
  framebuffer.key = null;
  framebuffer.accumulation = 0;
  framebuffer.sum = null;
  framebuffer.image = null;
  framebuffer.lowRes = { frames: 0, image: null };
}
