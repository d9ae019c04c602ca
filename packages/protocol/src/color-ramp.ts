import { readFileSync } from 'node:fs';
import { SPIKE_COLORMAP_PATH } from './schemas.js';
import type { Rgba } from './types.js';

/**
 * Colour ramps as Brayns 3.x keeps them per model (`set-color-ramp` / `get-color-ramp`): a list of
 * RGBA colours spread evenly over a value range. Shared by the client (legends, warnings) and the
 * built-in server (cell colours), so a legend shows exactly the colours the server paints.
 */
export interface ColorRamp {
  colors: Rgba[];
  range: [number, number];
}

/** Number of entries of the colour table a ramp is sampled into (Brayns' ColorRampUtils). */
export const RAMP_TABLE_SIZE = 256;

export const RAMP_NAMES = ['brayns', 'viridis', 'magma', 'gray', 'blue-white-red'] as const;
export type RampName = (typeof RAMP_NAMES)[number];

interface ColormapFile {
  values_range: [number, number];
  colors_rgba: Rgba[];
}

let braynsRamp: ColorRamp | null = null;

/** Brayns' default "unipolar" ramp of every report (black resting, white at the spike). */
export function braynsDefaultRamp(): ColorRamp {
  if (!braynsRamp) {
    const file = JSON.parse(readFileSync(SPIKE_COLORMAP_PATH, 'utf8')) as ColormapFile;
    braynsRamp = { colors: file.colors_rgba, range: file.values_range };
  }
  return { colors: braynsRamp.colors.map((c) => [...c] as Rgba), range: [...braynsRamp.range] };
}

const hex = (text: string): Rgba => [0, 2, 4].map((i) => parseInt(text.slice(i, i + 2), 16) / 255).concat(1) as Rgba;

// Nine evenly spaced stops of matplotlib's perceptually uniform ramps (public-domain colour data).
const NAMED: Record<Exclude<RampName, 'brayns'>, Rgba[]> = {
  viridis: ['440154', '472d7b', '3b528b', '2c728e', '21918c', '28ae80', '5ec962', 'addc30', 'fde725'].map(hex),
  magma: ['000004', '180f3d', '440f76', '721f81', '9e2f7f', 'cd4071', 'f1605d', 'fd9668', 'fcfdbf'].map(hex),
  gray: [[0, 0, 0, 1], [1, 1, 1, 1]],
  'blue-white-red': [[0, 0, 1, 1], [1, 1, 1, 1], [1, 0, 0, 1]],
};

export function namedRampColors(name: RampName): Rgba[] {
  if (name === 'brayns') return braynsDefaultRamp().colors;
  return NAMED[name].map((c) => [...c] as Rgba);
}

/**
 * The table of `size` colours Brayns paints with: entry i is the ramp's colour at value
 * min + i·(max − min)/size (ColorRampUtils::createSampleBuffer). Between two ramp colours Brayns
 * blends with the normalised value itself as the weight (not the position inside the bin); that
 * quirk is kept so colours match real Brayns.
 */
export function sampleRamp(colors: readonly Rgba[], [min, max]: readonly [number, number], size = RAMP_TABLE_SIZE): Float32Array {
  const table = new Float32Array(size * 4);
  const last = colors.length - 1;
  for (let i = 0; i < size; i++) {
    const value = min + (i * (max - min)) / size;
    let color: readonly number[];
    if (value <= min) color = colors[0] ?? [0, 0, 0, 1];
    else if (value >= max) color = colors[last] ?? [1, 1, 1, 1];
    else {
      const n = (value - min) / (max - min);
      const k = Math.floor(n * colors.length);
      const a = colors[k] ?? [0, 0, 0, 1];
      const b = colors[Math.min(k + 1, last)] ?? a;
      color = a.map((channel, c) => channel + ((b[c] ?? channel) - channel) * n);
    }
    table.set(color, i * 4);
  }
  return table;
}

/** Table entry of a spike intensity in [0, 1] (Brayns' SpikeIndexer: uint8(v · 255), whatever the range). */
export function spikeTableIndex(intensity: number): number {
  return Math.floor(Math.min(1, Math.max(0, intensity)) * 255);
}
