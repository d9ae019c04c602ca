import { parentPort } from 'node:worker_threads';
import { type BuildBatch, drainBuildSteps, transferOf } from './build-steps.js';
import { Integrator } from './integrator.js';
import type { RenderJob } from './job.js';
import { drainTiles } from './tiles.js';

/**
 * Render worker: pulls tiles from the shared counter until none are left or the cancel flag is
 * set, writing pixels straight into the shared image. Geometry arrives as SharedArrayBuffer views.
 */
export interface WorkerTask {
  kind: 'render';
  job: RenderJob;
  out: Uint8Array;
  control: Int32Array;
}

const port = parentPort;
if (port !== null) {
  const fail = (error: unknown): void => {
    port.postMessage({ ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  };
  port.on('message', (task: WorkerTask | BuildBatch) => {
    if (task.kind === 'build') {
      drainBuildSteps(task).then((results) => port.postMessage({ ok: true, results }, transferOf(results))).catch(fail);
      return;
    }
    try {
      drainTiles(new Integrator(task.job), task.job, task.out, task.control);
      port.postMessage({ ok: true });
    } catch (error) {
      fail(error);
    }
  });
}
