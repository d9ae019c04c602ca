import { braynsDefaultRamp, sampleRamp, type ColorRamp } from '@render-recipes/protocol';

/**
 * The 256-entry colour tables the server paints report values with. Every report model starts with
 * Brayns' default "unipolar" ramp (vendored in @render-recipes/protocol's schemas/spike-colormap.json;
 * index 0 black = resting, 255 white = spiking); `set-color-ramp` replaces a model's ramp.
 */

export { sampleRamp };

let cached: Float32Array | null = null;

/** RGBA floats, 4 per entry, of Brayns' default ramp. */
export function spikeColorTable(): Float32Array {
  if (cached) return cached;
  const ramp = braynsDefaultRamp();
  cached = sampleRamp(ramp.colors, ramp.range);
  return cached;
}

/** The table of a model's ramp (null = Brayns' default). */
export function rampTable(ramp: ColorRamp | null): Float32Array {
  return ramp ? sampleRamp(ramp.colors, ramp.range) : spikeColorTable();
}
