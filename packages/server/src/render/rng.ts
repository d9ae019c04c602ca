/**
 * Counter-based random numbers: a pixel's sequence depends only on (pixel, sample), never on which
 * thread renders it or in which order, so renders are reproducible byte for byte.
 *
 * The state and the mixing live in a Uint32Array and numbers come out through arrays (`draw`): a
 * uint32 above 2^30 is no small integer to V8, so the state or a number returned by a call that V8
 * leaves out of line (once a hot caller has used up its inlining budget) would be boxed on the heap,
 * as every float argument or result is (the path tracer made 8 MB per full-HD frame here).
 */

/** A 32-bit integer finaliser (xor-shift / multiply rounds) with good avalanche, of words[i] in place. */
function mix(words: Uint32Array, i: number): void {
  let x = words[i]!;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  words[i] = x;
}

const STATE = 0;
const OUT = 1;

export class Rng {
  /** The counter, and the word being mixed. Stores wrap modulo 2^32, as the mixing does. */
  private readonly words = new Uint32Array(2);

  reset(pixel: number, sample: number): void {
    const w = this.words;
    w[OUT] = pixel + 0x9e3779b9;
    mix(w, OUT);
    w[STATE] = w[OUT] ^ Math.imul(sample + 1, 0x85ebca6b);
    mix(w, STATE);
  }

  /** The next number, uniform in [0, 1), into out[at]. */
  draw(out: Float64Array, at: number): void {
    const w = this.words;
    w[STATE] = w[STATE]! + 0x9e3779b9;
    w[OUT] = w[STATE]!;
    mix(w, OUT);
    out[at] = w[OUT] / 4294967296;
  }

  /** Moves past the next number. */
  skip(): void {
    const w = this.words;
    w[STATE] = w[STATE]! + 0x9e3779b9;
  }

  /** Uniform in [0, 1): `draw` for callers off the hot paths. */
  next(): number {
    this.draw(NEXT, 0);
    return NEXT[0]!;
  }
}

const NEXT = new Float64Array(1);
