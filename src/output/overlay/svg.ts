import type { Rgba } from '../../plan/index.js';

/**
 * SVG pieces rasterised by librsvg (through sharp). Text is DejaVu Sans (Debian fonts-dejavu-core),
 * found through fontconfig, so the same text gives the same pixels on every machine that has it.
 */
export const FONT_FAMILY = 'DejaVu Sans';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export function cssColor([r, g, b]: readonly number[]): string {
  const byte = (v: number | undefined): number => Math.round(Math.min(1, Math.max(0, v ?? 0)) * 255);
  return `rgb(${byte(r)},${byte(g)},${byte(b)})`;
}

/** Ink and halo colours for text over a background: dark ink on light backgrounds, light on dark. */
export interface Palette {
  ink: Rgba;
  halo: Rgba;
}

export function paletteFor(background: readonly number[]): Palette {
  const [r = 0, g = 0, b = 0] = background;
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.5 ? { ink: [0, 0, 0, 1], halo: [1, 1, 1, 1] } : { ink: [1, 1, 1, 1], halo: [0, 0, 0, 1] };
}

/** Text with a halo (an outline drawn beneath), legible on any image. `y` is the baseline. */
export function text(content: string, x: number, y: number, size: number, anchor: 'start' | 'middle' | 'end', palette: Palette): string {
  const common = `x="${x}" y="${y}" font-family="${FONT_FAMILY}" font-size="${size}" text-anchor="${anchor}"`;
  const body = escapeXml(content);
  const halo = Math.max(1, Math.round(size / 8));
  return (
    `<text ${common} fill="none" stroke="${cssColor(palette.halo)}" stroke-width="${halo * 2}" stroke-linejoin="round">${body}</text>` +
    `<text ${common} fill="${cssColor(palette.ink)}">${body}</text>`
  );
}

/** A pixel-aligned rectangle (crisp edges, so a scale bar is exactly `w` pixels long). */
export function rect(x: number, y: number, w: number, h: number, color: Rgba): string {
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${cssColor(color)}" shape-rendering="crispEdges"/>`;
}

export function svgDocument(width: number, height: number, body: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);
}
