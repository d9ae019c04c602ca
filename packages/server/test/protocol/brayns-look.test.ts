import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ApiVersion, type RunningServer } from '../../src/serve.js';
import type { RawClient } from './raw-client.js';
import { withServer } from './raw-client.js';
import { at, pixels } from './snapshot-pixels.js';

/**
 * What a Brayns snapshot looks like, per revision, with expected bytes worked out from the sources
 * (render/color-pipeline.ts): OSPRay's tone mapper with Brayns' parameters, then pow(1/2.2) sRGB.
 * 0.004 -> 17, 0.016 -> 35, 0.102 -> 90 (Brayns' default interactive background), 1 -> 207,
 * 0.5 -> 172 (a white surface under ambient light 0.5 alone).
 */

const withApi = (api: ApiVersion, body: (client: RawClient, server: RunningServer) => Promise<void>): Promise<void> => withServer({ api }, body);

const interactive = (background: number[]) => ({ name: 'interactive', params: { background_color: background } });

describe.each(['2.0.0', '3.0.0', '3.10.1'] as const)('colours on Brayns %s', (api) => {
  it("writes the default background as Brayns' tone-mapped sRGB 17,35,90 (alpha 0)", async () => {
    await withApi(api, async (client) => {
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [8, 8] } }));
      expect(at(image, 3, 3)).toEqual([17, 35, 90, 0]);
    });
  });

  it('writes a red background of 1.0 as 207, not 255', async () => {
    await withApi(api, async (client) => {
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [8, 8] }, renderer: interactive([1, 0, 0, 1]) }));
      expect(at(image, 0, 7)).toEqual([207, 0, 0, 255]);
    });
  });
});

describe('core scene on Brayns 3.10.1', () => {
  const front = { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] };
  const ortho = (height: number) => ({ name: 'orthographic', params: { height } });

  it('shades the ambient-only side of a white sphere under ambient 0.5 as 172', async () => {
    await withApi('3.10.1', async (client) => {
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 1, 1, 1] }]);
      await client.result('add-light-ambient', { intensity: 0.5 });
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [16, 16] }, camera_view: front, camera: ortho(4) }));
      expect(at(image, 8, 8)).toEqual([172, 172, 172, 255]);
    });
  });

  it('renders the near clip: a clip of 3 hides the sphere 2 away and shows the one 4 away', async () => {
    await withApi('3.10.1', async (client) => {
      expect(await client.result('get-camera-near-clip')).toEqual({ distance: 1e-6 });
      await client.result('add-spheres', [
        { geometry: { center: [0, 0, -2], radius: 0.5 }, color: [1, 0, 0, 1] },
        { geometry: { center: [0, 0, -4], radius: 0.5 }, color: [0, 0, 1, 1] },
      ]);
      await client.result('add-light-ambient', { intensity: 1 });
      const view = { position: [0, 0, 0], target: [0, 0, -1], up: [0, 1, 0] };
      const shot = async () => at(await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [16, 16] }, camera_view: view })), 8, 8);
      expect(await shot()).toEqual([207, 0, 0, 255]);
      await client.result('set-camera-near-clip', { distance: 3 });
      expect(await shot()).toEqual([0, 0, 207, 255]);
    });
  });

  it('shows only the camera region: its left half, magnified', async () => {
    await withApi('3.10.1', async (client) => {
      expect(await client.result('get-camera-region')).toEqual({ image_start: [0, 1], image_end: [1, 0] });
      await client.result('add-spheres', [{ geometry: { center: [-1, 0, 0], radius: 0.4 }, color: [0, 1, 0, 1] }]);
      await client.result('add-light-ambient', { intensity: 1 });
      const shot = async () =>
        at(await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [16, 16] }, camera_view: front, camera: ortho(4) })), 8, 8);
      expect(await shot()).toEqual([17, 35, 90, 0]);
      await client.result('set-camera-region', { image_start: [0, 1], image_end: [0.5, 0] });
      expect(await shot()).toEqual([0, 207, 0, 255]);
      const refused = await client.call('set-camera-region', { image_start: [0, 1.5], image_end: [0.5, 0] });
      expect(refused.json?.['error']).toMatchObject({ code: -32603, message: 'Image region should be normalized and not empty' });
    });
  });

  it('colours geometry per primitive and with color-model', async () => {
    await withApi('3.10.1', async (client) => {
      const model = await client.result<{ model_id: number; model_type: string; info: unknown }>('add-capsules', [
        { geometry: { p0: [-1, 0, 0], r0: 0.3, p1: [1, 0, 0], r1: 0.3 }, color: [1, 0, 0, 1] },
      ]);
      expect(model).toMatchObject({ model_type: 'geometry', info: {} });
      expect(await client.result('get-color-methods', { id: model.model_id })).toEqual(['solid', 'primitive']);
      expect(await client.result('get-color-values', { id: model.model_id, method: 'primitive' })).toEqual(['0-0']);
      await client.result('add-light-ambient', { intensity: 1 });
      await client.result('color-model', { id: model.model_id, method: 'primitive', values: { '0': [0, 0, 1, 1] } });
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [16, 16] }, camera_view: front, camera: ortho(4) }));
      expect(at(image, 8, 8)).toEqual([0, 0, 207, 255]);
      const missing = await client.call('color-model', { id: model.model_id, method: 'layer', values: { x: [1, 1, 1, 1] } });
      expect(missing.json?.['error']).toMatchObject({ code: -32603, message: "Color method 'layer' not found" });
    });
  });
});

/**
 * Brayns' own reference image for python/testapi/core test_geometry.py test_spheres, rendered by
 * Brayns 3.10.1: the same scene (the suite's lights and CameraController framing) must match it.
 * Needs a Brayns checkout: BRAYNS_TESTAPI_ASSETS=<checkout>/python/testapi/core/assets.
 */
const assets = process.env['BRAYNS_TESTAPI_ASSETS'];
describe.skipIf(assets === undefined)("Brayns' reference images (BRAYNS_TESTAPI_ASSETS)", () => {
  it('renders test_spheres within a mean absolute difference of 1 (0-255)', async () => {
    const ref = await sharp(await readFile(join(assets ?? '', 'spheres.png'))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    await withApi('3.10.1', async (client) => {
      await client.result('add-spheres', [
        { geometry: { center: [0, 0, 0], radius: 2 }, color: [1, 0, 0, 1] },
        { geometry: { center: [2, 2, 2], radius: 1 }, color: [0, 0, 1, 1] },
      ]);
      await client.result('add-light-ambient', { intensity: 0.5 });
      await client.result('add-light-directional', { intensity: 10, direction: [1, -1, -1] });
      // CameraController: bounds (-2,-2,-2)-(3,3,3), distance = 5 / 2 / tan(22.5 deg) + 5 / 2 along +z.
      const distance = 2.5 / Math.tan(Math.PI / 8) + 2.5;
      const view = { position: [0.5, 0.5, 0.5 + distance], target: [0.5, 0.5, 0.5], up: [0, 1, 0] };
      const image = await pixels(
        await client.call('snapshot', { image_settings: { format: 'png', size: [1920, 1080] }, camera_view: view, camera: { name: 'perspective', params: { fovy: 45 } } }),
      );
      let sum = 0;
      for (let i = 0; i < image.data.length; i++) sum += Math.abs(image.data[i]! - ref.data[i]!);
      expect(sum / image.data.length).toBeLessThan(1);
    });
  }, 120_000);
});
