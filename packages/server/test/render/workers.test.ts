import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedLight } from '@render-recipes/protocol';
import { disposeRenderer, encodeImage, renderImage } from '../../src/render/index.js';
import type { RenderRequest } from '../../src/scene/types.js';
import { type Ball, FLAT, context, lookAt, model, perspective, pixel, renderer, request } from './scene.js';

afterAll(async () => {
  await disposeRenderer();
});

const LIGHTS: ResolvedLight[] = [
  { type: 'directional', color: [1, 0.9, 0.8], intensity: 0.9, direction: [-1, -1, -0.3] },
  { type: 'ambient', color: [1, 1, 1], intensity: 0.3 },
];

function busyScene(overrides: Partial<RenderRequest> = {}): RenderRequest {
  const balls: Ball[] = [];
  for (let i = 0; i < 60; i++) {
    const a = i * 0.7;
    balls.push({ at: [Math.cos(a) * (1 + i * 0.06), Math.sin(a) * (1 + i * 0.06), (i % 5) - 2], r: 0.35, color: [(i % 3) / 2, ((i + 1) % 3) / 2, 0.8, 1] });
  }
  return request({
    width: 150,
    height: 100,
    lights: LIGHTS,
    renderer: renderer({ samplesPerPixel: 4, aoSamples: 4, shadows: true, background: [0.1, 0.2, 0.3, 0.5] }),
    camera: perspective(lookAt([0, 0, 12])),
    models: [model(balls, [{ a: [-4, -3, 0], b: [4, 3, -1], ra: 0.2, rb: 0.5, color: [1, 1, 0, 1] }])],
    ...overrides,
  });
}

describe('render workers', () => {
  it('give exactly the pixels of the single-threaded renderer (interactive and production)', async () => {
    for (const req of [busyScene(), busyScene({ renderer: renderer({ type: 'production', samplesPerPixel: 3, maxRayBounces: 2 }) })]) {
      const single = await renderImage(req, context(), { workers: 0 });
      const pooled = await renderImage(req, context(), { workers: 2 });
      expect(Buffer.from(pooled.rgba).equals(Buffer.from(single.rgba))).toBe(true);
      // Not a blank frame: lit, shadowed and background pixels all occur.
      expect(new Set(single.rgba).size).toBeGreaterThan(50);
    }
  });

  it('render deterministically: the same request gives the same PNG bytes', async () => {
    const a = await encodeImage(await renderImage(busyScene(), context(), { workers: 2 }), 'png', 100);
    const b = await encodeImage(await renderImage(busyScene(), context(), { workers: 2 }), 'png', 100);
    expect(a.equals(b)).toBe(true);
  });

  it('report progress up to 1 when done', async () => {
    const progress: number[] = [];
    await renderImage(busyScene(), context(undefined, progress), { workers: 2 });
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => p > 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!))).toBe(true);
  });

  // A frame that would take minutes: the test can only finish in time if cancel stops it.
  const endless = (): RenderRequest => busyScene({ width: 1920, height: 1080, renderer: renderer({ samplesPerPixel: 64, aoSamples: 64, shadows: true }) });

  for (const workers of [2, 0]) {
    it(`stop on abort and reject with CANCELLED (${workers === 0 ? 'single thread' : 'workers'})`, async () => {
      const controller = new AbortController();
      const progress: number[] = [];
      const render = renderImage(endless(), context(controller.signal, progress), { workers });
      setTimeout(() => controller.abort(), 300);
      await expect(render).rejects.toMatchObject({ name: 'RenderRecipesError', code: 'CANCELLED' });
      expect(progress).not.toContain(1);
      // The renderer is usable again straight away.
      const next = await renderImage(busyScene(), context(), { workers });
      expect(next.rgba.length).toBe(150 * 100 * 4);
    });
  }

  it("draw each render's own colours though colour buffers are reused: changed in place, two renders in flight, more cells", async () => {
    // One sphere filling the image's centre, flat ambient light: the centre pixel is the cell's colour.
    const one = model([{ at: [0, 0, 0], r: 2, color: [1, 0, 0, 1] }]);
    const flat = (m: ReturnType<typeof model>): RenderRequest =>
      request({ width: 160, height: 160, lights: FLAT, renderer: renderer(), camera: perspective(lookAt([0, 0, 10])), models: [m] });
    const centre = async (m: ReturnType<typeof model>): Promise<number[]> => pixel(await renderImage(flat(m), context(), { workers: 2 }), 80, 80).slice(0, 3);
    expect(await centre(one)).toEqual([255, 0, 0]);
    one.colors.set([0, 1, 0, 1]);
    expect(await centre(one)).toEqual([0, 255, 0]);
    const blue = { circuit: one.circuit, colors: Float32Array.of(0, 0, 1, 1) };
    const [green, other] = await Promise.all([centre(one), centre(blue)]);
    expect(green).toEqual([0, 255, 0]);
    expect(other).toEqual([0, 0, 255]);
    // A longer colour array than the buffers so far held (cells beyond the sphere's are unused).
    const long = { circuit: one.circuit, colors: new Float32Array(4096).fill(1) };
    long.colors.set([1, 1, 0, 1]);
    expect(await centre(long)).toEqual([255, 255, 0]);
    expect(await centre(one)).toEqual([0, 255, 0]);
  });

  it('reject at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(renderImage(busyScene(), context(controller.signal), { workers: 2 })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
