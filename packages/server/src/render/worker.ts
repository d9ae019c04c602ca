import { parentPort } from 'node:worker_threads';
import { type BuildArrays, buildSubtree } from './bvh.js';
import type { PrimFill } from './geometry.js';
import { Integrator } from './integrator.js';
import { fillPrims } from './prims.js';
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

/** One BVH subtree to build over the shared boxes, order and codes (see buildSubtree), then its primitives to fill. */
export interface BuildTask {
  kind: 'build';
  arrays: BuildArrays;
  fill: PrimFill;
  start: number;
  end: number;
}

const port = parentPort;
if (port !== null) {
  const fail = (error: unknown): void => {
    port.postMessage({ ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  };
  port.on('message', (task: WorkerTask | BuildTask) => {
    if (task.kind === 'build') {
      buildSubtree(task.arrays, task.start, task.end).then((nodes) => {
        fillPrims(task.fill.sources, task.arrays.order, task.start, task.end, task.fill.out);
        port.postMessage({ ok: true, nodes }, [nodes.bounds.buffer as ArrayBuffer, nodes.info.buffer as ArrayBuffer]);
      }).catch(fail);
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
