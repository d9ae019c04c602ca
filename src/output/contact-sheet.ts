import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { OverlayOptions } from 'sharp';
import { loadSharp } from './sharp.js';
import type { PlanRecipe, PlanTask } from '../plan/index.js';
import { paletteFor, svgDocument, text } from './overlay/svg.js';
import { checkPng, isPng, readTextChunks, withTextChunk } from '@render-recipes/protocol';

/** PNG text-chunk keyword of a sheet: the digest of the images and settings it was made from. */
const SHEET_KEYWORD = 'render-recipes-sheet';
/** Widest a cell of the grid gets, in pixels: a sheet of a 4K sweep stays a few megapixels. */
const MAX_CELL_WIDTH = 480;
/** Bumped when the sheet's layout changes, so existing sheets are drawn again. */
const SHEET_LAYOUT = 2;

export interface SheetCell {
  task: PlanTask;
  label: string;
}

/** The recipe's images in plan order of its matrix items, then frames, each with its label. */
export function sheetCells(recipe: PlanRecipe, tasks: readonly PlanTask[]): SheetCell[] {
  const order = new Map(recipe.items.map((item, i) => [item.id, i]));
  const own = tasks.filter((t) => t.recipe === recipe.name).sort((a, b) => (order.get(a.item) ?? 0) - (order.get(b.item) ?? 0) || a.frame - b.frame);
  const manyFrames = new Set(own.map((t) => t.frame)).size > 1;
  return own.map((task) => {
    const values = recipe.items.find((i) => i.id === task.item)?.values ?? {};
    // The frame keys of a matrix are shown as the time instead.
    const parts = Object.entries(values).filter(([k]) => !(manyFrames && (k === 'frames' || k === 'frame'))).map(([k, v]) => `${k}=${v}`);
    if (manyFrames) parts.push(`t=${task.values.time ?? task.frame} ms`);
    return { task, label: parts.join(', ') || recipe.name };
  });
}

export function sheetColumns(columns: number | 'auto', count: number, aspect: number): number {
  if (columns !== 'auto') return Math.max(1, Math.min(columns, count));
  // Columns c with c·aspect ≈ (count / c): a grid about as wide as it is tall.
  return Math.max(1, Math.min(count, Math.round(Math.sqrt(count / aspect))));
}

export type SheetResult = { state: 'written' | 'up to date'; path: string; images: number } | { state: 'incomplete'; path: string; missing: string[] };

/**
 * Builds a recipe's contact sheet from the images on disk: a grid with a label under each image.
 * The sheet carries the digest of its inputs (every image's bytes, the labels, the settings), so it
 * is rebuilt exactly when one of its images changed. Not built while an image is missing.
 */
export async function writeContactSheet(
  recipe: PlanRecipe,
  tasks: readonly PlanTask[],
  outDir: string,
  write: (path: string, bytes: Buffer) => Promise<void>,
): Promise<SheetResult | null> {
  const sharp = await loadSharp();
  const spec = recipe.contactSheet;
  if (!spec) return null;
  const path = resolve(outDir, ...spec.path.split('/'));
  const cells = sheetCells(recipe, tasks);
  const images: Buffer[] = [];
  const missing: string[] = [];
  for (const cell of cells) {
    const bytes = await readFile(resolve(outDir, ...cell.task.output.path.split('/'))).catch(() => null);
    if (bytes) images.push(bytes);
    else missing.push(cell.task.output.path);
  }
  if (missing.length > 0) return { state: 'incomplete', path: spec.path, missing };
  const hash = createHash('sha256').update(JSON.stringify({ spec, layout: SHEET_LAYOUT }));
  cells.forEach((cell, i) => hash.update(`\0${cell.label}\0${cell.task.output.path}\0`).update(images[i] ?? Buffer.alloc(0)));
  const digest = hash.digest('hex');
  const existing = await readFile(path).catch(() => null);
  if (existing && isPng(existing)) {
    const check = checkPng(existing);
    if (check.ok && readTextChunks(check.chunks).get(SHEET_KEYWORD) === digest) return { state: 'up to date', path: spec.path, images: cells.length };
  }
  const first = cells[0]?.task.resolution ?? [1, 1];
  const cellW = Math.min(MAX_CELL_WIDTH, first[0]);
  const cellH = Math.round((cellW * first[1]) / first[0]);
  const columns = sheetColumns(spec.columns, cells.length, cellW / cellH);
  const rows = Math.ceil(cells.length / columns);
  const fontSize = Math.max(10, Math.round(cellW * 0.032));
  const labelH = spec.label ? Math.round(fontSize * 1.8) : 0;
  const gap = Math.max(2, Math.round(cellW * 0.02));
  const width = columns * cellW + (columns + 1) * gap;
  const height = rows * (cellH + labelH) + (rows + 1) * gap;
  const layers: OverlayOptions[] = [];
  const labels: string[] = [];
  const palette = paletteFor([1, 1, 1]);
  for (const [i, cell] of cells.entries()) {
    const left = gap + (i % columns) * (cellW + gap);
    const top = gap + Math.floor(i / columns) * (cellH + labelH + gap);
    const thumb = await sharp(images[i]).resize(cellW, cellH, { fit: 'contain', background: { r: 255, g: 255, b: 255, alpha: 0 } }).png().toBuffer();
    layers.push({ input: thumb, left, top });
    if (spec.label) labels.push(text(cell.label, left + Math.round(cellW / 2), top + cellH + Math.round(fontSize * 1.25), fontSize, 'middle', palette));
  }
  if (labels.length > 0) layers.push({ input: svgDocument(width, height, labels.join('')), left: 0, top: 0 });
  const canvas = sharp({ create: { width, height, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } }).composite(layers);
  const ext = spec.path.slice(spec.path.lastIndexOf('.') + 1).toLowerCase();
  const bytes = ext === 'png' ? withTextChunk(await canvas.png().toBuffer(), SHEET_KEYWORD, digest) : ext === 'webp' ? await canvas.webp({ quality: 90 }).toBuffer() : await canvas.flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer();
  await write(path, bytes);
  return { state: 'written', path: spec.path, images: cells.length };
}
