import { setTimeout as sleep } from 'node:timers/promises';
import type { Rgba } from '@render-recipes/protocol';
import type { RenderedImage } from '../scene/types.js';

/** Latency simulation for snapshots: a fixed, cancellable wait and a blank image of the background. */
export async function simulatedRender(renderMs: number, signal: AbortSignal, onProgress: (amount: number) => void): Promise<void> {
  // Wakes once a second to report progress, like a long real render.
  const started = Date.now();
  let remaining = renderMs;
  while (remaining > 0) {
    await sleep(Math.min(remaining, 1000), undefined, { signal });
    remaining = renderMs - (Date.now() - started);
    if (remaining > 0) onProgress((renderMs - remaining) / renderMs);
  }
}

export function simulatedImage(width: number, height: number, background: Rgba): RenderedImage {
  const to8 = (v: number): number => Math.min(255, Math.max(0, Math.round(v * 255)));
  const pixel = background.map(to8);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set(pixel, i);
  return { width, height, rgba, background: [...background] };
}
