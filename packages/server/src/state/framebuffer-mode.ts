/**
 * The engine framebuffer mode of Brayns 3.10.1 (engine/framebuffer/types/*FrameHandler.cpp).
 * Static: every frame at the full resolution. Progressive: after each clear (a scene or setting
 * change) the first frame is rendered at a reduced size, the following ones at full size.
 */
export type FramebufferMode = { type: 'static' } | { type: 'progressive'; scale: number; lowResNext: boolean };

export const staticFramebuffer = (): FramebufferMode => ({ type: 'static' });

/**
 * The size of a progressive framebuffer's low-resolution frame: the scale is capped so that
 * neither side drops below 64 pixels (FrameSizeScaler::safeScale, integer division as in C++).
 */
export function lowResolution(width: number, height: number, scale: number): [number, number] {
  const safe = Math.max(1, Math.min(Math.max(1, Math.floor(width / 64)), Math.max(1, Math.floor(height / 64))));
  const applied = Math.min(scale, safe);
  return [Math.floor(width / applied), Math.floor(height / applied)];
}

/**
 * The size of the next frame rendered into the framebuffer, consuming the progressive mode's
 * low-resolution turn (ProgressiveFrameHandler::getImage flips `_lowResFrame` once per clear).
 */
export function nextFrameSize(mode: FramebufferMode, width: number, height: number): [number, number] {
  if (mode.type === 'static' || !mode.lowResNext) return [width, height];
  mode.lowResNext = false;
  return lowResolution(width, height, mode.scale);
}
