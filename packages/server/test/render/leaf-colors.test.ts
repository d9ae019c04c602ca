import { describe, expect, it } from 'vitest';
import { freezeColors } from '../../src/render/frozen-colors.js';
import { modelBvh } from '../../src/render/geometry.js';
import { renderImage } from '../../src/render/index.js';
import { LEAF_ORDER_MIN_FLOATS, type LeafColors, PALETTE, leafOrderColors } from '../../src/render/leaf-colors.js';
import type { RenderModel } from '../../src/scene/types.js';
import { type Ball, context, lookAt, model, request } from './scene.js';

/**
 * A square of side x side unit spheres facing the camera, one cell each, in seeded random colours,
 * or picked from `palette` random colours.
 */
function grid(side: number, palette = 0): RenderModel {
  let s = 7;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const colours = Array.from({ length: palette }, () => [rnd(), rnd(), rnd(), 1] as [number, number, number, number]);
  const balls: Ball[] = [];
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) balls.push({ at: [x - side / 2, y - side / 2, 0], r: 0.5, color: palette > 0 ? colours[Math.floor(rnd() * palette)]! : [rnd(), rnd(), rnd(), 1] });
  }
  return model(balls);
}

/** Primitive p's colour as the integrator reads it. */
function colourOf(leaf: LeafColors, p: number): number[] {
  const q = (leaf.row === undefined ? p : leaf.row[p]!) * 3;
  return [...leaf.rgb.subarray(q, q + 3)];
}

const SIDE = 260;

function view(m: RenderModel) {
  return request({ width: 2 * SIDE, height: 2 * SIDE, camera: { type: 'orthographic', height: SIDE, view: lookAt([0, 0, 10]) }, models: [m] });
}

/** Sum of the colour bytes (the background is black). */
function brightness(image: { rgba: Uint8Array }): number {
  let sum = 0;
  for (let i = 0; i < image.rgba.length; i += 4) sum += image.rgba[i]! + image.rgba[i + 1]! + image.rgba[i + 2]!;
  return sum;
}

describe('colours in BVH leaf order', () => {
  it('are gathered only for colours seen twice in a row, and follow a change at once', async () => {
    const m = grid(SIDE);
    expect(m.colors.length).toBeGreaterThanOrEqual(LEAF_ORDER_MIN_FLOATS);
    const bvh = await modelBvh(m.circuit);
    expect(leafOrderColors(bvh, m.colors)).toBeUndefined();
    const leaf = leafOrderColors(bvh, m.colors);
    expect(leaf).toBeDefined();
    // Each primitive's colour is its cell's.
    for (let p = 0; p < bvh.primCell.length; p += 997) {
      const cell = bvh.primCell[p]!;
      expect(colourOf(leaf!, p)).toEqual([...m.colors.subarray(cell * 4, cell * 4 + 3)]);
    }
    // More colours than a palette holds: a row per primitive.
    expect(leaf!.row).toBeUndefined();
    expect(leafOrderColors(bvh, m.colors)).toBe(leaf);
    // Changed in place: read by cell again until the new colours repeat.
    m.colors[5] = 0.25;
    expect(leafOrderColors(bvh, m.colors)).toBeUndefined();
    expect(leafOrderColors(bvh, m.colors)).not.toBe(leaf);
  });

  it('frozen colours (never changed in place) count as the same while they are the same array', async () => {
    const m = grid(SIDE);
    const bvh = await modelBvh(m.circuit);
    const frozen = freezeColors(m.colors);
    expect(leafOrderColors(bvh, frozen)).toBeUndefined();
    const leaf = leafOrderColors(bvh, frozen);
    expect(leaf).toBeDefined();
    expect(leafOrderColors(bvh, frozen)).toBe(leaf);
    // A recoloured model gets a new frozen array, even with the same values.
    const recoloured = freezeColors(m.colors);
    expect(leafOrderColors(bvh, recoloured)).toBeUndefined();
    expect(leafOrderColors(bvh, recoloured)).not.toBe(leaf);
  });

  it('a cell past a short colour array is white, as when read by cell', async () => {
    const m = grid(SIDE);
    const bvh = await modelBvh(m.circuit);
    const short = m.colors.slice(0, LEAF_ORDER_MIN_FLOATS);
    leafOrderColors(bvh, short);
    const leaf = leafOrderColors(bvh, short)!;
    const past = [...bvh.primCell].findIndex((cell) => cell * 4 >= short.length);
    expect(colourOf(leaf, past)).toEqual([1, 1, 1]);
  });

  it('from a few colours are a palette, one byte per primitive, and one colour more is a row per primitive', async () => {
    for (const colours of [1, 6, PALETTE]) {
      const m = grid(SIDE, colours);
      const bvh = await modelBvh(m.circuit);
      leafOrderColors(bvh, m.colors);
      const leaf = leafOrderColors(bvh, m.colors)!;
      expect(leaf.row).toHaveLength(bvh.primCell.length);
      expect(leaf.rgb).toHaveLength(colours * 3);
      for (let p = 0; p < bvh.primCell.length; p += 101) {
        const cell = bvh.primCell[p]!;
        expect(colourOf(leaf, p)).toEqual([...m.colors.subarray(cell * 4, cell * 4 + 3)]);
      }
    }
    // PALETTE + 1 colours: the last one comes after the palette is full.
    const m = grid(SIDE, PALETTE);
    for (let i = 0; i < 4; i++) m.colors[i] = 0.123;
    const bvh = await modelBvh(m.circuit);
    leafOrderColors(bvh, m.colors);
    const leaf = leafOrderColors(bvh, m.colors)!;
    expect(leaf.row).toBeUndefined();
    expect(colourOf(leaf, [...bvh.primCell].indexOf(0))).toEqual([0.123, 0.123, 0.123].map(Math.fround));
  });

  it('render the same pixels as colours read by cell, from a palette too', async () => {
    const m = grid(SIDE, 6);
    const byCell = await renderImage(view(m), context());
    const byLeaf = await renderImage(view(m), context());
    expect(Buffer.from(byLeaf.rgba).equals(Buffer.from(byCell.rgba))).toBe(true);
    expect(brightness(byCell)).toBeGreaterThan(0);
  });

  it('render the same pixels as colours read by cell, before and after the colours change in place', async () => {
    const m = grid(SIDE);
    const byCell = await renderImage(view(m), context());
    const byLeaf = await renderImage(view(m), context());
    expect(Buffer.from(byLeaf.rgba).equals(Buffer.from(byCell.rgba))).toBe(true);
    expect(brightness(byCell)).toBeGreaterThan(0);
    // Every sphere turns black: the next frames must show it, not the remembered colours.
    m.colors.fill(0);
    for (let i = 3; i < m.colors.length; i += 4) m.colors[i] = 1;
    for (const frame of [await renderImage(view(m), context()), await renderImage(view(m), context())]) {
      expect(brightness(frame)).toBe(0);
    }
  });
});
