import { namedRampColors, type ColorRamp, type Rgba } from '@render-recipes/protocol';
import type { RawColormap } from './recipe-types.generated.js';

const NAMED: Record<string, Rgba> = {
  black: [0, 0, 0, 1],
  white: [1, 1, 1, 1],
  gray: [0.5, 0.5, 0.5, 1],
  transparent: [0, 0, 0, 0],
};

/**
 * A schema-valid colour as linear RGBA. Hex bytes are divided by 255 without gamma conversion and
 * rounded to 6 decimals, so `#ff8000` gives the same canonical JSON on every machine.
 */
export function toRgba(color: unknown): Rgba {
  if (Array.isArray(color)) {
    const [r = 0, g = 0, b = 0, a = 1] = color as number[];
    return [r, g, b, a];
  }
  const text = String(color);
  const named = NAMED[text];
  if (named) return [...named];
  const hex = text.slice(1);
  const byte = (i: number): number => Math.round((parseInt(hex.slice(i, i + 2), 16) / 255) * 1e6) / 1e6;
  return [byte(0), byte(2), byte(4), hex.length === 8 ? byte(6) : 1];
}

/** The value range a ramp spans when the recipe gives none: spike intensity, or millivolts. */
export function defaultRampRange(report: 'spikes' | 'compartment' | 'none'): [number, number] {
  return report === 'compartment' ? [-80, -10] : [0, 1];
}

/**
 * The ramp a recipe asks for, or undefined for Brayns' own default (`brayns` without a range), so
 * that recipes without a colormap keep their plans and ids.
 */
export function normalizeColormap(raw: RawColormap | undefined, report: 'spikes' | 'compartment'): (ColorRamp & { name: string | null }) | undefined {
  if (raw === undefined) return undefined;
  const shape = typeof raw === 'string' || Array.isArray(raw) ? { colors: raw } : raw;
  if (shape.colors === 'brayns' && shape.range === undefined) return undefined;
  const name = typeof shape.colors === 'string' ? shape.colors : null;
  const colors = typeof shape.colors === 'string' ? namedRampColors(shape.colors) : shape.colors.map(toRgba);
  const range = shape.range ?? defaultRampRange(report);
  return { name, colors, range: [range[0], range[1]] };
}
