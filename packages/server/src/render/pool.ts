import { Worker } from 'node:worker_threads';
import { RenderRecipesError } from '@render-recipes/protocol';
import { renderCancelled } from './cancel.js';
import { tileCount, type RenderJob } from './job.js';
import { CANCEL, TILES_DONE, createControl } from './tiles.js';
import type { BuildArrays, Subtree } from './bvh.js';
import type { PrimFill, SubtreeNodes } from './geometry.js';
import type { BuildTask, WorkerTask } from './worker.js';
import { workerUrl } from './worker-url.js';

type Reply = { ok: true; nodes?: SubtreeNodes } | { ok: false; message: string };

/**
 * Render workers kept alive across renders (starting one costs tens of milliseconds). Renders run
 * one at a time: each uses every worker, so overlapping them would only thrash. Workers are
 * unref'd while idle so an idle pool never keeps the process alive.
 */
export class WorkerPool {
  private workers: Worker[] = [];
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly size: number) {}

  run(job: RenderJob, out: Uint8Array, signal: AbortSignal, onProgress: (amount: number) => void): Promise<void> {
    const next = this.tail.then(() => this.runNow(job, out, signal, onProgress));
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * Builds BVH subtrees over shared boxes, order and codes (then fills their primitives), each worker taking the next subtree when it
   * finishes one. Queued with the renders: a worker answers one message at a time.
   */
  build(arrays: BuildArrays, subtrees: Subtree[], fill: PrimFill): Promise<SubtreeNodes[]> {
    const next = this.tail.then(() => this.buildNow(arrays, subtrees, fill));
    this.tail = next.catch(() => undefined);
    return next;
  }

  async dispose(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): void {
    while (this.workers.length < this.size) {
      const worker = new Worker(workerUrl('worker.js'));
      worker.unref();
      // A crashed worker is replaced on the next render.
      worker.once('exit', () => {
        this.workers = this.workers.filter((w) => w !== worker);
      });
      this.workers.push(worker);
    }
  }

  private async runNow(job: RenderJob, out: Uint8Array, signal: AbortSignal, onProgress: (amount: number) => void): Promise<void> {
    if (signal.aborted) throw renderCancelled(signal);
    this.start();
    const control = createControl();
    const total = tileCount(job);
    const cancel = (): void => {
      Atomics.store(control, CANCEL, 1);
    };
    signal.addEventListener('abort', cancel, { once: true });
    // Brayns reports render progress about once a second.
    const timer = setInterval(() => onProgress(Atomics.load(control, TILES_DONE) / total), 1000);
    const workers = [...this.workers];
    try {
      const results = await Promise.allSettled(workers.map((w) => this.runOn(w, { kind: 'render', job, out, control }, control)));
      const failed = results.find((r) => r.status === 'rejected');
      if (signal.aborted) throw renderCancelled(signal);
      if (failed !== undefined) throw failed.reason;
      onProgress(1);
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', cancel);
      for (const w of workers) w.unref();
    }
  }

  private async buildNow(arrays: BuildArrays, subtrees: Subtree[], fill: PrimFill): Promise<SubtreeNodes[]> {
    this.start();
    const results: SubtreeNodes[] = [];
    let next = 0;
    const stop = createControl();
    const drain = async (worker: Worker): Promise<void> => {
      while (next < subtrees.length && Atomics.load(stop, CANCEL) === 0) {
        const i = next++;
        const { start, end } = subtrees[i]!;
        const task: BuildTask = { kind: 'build', arrays, fill, start, end };
        const nodes = await this.runOn(worker, task, stop);
        if (nodes === undefined) throw new RenderRecipesError('INTERNAL', 'A render worker answered a build without nodes');
        results[i] = nodes;
      }
    };
    const workers = [...this.workers];
    try {
      const settled = await Promise.allSettled(workers.map(drain));
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      return results;
    } finally {
      for (const w of workers) w.unref();
    }
  }

  private runOn(worker: Worker, task: WorkerTask | BuildTask, control: Int32Array): Promise<SubtreeNodes | undefined> {
    return new Promise<SubtreeNodes | undefined>((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: Reply): void => {
        cleanup();
        if (reply.ok) resolve(reply.nodes);
        else reject(new RenderRecipesError('INTERNAL', `A render worker failed: ${reply.message}`));
      };
      const onError = (error: Error): void => {
        cleanup();
        // Stop the other workers: the image cannot be completed.
        Atomics.store(control, CANCEL, 1);
        reject(new RenderRecipesError('INTERNAL', `A render worker crashed: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number): void => {
        cleanup();
        Atomics.store(control, CANCEL, 1);
        reject(new RenderRecipesError('INTERNAL', `A render worker exited with code ${code} during a render`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // Keep the process alive while the render is in flight.
      worker.ref();
      worker.postMessage(task);
    });
  }
}
