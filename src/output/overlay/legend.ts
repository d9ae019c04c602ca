import { braynsDefaultRamp, RAMP_TABLE_SIZE, sampleRamp } from '@render-recipes/protocol';
import type { OverlaySpec, ReportSpec } from '../../plan/index.js';
import { type Metrics } from './layout.js';
import { trim } from './scale.js';
import { rect, text, type Palette } from './svg.js';

/** What the legend shows: the 256 colours the server paints with, and what their ends mean. */
export interface LegendRamp {
  /** RGBA floats, 4 per entry, exactly the server's table. */
  table: Float32Array;
  min: string;
  max: string;
  caption: string;
}

export function legendRamp(report: ReportSpec): LegendRamp | null {
  if (report.type === 'none') return null;
  const ramp = report.colormap ?? braynsDefaultRamp();
  const table = sampleRamp(ramp.colors, ramp.range, RAMP_TABLE_SIZE);
  // Spike colours follow the spike intensity (0 at rest, 1 at the spike) over the whole table,
  // whatever the ramp's range (Brayns' SpikeIndexer); compartment values follow the range.
  if (report.type === 'spikes') return { table, min: '0', max: '1', caption: 'spike intensity' };
  return { table, min: trim(ramp.range[0]), max: trim(ramp.range[1]), caption: 'mV' };
}

export interface LegendPieces {
  svg: string;
  /** The colour bar as raw RGBA pixels, placed at (left, top). */
  bar: { pixels: Buffer; width: number; height: number; left: number; top: number };
}

/**
 * A colour bar with its end values and caption. Vertical at the left/right edge (highest value at
 * the top), horizontal at the top/bottom edge (lowest value at the left). Pixel k of n along the
 * bar shows table entry round(k · 255 / (n − 1)): the ends are exactly the lowest and highest colours.
 */
export function legendPieces(legend: NonNullable<OverlaySpec['legend']>, ramp: LegendRamp, m: Metrics, palette: Palette): LegendPieces {
  const vertical = legend.position === 'left' || legend.position === 'right';
  const thickness = Math.max(6, Math.round(m.fontSize * 1.1));
  const length = Math.max(16, Math.round((vertical ? m.height : m.width) * 0.4));
  const width = vertical ? thickness : length;
  const height = vertical ? length : thickness;
  const pixels = Buffer.alloc(width * height * 4);
  for (let k = 0; k < length; k++) {
    const entry = Math.round((k * (RAMP_TABLE_SIZE - 1)) / (length - 1)) * 4;
    const rgba = [0, 1, 2].map((c) => Math.round(Math.min(1, Math.max(0, ramp.table[entry + c] ?? 0)) * 255)).concat(255);
    for (let t = 0; t < thickness; t++) {
      // Vertical bars run bottom (lowest) to top; horizontal ones left (lowest) to right.
      const x = vertical ? t : k;
      const y = vertical ? length - 1 - k : t;
      pixels.set(rgba, (y * width + x) * 4);
    }
  }
  const fs = m.fontSize;
  const gap = Math.round(fs * 0.4);
  let left: number;
  let top: number;
  let labels: string;
  if (vertical) {
    top = Math.round((m.height - length) / 2);
    const right = legend.position === 'right';
    left = right ? m.width - m.margin - width : m.margin;
    const tx = right ? left - gap : left + width + gap;
    const anchor = right ? 'end' : 'start';
    labels =
      text(ramp.max, tx, top + Math.round(fs * 0.8), fs, anchor, palette) +
      text(ramp.min, tx, top + length, fs, anchor, palette) +
      text(ramp.caption, right ? left + width : left, top - gap, fs, anchor, palette);
  } else {
    left = Math.round((m.width - length) / 2);
    const bottom = legend.position === 'bottom';
    top = bottom ? m.height - m.margin - height - Math.round(fs * 1.2) : m.margin;
    const ty = top + height + gap + Math.round(fs * 0.8);
    labels =
      text(ramp.min, left, ty, fs, 'start', palette) +
      text(ramp.max, left + length, ty, fs, 'end', palette) +
      text(ramp.caption, left + Math.round(length / 2), ty, fs, 'middle', palette);
  }
  // A one-pixel frame in the halo colour, outside the bar, keeps the ends visible on any background.
  const frame = rect(left - 1, top - 1, width + 2, height + 2, palette.halo);
  return { svg: frame + labels, bar: { pixels, width, height, left, top } };
}
