/**
 * A small seeded PRNG (mulberry32 construction): the sample circuit must come out identical on
 * every machine and Node version, which Math.random cannot promise.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Picks an entry by relative weights. */
  pick<T>(entries: readonly { weight: number; value: T }[]): T {
    const total = entries.reduce((sum, entry) => sum + entry.weight, 0);
    let r = this.next() * total;
    for (const entry of entries) {
      r -= entry.weight;
      if (r < 0) return entry.value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('pick from an empty list');
    return last.value;
  }
}

/** Rounds to a fixed number of decimals so text and binary copies hold the very same doubles. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
