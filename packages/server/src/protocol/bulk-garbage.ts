import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Collects the garbage of bulk requests once they are answered.
 *
 * Why: `JSON.parse` turns an 8.5 MB `add-spheres` message (100,000 items) into ~25 MB of objects.
 * They are all alive while the message is parsed, validated and converted to typed arrays, so the
 * young generation's collections move them to the old generation, where they stay after the reply
 * until V8 next collects the old generation. V8 does that when the old generation outgrows a limit
 * set from the heap's earlier size, and the renderer's SharedArrayBuffers (the scene's BVHs, its
 * pixel and colour buffers) do not count towards any limit (V8 does not account shared memory per
 * isolate). Ten such messages left ~170 MB of dead objects in a `serve` process, still there while
 * the first snapshot built 1,000,000 spheres' BVHs on top of them (peak 539 MB). One full
 * collection per BULK_BYTES of requests bounds that garbage to about one message's worth, at
 * the price of one collection (tens of ms, the live heap being mostly typed arrays) per 8 MB
 * received: nothing for ordinary traffic, a few percent of a bulk upload's time.
 */
export const BULK_BYTES = 8 * 1024 * 1024;

export class BulkGarbage {
  private bytes = 0;
  private scheduled = false;

  /** @param collect a full, synchronous collection (default: V8's own, see `fullCollection`) */
  constructor(private readonly collect: () => void = fullCollection) {}

  /** Counts a frame received. */
  received(bytes: number): void {
    this.bytes += bytes;
  }

  /**
   * Called after a request was answered: once BULK_BYTES arrived since the last collection,
   * collects on the next turn of the event loop (the reply goes out first, and the request's
   * objects are no longer referenced by the stack that answered it).
   */
  answered(): void {
    if (this.bytes < BULK_BYTES || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.bytes = 0;
      this.collect();
    });
  }
}

let gc: (() => void) | null = null;

/**
 * V8's full collection. Node exposes it only under `--expose-gc`; the flag is turned on just long
 * enough to read `gc` from a fresh context and turned off again, as jest's leak detector does.
 */
export function fullCollection(): void {
  if (gc === null) {
    const own = (globalThis as { gc?: unknown }).gc;
    if (typeof own === 'function') gc = own as () => void;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc();
}
