import { type ResourceLimits, Worker } from 'node:worker_threads';
import { RenderRecipesError } from '@render-recipes/protocol';
import { renderCancelled } from './cancel.js';
import { tileCount, type RenderJob } from './job.js';
import { CANCEL, TILES_DONE, createControl } from './tiles.js';
import type { BuildBatch, BuildStep, BuildStepResult } from './build-steps.js';
import type { WorkerTask } from './worker.js';
import { workerUrl } from './worker-url.js';

type Results = [number, BuildStepResult][];

/**
 * Young generation of a render worker, in MB (V8's smallest: two 1 MB semi-spaces and as much
 * again for large young objects). A worker's garbage is small and short-lived (a tile's scratch,
 * a build step's subtree arrays, whose data lives outside the V8 heap), but V8's default lets
 * each worker's young generation grow to 8 MB or more and keep it resident: 12 MB of a `serve`
 * process holding 1,000,000 spheres (issue 16's memory goal) for two workers.
 */
export const WORKER_YOUNG_MB = 3;
type Reply = { ok: true; results?: Results } | { ok: false; message: string };

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
   * Runs steps of a BVH build (build-steps.ts), each worker claiming the next step when it
   * finishes one; answers their results in step order. Queued with the renders: a worker answers
   * one message at a time.
   */
  build(steps: BuildStep[]): Promise<BuildStepResult[]> {
    const next = this.tail.then(() => this.buildNow(steps));
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** The V8 limits each running worker reports (diagnostics, tests). */
  heapLimits(): ResourceLimits[] {
    return this.workers.map((w) => w.resourceLimits ?? {});
  }

  async dispose(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): void {
    while (this.workers.length < this.size) {
      const worker = new Worker(workerUrl('worker.js'), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
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

  private async buildNow(steps: BuildStep[]): Promise<BuildStepResult[]> {
    this.start();
    const control = createControl();
    const batch: BuildBatch = { kind: 'build', steps, control };
    // More workers than steps would only wake up to find nothing left.
    const workers = this.workers.slice(0, Math.max(1, steps.length));
    try {
      const settled = await Promise.allSettled(workers.map((w) => this.runOn(w, batch, control)));
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const results: BuildStepResult[] = new Array<BuildStepResult>(steps.length);
      let answered = 0;
      for (const r of settled) {
        for (const [i, result] of (r as PromiseFulfilledResult<Results | undefined>).value ?? []) {
          results[i] = result;
          answered++;
        }
      }
      if (answered !== steps.length) throw new RenderRecipesError('INTERNAL', `Render workers answered ${answered} of ${steps.length} build steps`);
      return results;
    } finally {
      for (const w of workers) w.unref();
    }
  }

  private runOn(worker: Worker, task: WorkerTask | BuildBatch, control: Int32Array): Promise<Results | undefined> {
    return new Promise<Results | undefined>((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: Reply): void => {
        cleanup();
        if (reply.ok) resolve(reply.results);
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
