import { SharedBufferRing } from './buffer-ring.js';

/**
 * Buffers a parallel BVH build hands out for once: the boxes in input order, the order and codes
 * of the Morton sort, shared copies of geometry that is not in shared memory yet. They are taken
 * from, and given back to, one ring shared by all builds, instead of being left to the garbage
 * collector: a SharedArrayBuffer is freed only once every thread that received it has collected
 * it, and V8 never counts shared memory towards collecting, so the render workers (whose own heaps
 * barely grow) kept every build's scratch, ~8 MB per 100,000 spheres, for good. Reused, one
 * scene's builds cost the scratch of its largest build.
 */
/** Boxes, order, codes and up to six geometry copies: one build's worth. */
const SPARES = 9;
const buffers = new SharedBufferRing(SPARES);

type Shareable = Float32Array | Uint32Array;

export class BuildScratch {
  private readonly taken: SharedArrayBuffer[] = [];

  float32(length: number): Float32Array {
    return new Float32Array(this.take(length * 4), 0, length);
  }

  uint32(length: number): Uint32Array {
    return new Uint32Array(this.take(length * 4), 0, length);
  }

  /** `values` itself when it is shared memory already (read in place), else a shared copy. */
  shared<T extends Shareable>(values: T): T {
    if (values.buffer instanceof SharedArrayBuffer) return values;
    const copy = (values instanceof Float32Array ? this.float32(values.length) : this.uint32(values.length)) as T;
    copy.set(values);
    return copy;
  }

  /** Gives every buffer back for the next build; nothing may read or write them afterwards. */
  release(): void {
    for (const buffer of this.taken.splice(0)) buffers.give(buffer);
  }

  private take(bytes: number): SharedArrayBuffer {
    const buffer = buffers.take(Math.max(4, bytes));
    this.taken.push(buffer);
    return buffer;
  }
}
