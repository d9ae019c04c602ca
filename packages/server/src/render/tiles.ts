import type { Integrator } from './integrator.js';
import { tileCount, type RenderJob } from './job.js';

/** Slots of the shared control array. */
export const NEXT_TILE = 0;
export const TILES_DONE = 1;
export const CANCEL = 2;
export const CONTROL_SLOTS = 3;

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
}

/** Renders tiles claimed from the shared counter until none are left or the cancel flag is set. */
export function drainTiles(integrator: Integrator, job: RenderJob, out: Uint8Array, control: Int32Array): void {
  const total = tileCount(job);
  while (Atomics.load(control, CANCEL) === 0) {
    const tile = Atomics.add(control, NEXT_TILE, 1);
    if (tile >= total) return;
    integrator.renderTile(tile, out);
    Atomics.add(control, TILES_DONE, 1);
  }
}
