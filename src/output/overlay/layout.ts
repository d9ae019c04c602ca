import type { OverlayPosition } from '../../plan/index.js';

/** Sizes of overlay elements, all proportional to the image so a 4K frame looks like an HD one. */
export interface Metrics {
  width: number;
  height: number;
  /** Distance of every element from the image edge. */
  margin: number;
  fontSize: number;
  /** Thickness of the scale bar. */
  bar: number;
}

export function metrics(width: number, height: number): Metrics {
  const base = Math.min(width, height * 1.6);
  return {
    width,
    height,
    margin: Math.max(4, Math.round(base * 0.02)),
    fontSize: Math.max(10, Math.round(base * 0.022)),
    bar: Math.max(2, Math.round(base * 0.006)),
  };
}

export type Horizontal = 'start' | 'middle' | 'end';
export type Vertical = 'top' | 'middle' | 'bottom';

export function split(position: OverlayPosition): { h: Horizontal; v: Vertical } {
  const h: Horizontal = position.endsWith('left') ? 'start' : position.endsWith('right') ? 'end' : 'middle';
  const v: Vertical = position.startsWith('top') ? 'top' : position.startsWith('bottom') ? 'bottom' : 'middle';
  return { h, v };
}

/** The x of a box of width `w` placed at `h` (left edge). */
export function boxX(m: Metrics, h: Horizontal, w: number): number {
  return h === 'start' ? m.margin : h === 'end' ? m.width - m.margin - w : Math.round((m.width - w) / 2);
}

/** The y of a box of height `hgt` placed at `v` (top edge). */
export function boxY(m: Metrics, v: Vertical, hgt: number): number {
  return v === 'top' ? m.margin : v === 'bottom' ? m.height - m.margin - hgt : Math.round((m.height - hgt) / 2);
}

/** The x an SVG text anchored at `h` is drawn from. */
export function anchorX(m: Metrics, h: Horizontal): number {
  return h === 'start' ? m.margin : h === 'end' ? m.width - m.margin : Math.round(m.width / 2);
}
