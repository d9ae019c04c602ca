/**
 * Colour arrays that their owner promises never to change again (the server's per-model colours
 * of `add-spheres` or `color-model`, replaced by a new array when they change). A render reads
 * them in place; any other colour array is copied per render (prepare.ts), since its owner may
 * change it while the render's workers read it. The copy is what a 1,000,000-sphere scene paid
 * 16 MB of shared memory for, on every frame.
 */
const frozen = new WeakSet<Float32Array>();

/** A colour array in shared memory for `count` cells (RGBA each), to fill and then `freezeColors`. */
export function sharedColors(count: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, count * 4) * 4), 0, count * 4);
}

/** Registers `colors` as never changing again: `colors` itself when it is in shared memory, else a shared copy. */
export function freezeColors(colors: Float32Array): Float32Array {
  let shared = colors;
  if (!(colors.buffer instanceof SharedArrayBuffer)) {
    shared = sharedColors(colors.length / 4);
    shared.set(colors);
  }
  frozen.add(shared);
  return shared;
}

export function isFrozenColors(colors: Float32Array): boolean {
  return frozen.has(colors);
}
