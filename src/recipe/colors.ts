import type { Rgba } from '../plan/types.js';

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
