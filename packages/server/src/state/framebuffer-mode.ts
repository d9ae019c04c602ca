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

/** The size of the next frame: reduced while a progressive framebuffer's low-resolution turn lasts. */
export function frameSize(mode: FramebufferMode, width: number, height: number): { size: [number, number]; lowRes: boolean } {
  if (mode.type === 'static' || !mode.lowResNext) return { size: [width, height], lowRes: false };
  return { size: lowResolution(width, height, mode.scale), lowRes: true };
}

/**
 * Takes the image the framebuffer shows: a progressive framebuffer shows its low-resolution frame
 * once, the first time an image is taken after a clear (ProgressiveFrameHandler::getImage flips
 * `_lowResFrame` there, not when rendering). True when that image is the low-resolution one.
 */
export function takeImage(mode: FramebufferMode): boolean {
  if (mode.type === 'static' || !mode.lowResNext) return false;
  mode.lowResNext = false;
  return true;
}

/** A clear (a commit that changed anything) makes the next progressive frame a low-resolution one again. */
export function clearMode(mode: FramebufferMode): void {
  if (mode.type === 'progressive') mode.lowResNext = true;
}
