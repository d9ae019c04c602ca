import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { LoadedCircuit, RenderContext, RenderedImage, RenderRequest } from '../scene/types.js';
import { renderCancelled } from './cancel.js';
import { modelBvh, useSubtreeBuilder } from './geometry.js';
import { displayByte } from './color-pipeline.js';
import { Integrator } from './integrator.js';
import { tileCount, type RenderJob } from './job.js';
import { WorkerPool } from './pool.js';
import { prepareJob, releaseJob, type JobExtras } from './prepare.js';
import { SharedBufferRing } from './buffer-ring.js';

export { encodeImage } from './encode.js';
export { allocatePlanes, type FloatPlanes, type PlaneName } from './planes.js';
export type { JobExtras } from './prepare.js';

export interface RenderOptions {
  /**
   * Worker threads to render with; 0 renders on the calling thread. Default: the configured count
   * (all cores), or 0 for images below SMALL_IMAGE pixels where starting workers costs more than it saves.
   */
  workers?: number;
}

/** Below this many pixels the calling thread renders alone. */
export const SMALL_IMAGE = 128 * 128;

let defaultWorkers = availableParallelism();
/** One pool per worker count, so renders asking for different counts never tear down each other's workers. */
const pools = new Map<number, WorkerPool>();

function poolOf(workers: number): WorkerPool {
  let pool = pools.get(workers);
  if (pool === undefined) {
    pool = new WorkerPool(workers);
    pools.set(workers, pool);
  }
  return pool;
}

// Large BVHs are built by the render workers (the default pool), in parallel and off the main thread.
useSubtreeBuilder({
  threads: () => defaultWorkers,
  run: (steps) => poolOf(defaultWorkers).build(steps),
});

/** Sets the worker count used when a render does not choose one (e.g. from `serve --render-threads`). */
export function configureRenderer(options: { workers: number }): void {
  defaultWorkers = Math.max(0, Math.floor(options.workers));
}

/**
 * Builds (and caches) a model's acceleration structure ahead of its first snapshot, e.g. right
 * after `add-model`, so the first render does not pay for it. Rejects with CANCELLED on abort.
 */
export async function prepareModel(circuit: LoadedCircuit, signal: AbortSignal): Promise<void> {
  try {
    await modelBvh(circuit, signal);
  } catch (error) {
    if (signal.aborted) throw renderCancelled(signal);
    throw error;
  }
}

/** Stops the render workers (they restart lazily on the next render). */
export async function disposeRenderer(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.dispose()));
}

/**
 * Ray traces one image of the scene. Resolves to top-down RGBA8 pixels; rejects with a
 * RenderRecipesError of code CANCELLED when `ctx.signal` aborts (checked between tiles).
 * The pixels are the caller's own copy (see `renderFrame` for the copy-free form).
 */
export async function renderImage(req: RenderRequest, ctx: RenderContext, options: RenderOptions = {}): Promise<RenderedImage> {
  const frame = await renderFrame(req, ctx, options);
  try {
    // An ordinary (non-shared) buffer: callers may transfer or keep it.
    return { ...frame.image, rgba: new Uint8Array(frame.image.rgba) };
  } finally {
    frame.release();
  }
}

/** Emits `rendered` with { width, height, ms } after each render (the serve benchmark's bare render time). */
export const renderEvents = new EventEmitter<{ rendered: [{ width: number; height: number; ms: number }] }>();

/** A rendered image whose pixels live in one of the renderer's buffers until `release` hands it back. */
export interface RenderedFrame {
  image: RenderedImage;
  /** Returns the pixel buffer to the renderer (call once, when the pixels are no longer read, e.g. encoded). */
  release: () => void;
}

/**
 * `renderImage` without the copy of the pixels (8 MB at full HD): the image's buffer is lent to the
 * caller, e.g. to encode it while the next frame renders into another buffer, and comes back with
 * `release`. A frame never released is simply garbage collected.
 */
export async function renderFrame(req: RenderRequest, ctx: RenderContext, options: RenderOptions = {}): Promise<RenderedFrame> {
  return renderWith(req, ctx, options, {});
}

/**
 * `renderFrame` that also fills float planes (export-gbuffers' channels, render-image's linear
 * colour for accumulation) and may continue an accumulation: `sampleBase` samples per pixel were
 * taken by earlier frames, so this one adds new ones. With neither, it is `renderFrame` exactly.
 */
export function renderFrameWith(req: RenderRequest, ctx: RenderContext, extras: JobExtras, options: RenderOptions = {}): Promise<RenderedFrame> {
  return renderWith(req, ctx, options, extras);
}

async function renderWith(req: RenderRequest, ctx: RenderContext, options: RenderOptions, extras: JobExtras): Promise<RenderedFrame> {
  if (ctx.signal.aborted) throw renderCancelled(ctx.signal);
  let job: RenderJob;
  try {
    job = await prepareJob(req, ctx.signal, extras);
  } catch (error) {
    if (ctx.signal.aborted) throw renderCancelled(ctx.signal);
    throw error;
  }
  const started = performance.now();
  const out = takeBuffer(job.width * job.height * 4);
  const workers = options.workers ?? (job.width * job.height < SMALL_IMAGE ? 0 : defaultWorkers);
  try {
    if (workers <= 0) {
      await renderOnThisThread(job, out, ctx);
    } else {
      await poolOf(workers).run(job, out, ctx.signal, ctx.onProgress);
    }
  } catch (error) {
    giveBack(out);
    throw error;
  } finally {
    releaseJob(job);
  }
  renderEvents.emit('rendered', { width: job.width, height: job.height, ms: performance.now() - started });
  let lent = true;
  return {
    image: { width: job.width, height: job.height, rgba: out, background: displayBackground(job) },
    release: () => {
      if (lent) giveBack(out);
      lent = false;
    },
  };
}

/**
 * Pixel buffers not lent out: two frames in flight (one encoding, one rendering) plus one for a
 * client cycling two sizes. Every pixel is rewritten by each render.
 */
const pixelBuffers = new SharedBufferRing(3);

function takeBuffer(bytes: number): Uint8Array {
  return new Uint8Array(pixelBuffers.take(bytes), 0, bytes);
}

function giveBack(buffer: Uint8Array): void {
  pixelBuffers.give(buffer.buffer as SharedArrayBuffer);
}

/** Slice of work between event-loop turns, so `cancel` messages get through during a long render. */
const SLICE_MS = 20;

async function renderOnThisThread(job: RenderJob, out: Uint8Array, ctx: RenderContext): Promise<void> {
  const integrator = new Integrator(job);
  const total = tileCount(job);
  let sliceStart = performance.now();
  let lastProgress = sliceStart;
  for (let tile = 0; tile < total; tile++) {
    integrator.renderTile(tile, out);
    const now = performance.now();
    if (now - sliceStart >= SLICE_MS) {
      if (now - lastProgress >= 1000) {
        ctx.onProgress((tile + 1) / total);
        lastProgress = now;
      }
      await yieldToLoop();
      if (ctx.signal.aborted) throw renderCancelled(ctx.signal);
      sliceStart = performance.now();
    }
  }
  ctx.onProgress(1);
}

/** The background as the image shows it (JPEG encoding composites transparent pixels over it). */
function displayBackground(job: RenderJob): [number, number, number, number] {
  const [r, g, b, a] = job.background;
  return [displayByte(job.color, r) / 255, displayByte(job.color, g) / 255, displayByte(job.color, b) / 255, a];
}
