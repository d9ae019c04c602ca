import type { OverlayOptions } from 'sharp';
import { loadSharp } from '../sharp.js';
import type { SnapshotCamera, View } from '@render-recipes/protocol';
import type { OverlaySpec, ReportSpec, Rgba } from '../../plan/index.js';
import { boxX, boxY, metrics, split, anchorX, type Metrics } from './layout.js';
import { legendPieces, legendRamp } from './legend.js';
import { lengthLabel, micronsPerPixel, roundLength, trim } from './scale.js';
import { paletteFor, rect, svgDocument, text, type Palette } from './svg.js';

/** Everything one frame's overlay depends on (a task, its resolved camera and its frame time). */
export interface OverlayFrame {
  overlay: OverlaySpec;
  resolution: [number, number];
  /** The camera and view the image was rendered with (resolved from the model bounds). */
  camera: SnapshotCamera;
  view: View;
  frame: number;
  timeMs: number;
  report: ReportSpec;
  /** The renderer's background, for choosing text colours when the overlay keeps the alpha. */
  rendererBackground: Rgba;
}

/** Where the scale bar was drawn, in pixels, and what it stands for. */
export interface ScaleBarLayout {
  x: number;
  y: number;
  lengthPx: number;
  thickness: number;
  lengthUm: number;
  label: string;
}

export function scaleBarLayout(f: OverlayFrame, m: Metrics): ScaleBarLayout | null {
  const bar = f.overlay.scaleBar;
  if (!bar) return null;
  const umPerPx = micronsPerPixel(f.camera, f.view, f.resolution[1]);
  const lengthUm = bar.lengthUm === 'auto' ? roundLength((f.resolution[0] / 5) * umPerPx) : bar.lengthUm;
  const lengthPx = Math.max(1, Math.round(lengthUm / umPerPx));
  const { h, v } = split(bar.position);
  const x = boxX(m, h, lengthPx);
  // The label sits above the bar: the box is label + gap + bar tall.
  const labelHeight = Math.round(m.fontSize * 1.3);
  const y = boxY(m, v, labelHeight + m.bar) + labelHeight;
  const label = f.camera.type === 'perspective' ? `${lengthLabel(lengthUm)} at target` : lengthLabel(lengthUm);
  return { x, y, lengthPx, thickness: m.bar, lengthUm, label };
}

/** The frame's time as the recipe formats it: `{time_ms}` (ms, at most 2 decimals) and `{frame}`. */
export function timeText(format: string, frame: number, timeMs: number): string {
  return format.replaceAll('{time_ms}', trim(Math.round(timeMs * 100) / 100)).replaceAll('{frame}', String(frame));
}

/** Baseline of a one-line text at `v` (top edge + ascent, or bottom edge − descent). */
function baseline(m: Metrics, v: 'top' | 'middle' | 'bottom', size: number): number {
  const top = boxY(m, v, Math.round(size * 1.2));
  return top + Math.round(size * 0.95);
}

function overlaySvg(f: OverlayFrame, m: Metrics, palette: Palette): { svg: string; bar: ReturnType<typeof legendPieces>['bar'] | null } {
  const parts: string[] = [];
  const o = f.overlay;
  const scale = scaleBarLayout(f, m);
  if (scale) {
    parts.push(rect(scale.x - 1, scale.y - 1, scale.lengthPx + 2, scale.thickness + 2, palette.halo));
    parts.push(rect(scale.x, scale.y, scale.lengthPx, scale.thickness, palette.ink));
    parts.push(text(scale.label, scale.x + Math.round(scale.lengthPx / 2), scale.y - Math.round(m.fontSize * 0.35), m.fontSize, 'middle', palette));
  }
  if (o.time) {
    const { h, v } = split(o.time.position);
    parts.push(text(timeText(o.time.format, f.frame, f.timeMs), anchorX(m, h), baseline(m, v, m.fontSize), m.fontSize, h, palette));
  }
  if (o.title) {
    const size = Math.round(m.fontSize * 1.3 * o.title.size);
    const { h, v } = split(o.title.position);
    parts.push(text(o.title.text, anchorX(m, h), baseline(m, v, size), size, h, palette));
  }
  let bar: ReturnType<typeof legendPieces>['bar'] | null = null;
  const ramp = o.legend ? legendRamp(f.report) : null;
  if (o.legend && ramp) {
    const legend = legendPieces(o.legend, ramp, m, palette);
    parts.push(legend.svg);
    bar = legend.bar;
  }
  return { svg: parts.join(''), bar };
}

/**
 * Composites one frame's overlay onto a rendered PNG and returns the finished PNG: first the
 * background (when set), then scale bar, time, title and legend. Deterministic: the same frame
 * gives the same bytes.
 */
export async function composeOverlay(png: Buffer, f: OverlayFrame): Promise<Buffer> {
  const sharp = await loadSharp();
  const [width, height] = f.resolution;
  const m = metrics(width, height);
  const background = f.overlay.background;
  const palette = paletteFor(background ?? f.rendererBackground);
  const { svg, bar } = overlaySvg(f, m, palette);
  const layers: OverlayOptions[] = [{ input: svgDocument(width, height, svg), left: 0, top: 0 }];
  if (bar) layers.push({ input: bar.pixels, raw: { width: bar.width, height: bar.height, channels: 4 }, left: bar.left, top: bar.top });
  let image = sharp(png).ensureAlpha();
  if (background) {
    const [r, g, b, a] = background;
    const byte = (v: number): number => Math.round(v * 255);
    // Flatten onto the colour, keeping its alpha (an opaque colour gives an opaque image).
    const base = await image.flatten({ background: { r: byte(r), g: byte(g), b: byte(b) } }).ensureAlpha(a).png().toBuffer();
    image = sharp(base);
  }
  return image.composite(layers).png().toBuffer();
}
