import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { withServer, type RawClient } from '../protocol/raw-client.js';
import { at, pixels } from '../protocol/snapshot-pixels.js';

/**
 * Brayns 3.10.1's progressive framebuffer (ProgressiveFrameHandler.cpp) and OSPRay 2.10's
 * multi-sample pixels (Renderer.ispc), over a real socket.
 */

interface Frame {
  accumulation: number;
  width: number;
  height: number;
}

async function renderImage(client: RawClient): Promise<Frame> {
  const answer = await client.call('render-image', { format: 'png' });
  const result = answer.json?.['result'] as { accumulation: number } | undefined;
  if (!result || !answer.attachment) throw new Error(`render-image failed: ${answer.text}`);
  const info = await sharp(answer.attachment).metadata();
  return { accumulation: result.accumulation, width: info.width ?? 0, height: info.height ?? 0 };
}

describe('progressive framebuffer (3.10.1)', () => {
  it('sends a low-resolution first frame after each clear, then full-size frames, counting both', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 0, 0, 1] }]);
      await client.result('add-light-ambient', { intensity: 1 });
      await client.result('set-application-parameters', { viewport: [256, 128] });
      await client.result('set-renderer-interactive', { samples_per_pixel: 3 });
      await client.result('set-framebuffer-progressive', { scale: 4 });
      // Scale 4 is capped at 2 so that the 128-pixel side keeps 64 pixels.
      expect(await renderImage(client)).toEqual({ accumulation: 1, width: 128, height: 64 });
      expect(await renderImage(client)).toEqual({ accumulation: 2, width: 256, height: 128 });
      expect(await renderImage(client)).toEqual({ accumulation: 3, width: 256, height: 128 });
      // A scene change clears the framebuffer: low resolution again.
      await client.result('add-spheres', [{ geometry: { center: [2, 0, 0], radius: 0.5 }, color: [0, 0, 1, 1] }]);
      expect(await renderImage(client)).toEqual({ accumulation: 1, width: 128, height: 64 });
      // A static framebuffer renders every frame at full size.
      await client.result('set-framebuffer-static');
      expect(await renderImage(client)).toEqual({ accumulation: 1, width: 256, height: 128 });
    });
  });
});

describe('several samples per pixel (3.10.1)', () => {
  it("takes OSPRay's sample positions and averages them with the background as OSPRay does", async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      // An orthographic view of height 8 on 64 x 64 pixels: pixel column p spans world x from
      // -4 + p / 8. A red box fills x > -0.03125, i.e. from pixel coordinate 31.75.
      await client.result('add-boxes', [{ geometry: { min: [-0.03125, -10, -1], max: [10, 10, 0] }, color: [1, 0, 0, 1] }]);
      await client.result('add-light-ambient', { intensity: 1 });
      const camera = { name: 'orthographic', params: { height: 8 } };
      const view = { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] };
      const renderer = { name: 'interactive', params: { samples_per_pixel: 2 } };
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [64, 64] }, camera_view: view, camera, renderer }));
      // OSPRay's samples 0 and 1 lie at (Halton2, Halton3 + 1/6) = (0, 1/6) and (1/2, 1/2) through
      // the Gaussian pixel filter (3 pixels wide): x = -1 and x = 0.5 from the pixel's left edge,
      // in every pixel. Column 31 samples 30.0 and 31.5 (both miss), column 32 samples 31.0 (miss)
      // and 32.5 (hit), column 33 samples 32.0 and 33.5 (both hit).
      expect(at(image, 31, 10)).toEqual([17, 35, 90, 0]);
      expect(at(image, 33, 10)).toEqual([207, 0, 0, 255]);
      const half = at(image, 32, 10);
      // Alpha (1 + 0) x rcpf(2), ISPC's reciprocal just below 1/2: 127, not 128.
      expect(half[3]).toBe(127);
      // The colour is the plain average of red and the background (0.004, 0.016, 0.102 linear),
      // tone mapped: green and blue come from the background, red from (1 + 0.004) / 2.
      expect(half[0]).toBeGreaterThan(150);
      expect(half[0]).toBeLessThan(207);
      expect(half[1]).toBeGreaterThan(0);
      expect(half[2]).toBeGreaterThan(half[1]!);
      expect(at(image, 32, 40)).toEqual(half);
    });
  });
});
