/**
 * Counter-based random numbers: a pixel's sequence depends only on (pixel, sample), never on which
 * thread renders it or in which order, so renders are reproducible byte for byte.
 */
function mix(x: number): number {
  // A 32-bit integer finaliser (xor-shift / multiply rounds) with good avalanche.
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export class Rng {
  private state = 0;

  reset(pixel: number, sample: number): void {
    this.state = mix(mix(pixel + 0x9e3779b9) ^ Math.imul(sample + 1, 0x85ebca6b));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix(this.state) / 4294967296;
  }
}
