import { readFileSync } from 'node:fs';
import { SPIKE_COLORMAP_PATH } from '@render-recipes/protocol';
import { spikeColorTable } from '../spike-colormap.js';

/**
 * A colour ramp as report colouring uses it: a table of RGBA entries (4 floats each) and the value
 * range mapped onto it. Kept as plain data so that a ramp set by a client can replace it.
 */
export interface ValueRamp {
  table: Float32Array;
  range: [number, number];
}

/**
 * The ramp Brayns gives every report model (2.0.0, 3.0.0 and 3.10.1 alike: CircuitExplorer's
 * "unipolar" ramp over [-80, -10] mV, sampled into 256 entries): the same table spikes use.
 */
export function voltageRamp(): ValueRamp {
  const file = JSON.parse(readFileSync(SPIKE_COLORMAP_PATH, 'utf8')) as { values_range: [number, number] };
  return { table: spikeColorTable(), range: file.values_range };
}

/**
 * Brayns' value-to-entry rule (OffsetIndexer), in its float32 arithmetic: the value is clamped to the
 * range, normalised, and `uint8(normalised * 255)` picks the entry.
 */
export function rampIndex(value: number, [min, max]: [number, number]): number {
  const f = Math.fround;
  const clamped = value > max ? max : value < min ? min : value;
  const inverse = f(1 / Math.abs(f(max) - f(min)));
  const normalised = f(f(f(clamped) - f(min)) * inverse);
  const index = Math.trunc(f(normalised * 255));
  return Number.isNaN(index) ? 0 : Math.min(255, Math.max(0, index));
}
