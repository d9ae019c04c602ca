/**
 * Shared buffers not in use, reused by the next renders that fit in them. Workers keep the buffers
 * they were sent until their own (rare) garbage collection, so a fresh buffer per frame would pile
 * up tens of megabytes per frame, and a fresh SharedArrayBuffer costs far more than copying into
 * an old one (its pages are zeroed and faulted in anew). A client asking for sizes 2000x2000,
 * 2001x2000, ... must not pile up one buffer per size: capacities are powers of two, so growing to
 * any size leaves at most log2 of it behind, and at most `spares` buffers wait for reuse.
 */
export class SharedBufferRing {
  private readonly free: SharedArrayBuffer[] = [];
  /** Bytes of the buffers this ring created so far (tests check that reuse creates none). */
  allocatedBytes = 0;

  constructor(private readonly spares: number) {}

  /** The smallest spare of at least `bytes`; none fits: a new one (the spares stay for smaller requests). */
  take(bytes: number): SharedArrayBuffer {
    let best = -1;
    this.free.forEach((b, i) => {
      if (b.byteLength >= bytes && (best < 0 || b.byteLength < this.free[best]!.byteLength)) best = i;
    });
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    const buffer = new SharedArrayBuffer(2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
    this.allocatedBytes += buffer.byteLength;
    return buffer;
  }

  /** Hands a buffer from `take` back (once, when nothing reads it any more). */
  give(buffer: SharedArrayBuffer): void {
    this.free.push(buffer);
    if (this.free.length <= this.spares) return;
    // Too many: drop the smallest, the one least likely to fit the next request.
    let smallest = 0;
    this.free.forEach((b, i) => {
      if (b.byteLength < this.free[smallest]!.byteLength) smallest = i;
    });
    this.free.splice(smallest, 1);
  }
}
