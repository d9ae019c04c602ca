import { Worker } from 'node:worker_threads';
import { RenderRecipesError } from '@render-recipes/protocol';
import type { StbReply, StbTask } from './stb-worker.js';
import { workerUrl } from './worker-url.js';

interface Pending {
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

/**
 * One worker thread running the stb-compatible encoders, started at the first `brayns` encode.
 * Frames queue in it one after another (encoding is sequential per frame, and the render workers
 * want the other core). It holds the process open only while a frame is being encoded.
 */
class StbThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  encode(format: 'png' | 'jpg', rgba: Uint8Array, width: number, height: number, quality: number): Promise<Buffer> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    // Shared memory (a lent frame) is read in place: the caller holds the loan until this
    // resolves. Anything else is copied once and the copy transferred.
    const shared = rgba.buffer instanceof SharedArrayBuffer;
    const pixels = shared ? rgba : rgba.slice();
    const task: StbTask = { id, format, rgba: pixels, width, height, quality };
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage(task, shared ? [] : [pixels.buffer as ArrayBuffer]);
    });
  }

  private start(): Worker {
    const worker = new Worker(workerUrl('stb-worker.js'));
    worker.unref();
    worker.on('message', (reply: StbReply) => this.settle(reply));
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      const pending = [...this.pending.values()];
      this.pending.clear();
      for (const p of pending) p.reject(new RenderRecipesError('INTERNAL', `The image encoder thread failed: ${error.message}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: StbReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) pending.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
    else pending.reject(new RenderRecipesError('INTERNAL', `Image encoding failed: ${reply.message}`));
  }
}

const thread = new StbThread();

/** Brayns' PNG or JPEG bytes for RGBA8 pixels, encoded off the main thread. */
export function encodeStbOffThread(format: 'png' | 'jpg', rgba: Uint8Array, width: number, height: number, quality: number): Promise<Buffer> {
  return thread.encode(format, rgba, width, height, quality);
}
