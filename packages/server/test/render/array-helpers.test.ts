import { describe, expect, it } from 'vitest';
import { KIND_GLASS, reflects } from '../../src/render/materials.js';
import { Rng } from '../../src/render/rng.js';

/**
 * The renderer's helpers take and return arrays (a float crossing a call V8 leaves out of line is
 * boxed on the heap: bench/frame-garbage.bench.js). These check that the array forms compute what
 * the plain formulas do, so frames stay what they were.
 */

/** The counter-based generator as plain numbers: the sequence every render has used. */
function reference(pixel: number, sample: number, count: number): number[] {
  const mix = (v: number): number => {
    let x = v;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    return x >>> 0;
  };
  let state = mix(mix(pixel + 0x9e3779b9) ^ Math.imul(sample + 1, 0x85ebca6b));
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    out.push(mix(state) / 4294967296);
  }
  return out;
}

describe('array-form helpers', () => {
  it('draws the same random sequence through arrays as the plain formula, skips included', () => {
    const rng = new Rng();
    const out = new Float64Array(1);
    // Pixels of a full-HD frame, and counters that wrap past 2^31 and 2^32.
    for (const [pixel, sample] of [[0, 0], [1, 7], [1920 * 1080 - 1, 3], [2 ** 31 - 5, 1], [2 ** 32 - 2, 1000]] as const) {
      const expected = reference(pixel, sample, 6);
      rng.reset(pixel, sample);
      const drawn: number[] = [];
      for (let i = 0; i < 6; i++) {
        if (i === 2) {
          rng.skip();
          drawn.push(expected[2]!);
          continue;
        }
        if (i % 2 === 0) drawn.push(rng.next());
        else {
          rng.draw(out, 0);
          drawn.push(out[0]!);
        }
      }
      expect(drawn).toEqual(expected);
    }
  });

  it('reflects from glass with the Fresnel share of the draws', () => {
    const glass = Float64Array.of(KIND_GLASS, 1, 1, 0, 0, 0, 1.5);
    // Normal incidence at eta 1.5: ((1 - 1.5) / (1 + 1.5))^2 = 0.04 is reflected.
    expect(reflects(Float64Array.of(0.0399, 1), glass)).toBe(true);
    expect(reflects(Float64Array.of(0.0401, -1), glass)).toBe(false);
    // Grazing incidence reflects nearly everything.
    expect(reflects(Float64Array.of(0.9, 0.01), glass)).toBe(true);
    // Going into a thinner medium past the critical angle: total internal reflection.
    const inverse = Float64Array.of(KIND_GLASS, 1, 1, 0, 0, 0, 1 / 1.5);
    expect(reflects(Float64Array.of(0.999, 0.5), inverse)).toBe(true);
  });
});
