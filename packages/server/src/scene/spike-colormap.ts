import { readFileSync } from 'node:fs';
import { SPIKE_COLORMAP_PATH } from '@render-recipes/protocol';

/**
 * The 256-entry colour table Brayns uses to colour cells by spike intensity, sampled from the
 * vendored 128-colour "unipolar" ramp (@render-recipes/protocol's schemas/spike-colormap.json; its `sampling` fields
 * document the rule). Index 0 is black (resting), 255 white (spiking).
 */

interface ColormapFile {
  values_range: [number, number];
  colors_rgba: [number, number, number, number][];
  sampling: { lut_size: number };
}

let cached: Float32Array | null = null;

/** RGBA floats, 4 per entry. */
export function spikeColorTable(): Float32Array {
  if (cached) return cached;
  const file = JSON.parse(readFileSync(SPIKE_COLORMAP_PATH, 'utf8')) as ColormapFile;
  cached = sampleRamp(file.colors_rgba, file.values_range, file.sampling.lut_size);
  return cached;
}

/**
 * Entry i is the ramp's colour at value min + i·(max − min)/size. Between two ramp colours Brayns
 * blends with the normalised value itself as the weight (not the position inside the bin); that
 * quirk is kept so colours match real Brayns.
 */
export function sampleRamp(colors: [number, number, number, number][], [min, max]: [number, number], size: number): Float32Array {
  const table = new Float32Array(size * 4);
  const last = colors.length - 1;
  for (let i = 0; i < size; i++) {
    const value = min + (i * (max - min)) / size;
    let color: number[];
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
