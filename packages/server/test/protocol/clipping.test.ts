import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { errorOf, type RawClient, withServer } from './raw-client.js';
import { at, pixels } from './snapshot-pixels.js';

/**
 * Clipping geometry on the built-in server (Brayns 3.10.1 `add-clipping-*`), over a real socket.
 * The scene: a red sphere of radius 1.5 at the origin under ambient light 1 (every lit surface is
 * 207, Brayns' value for 1.0), seen from +z through an orthographic camera 4 units high on 32 x 32
 * pixels. Brayns' one-sample renders sample one pixel left of the pixel's corner (pixel-sample.ts),
 * so column c looks at x = (c - 17) / 8: column 10 at x = -0.875, 20 at 0.375, 24 at 0.875.
 */

const BACKGROUND = [17, 35, 90, 0];
const RED = [207, 0, 0, 255];
const BLUE = [0, 0, 207, 255];
const LEFT = 10;
const RIGHT = 24;
const ROW = 16;

const withR3 = (body: (client: RawClient) => Promise<void>): Promise<void> => withServer({ api: '3.10.1' }, body);

async function redSphere(client: RawClient): Promise<void> {
  await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1.5 }, color: [1, 0, 0, 1] }]);
  await client.result('add-light-ambient', { intensity: 1 });
}

async function shot(client: RawClient): Promise<{ data: Buffer; width: number; height: number }> {
  return pixels(
    await client.call('snapshot', {
      image_settings: { format: 'png', size: [32, 32] },
      camera_view: { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] },
      camera: { name: 'orthographic', params: { height: 4 } },
    }),
  );
}

interface Model {
  model_id: number;
  model_type: string;
  info: unknown;
  bounds: { min: number[]; max: number[] };
}

describe('clipping geometry on Brayns 3.10.1', () => {
  it('a plane removes the side its normal points away from; invert_normals the other; removing it restores the image bit for bit', async () => {
    await withR3(async (client) => {
      await redSphere(client);
      const before = await shot(client);
      expect([at(before, LEFT, ROW), at(before, RIGHT, ROW)]).toEqual([RED, RED]);
      const plane = await client.result<Model>('add-clipping-planes', { primitives: [{ coefficients: [1, 0, 0, 0] }] });
      const clipped = await shot(client);
      expect([at(clipped, LEFT, ROW), at(clipped, RIGHT, ROW)]).toEqual([BACKGROUND, RED]);
      await client.result('remove-model', { ids: [plane.model_id] });
      expect((await shot(client)).data.equals(before.data)).toBe(true);
      await client.result('add-clipping-planes', { primitives: [{ coefficients: [1, 0, 0, 0] }], invert_normals: true });
      const inverted = await shot(client);
      expect([at(inverted, LEFT, ROW), at(inverted, RIGHT, ROW)]).toEqual([RED, BACKGROUND]);
      await client.result('clear-clipping-geometries');
      expect((await shot(client)).data.equals(before.data)).toBe(true);
    });
  });

  it("puts a plane at n.p = D as Brayns' OSPRay does; update-model moves a clipper and hides it", async () => {
    await withR3(async (client) => {
      await redSphere(client);
      const before = await shot(client);
      const shifted = await client.result<Model>('add-clipping-planes', { primitives: [{ coefficients: [1, 0, 0, 0.5] }] });
      const byD = await shot(client);
      expect([at(byD, 20, ROW), at(byD, RIGHT, ROW)]).toEqual([BACKGROUND, RED]);
      await client.result('remove-model', { ids: [shifted.model_id] });
      const plane = await client.result<Model>('add-clipping-planes', { primitives: [{ coefficients: [1, 0, 0, 0] }] });
      await client.result('update-model', { model_id: plane.model_id, model: { transform: { translation: [0.5, 0, 0] } } });
      expect((await shot(client)).data.equals(byD.data)).toBe(true);
      // An instance of a clipping model clips at its own transform.
      const [instance] = await client.result<Model[]>('instantiate-model', { model_id: plane.model_id, transforms: [{ translation: [0.5, 0, 0] }] });
      await client.result('remove-model', { ids: [plane.model_id] });
      expect((await shot(client)).data.equals(byD.data)).toBe(true);
      await client.result('update-model', { model_id: instance!.model_id, model: { is_visible: false } });
      expect((await shot(client)).data.equals(before.data)).toBe(true);
    });
  });

  it('shows the cut: the inside of the clipped sphere and what it holds', async () => {
    await withR3(async (client) => {
      await redSphere(client);
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 0.5 }, color: [0, 0, 1, 1] }]);
      const whole = await shot(client);
      expect([at(whole, 16, ROW), at(whole, RIGHT, ROW)]).toEqual([RED, RED]);
      // Normal -z: the front half (z > 0) goes; the blue core and the red shell's back show.
      await client.result('add-clipping-planes', { primitives: [{ coefficients: [0, 0, -1, 0] }] });
      const cut = await shot(client);
      expect([at(cut, 16, ROW), at(cut, RIGHT, ROW), at(cut, LEFT, ROW)]).toEqual([BLUE, RED, RED]);
    });
  });

  it('inspect picks through clipping, as OSPRay picks with a camera ray', async () => {
    await withR3(async (client) => {
      await redSphere(client);
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 0.5 }, color: [0, 0, 1, 1] }]);
      await client.result('set-camera-view', { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] });
      await client.result('set-camera-orthographic', { height: 4 });
      const centre = () => client.result<{ hit: boolean; model_id: number; position: number[] }>('inspect', { position: [0.5, 0.5] });
      expect(await centre()).toMatchObject({ hit: true, model_id: 0 });
      expect((await centre()).position[2]).toBeCloseTo(1.5, 6);
      await client.result('add-clipping-planes', { primitives: [{ coefficients: [0, 0, -1, 0] }] });
      const picked = await centre();
      expect(picked).toMatchObject({ hit: true, model_id: 2 });
      expect(picked.position[2]).toBeCloseTo(-0.5, 6);
    });
  });

  it('spheres, boxes and capsules remove their inside', async () => {
    const cases: [string, unknown][] = [
      ['add-clipping-spheres', { center: [1.5, 0, 0], radius: 1.5 }],
      ['add-clipping-boxes', { min: [0, -2, -2], max: [2, 2, 2] }],
      ['add-clipping-capsules', { p0: [0.875, 0, -3], r0: 0.5, p1: [0.875, 0, 3], r1: 0.5 }],
    ];
    await withR3(async (client) => {
      await redSphere(client);
      for (const [method, primitive] of cases) {
        const model = await client.result<Model>(method, { primitives: [primitive] });
        const image = await shot(client);
        expect([method, at(image, LEFT, ROW), at(image, RIGHT, ROW)]).toEqual([method, RED, BACKGROUND]);
        await client.result('remove-model', { ids: [model.model_id] });
      }
    });
  });

  it('a bounded plane hides what lies in front of it within its bounds only', async () => {
    await withR3(async (client) => {
      await redSphere(client);
      await client.result('add-spheres', [{ geometry: { center: [0.875, 0, 0], radius: 0.3 }, color: [0, 0, 1, 1] }]);
      await client.result('add-clipping-bounded-planes', {
        primitives: [{ coefficients: [0, 0, 1, 0], bounds: { min: [0, -2, -0.1], max: [2, 2, 0.1] } }],
      });
      const image = await shot(client);
      expect([at(image, LEFT, ROW), at(image, RIGHT, ROW)]).toEqual([RED, BLUE]);
    });
  });

  it('clipped geometry casts no shadow', async () => {
    await withR3(async (client) => {
      // A white ball lit from +z (no ambient light), seen from (10, 0, 10); a blocker above it at z = 3.
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 1, 1, 1] }]);
      await client.result('add-light-directional', { intensity: 1, direction: [0, 0, -1] });
      const view = async () =>
        at(
          await pixels(
            await client.call('snapshot', {
              image_settings: { format: 'png', size: [16, 16] },
              camera_view: { position: [10, 0, 10], target: [0, 0, 0], up: [0, 1, 0] },
              camera: { name: 'orthographic', params: { height: 3 } },
              renderer: { name: 'interactive', params: { enable_shadows: true } },
            }),
          ),
          8,
          8,
        );
      const lit = await view();
      expect(lit[0]).toBeGreaterThan(100);
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 3], radius: 1 }, color: [1, 1, 1, 1] }]);
      expect(await view()).toEqual([0, 0, 0, 255]);
      await client.result('add-clipping-spheres', { primitives: [{ center: [0, 0, 3], radius: 1.2 }] });
      expect(await view()).toEqual(lit);
    });
  });

  it('clipping models are models: shared ids, listed by get-scene with an empty box, kept by clear-renderables and clear-lights', async () => {
    await withR3(async (client) => {
      const sphere = await client.result<Model>('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 2 }, color: [1, 0, 0, 1] }]);
      const light = await client.result<Model>('add-light-ambient', { intensity: 1 });
      const clip = await client.result<Model>('add-clipping-planes', { primitives: [{ coefficients: [1, 2, 3, 0] }] });
      const old = await client.result<Model>('add-clip-plane', { coefficients: [0, 0, 1, 0] });
      expect([sphere.model_id, light.model_id, clip.model_id, old.model_id]).toEqual([0, 1, 2, 3]);
      const FLT_MAX = 3.4028234663852886e38;
      expect(clip).toEqual({
        bounds: { min: [FLT_MAX, FLT_MAX, FLT_MAX], max: [-FLT_MAX, -FLT_MAX, -FLT_MAX] },
        info: {},
        is_visible: true,
        model_id: 2,
        model_type: 'clip_geometry',
        transform: { rotation: [0, 0, 0, 1], scale: [1, 1, 1], translation: [0, 0, 0] },
      });
      expect(old.model_type).toBe('clipping_geometry');
      const scene = await client.result<{ bounds: unknown; models: Model[] }>('get-scene');
      expect(scene.bounds).toEqual(sphere.bounds);
      expect(scene.models).toEqual([sphere, light, clip, old]);
      await client.result('clear-renderables');
      await client.result('clear-lights');
      expect((await client.result<{ models: Model[] }>('get-scene')).models.map((m) => m.model_id)).toEqual([2, 3]);
      await client.result('clear-clip-planes');
      expect((await client.result<{ models: Model[] }>('get-scene')).models).toEqual([]);
      const again = await client.result<Model>('add-clipping-boxes', { primitives: [{ min: [0, 0, 0], max: [1, 1, 1] }] });
      expect(again.model_id).toBe(3);
      await client.result('clear-models');
      expect(errorOf(await client.call('get-model', { id: again.model_id })).code).toBe(-32602);
    });
  });

  it('refuses params outside the schema, and an empty primitive list, with invalid params', async () => {
    await withR3(async (client) => {
      const short = errorOf(await client.call('add-clipping-planes', { primitives: [{ coefficients: [1, 0, 0] }] }));
      expect(short.code).toBe(-32602);
      expect(errorOf(await client.call('add-clipping-spheres', { primitives: [{ center: [0, 0, 0] }] })).code).toBe(-32602);
      expect(errorOf(await client.call('add-clipping-boxes', {})).code).toBe(-32602);
      const empty = errorOf(await client.call('add-clipping-capsules', { primitives: [] }));
      expect(empty).toMatchObject({ code: -32602, message: "add-clipping-capsules: 'primitives' is empty; give at least one primitive to clip with" });
      expect((await client.result<{ models: unknown[] }>('get-scene')).models).toEqual([]);
    });
  });

  it.each(['2.0.0', '3.0.0'] as const)('add-clipping-* does not exist on Brayns %s', async (api) => {
    await withServer({ api }, async (client) => {
      expect(errorOf(await client.call('add-clipping-planes', { primitives: [{ coefficients: [1, 0, 0, 0] }] })).code).toBe(-32601);
    });
  });
});

describe('clip planes on Brayns 3.0.0', () => {
  let dir: string;
  let blueConfig: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rr-clip-'));
    blueConfig = (await generateSampleCircuit(join(dir, 'circuit'), { cells: 120 })).blueConfig;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('add-clip-plane clips as on 3.10.1 (a model kept by clear-renderables); clear-clip-planes restores the image', async () => {
    await withServer({ api: '3.0.0' }, async (client) => {
      const somas = { radius_multiplier: 15, load_soma: true, load_axon: false, load_dendrites: false };
      const [circuit] = await client.result<Model[]>('add-model', { path: blueConfig, loader_name: 'BBP loader', loader_properties: { percentage: 1, neuron_morphology_parameters: somas } });
      const { min, max } = circuit!.bounds;
      const centre = [0, 1, 2].map((a) => (min[a]! + max[a]!) / 2);
      const size = 64;
      const snap = async () =>
        pixels(
          await client.call('snapshot', {
            image_settings: { format: 'png', size: [size, size] },
            camera_view: { position: [centre[0], centre[1], max[2]! + 1000], target: centre, up: [0, 1, 0] },
            camera: { name: 'orthographic', params: { height: Math.max(max[0]! - min[0]!, max[1]! - min[1]!) * 1.1 } },
          }),
        );
      const drawn = (image: { data: Buffer; width: number }, x0: number, x1: number): number => {
        let n = 0;
        for (let y = 0; y < size; y++) for (let x = x0; x < x1; x++) if (image.data[(y * image.width + x) * 4 + 3] !== 0) n++;
        return n;
      };
      const before = await snap();
      // Away from the centre column, which a soma may straddle.
      expect(drawn(before, 0, size / 2 - 4)).toBeGreaterThan(20);
      const plane = await client.result<Model>('add-clip-plane', { coefficients: [1, 0, 0, centre[0]] });
      expect(plane).toMatchObject({ model_id: 1, model_type: 'clipping_geometry', info: {} });
      const clipped = await snap();
      expect(drawn(clipped, 0, size / 2 - 4)).toBe(0);
      expect(drawn(clipped, size / 2 + 4, size)).toBeGreaterThan(20);
      await client.result('clear-renderables');
      expect((await client.result<{ models: Model[] }>('get-scene')).models.map((m) => m.model_type)).toEqual(['clipping_geometry']);
      await client.result('clear-clip-planes');
      expect((await client.result<{ models: Model[] }>('get-scene')).models).toEqual([]);
      await client.result('add-model', { path: blueConfig, loader_name: 'BBP loader', loader_properties: { percentage: 1, neuron_morphology_parameters: somas } });
      expect((await snap()).data.equals(before.data)).toBe(true);
    });
  });
});

/**
 * Brayns' own reference images of python/testapi/core test_clipping.py, rendered by Brayns 3.10.1:
 * the same scene (a red sphere of radius 10, the suite's lights, CameraController framing,
 * interactive renderer without shadows). Needs BRAYNS_TESTAPI_ASSETS=<checkout>/python/testapi/core/assets.
 */
const assets = process.env['BRAYNS_TESTAPI_ASSETS'];
describe.skipIf(assets === undefined)("Brayns' clipping reference images (BRAYNS_TESTAPI_ASSETS)", () => {
  // euler(0, 45, 0) applied to the suite's vectors.
  const c = Math.SQRT1_2;
  const cases: [string, string, unknown, boolean][] = [
    ['clipping_plane', 'add-clipping-planes', { coefficients: [-c, 0, -c, 0] }, false],
    ['clipping_sphere', 'add-clipping-spheres', { center: [9 * c, 0, 9 * c], radius: 7 }, false],
    ['clipping_inverted_normals', 'add-clipping-spheres', { center: [9 * c, 0, 9 * c], radius: 7 }, true],
    ['clipping_capsule', 'add-clipping-capsules', { p0: [9 * c, 0, 9 * c], r0: 7, p1: [9 * c, 10, 9 * c], r1: 3 }, false],
    ['clipping_box', 'add-clipping-boxes', { min: [0, -5, 0], max: [10, 10, 10] }, false],
    ['clipping_bounded_plane', 'add-clipping-bounded-planes', { coefficients: [0, 0, 1, 0], bounds: { min: [-11, 0, 0], max: [0, 11, 0.1] } }, false],
  ];
  it.each(cases)('renders %s within a mean absolute difference of 0.05 (0-255)', async (name, method, primitive, invert) => {
    const ref = await sharp(await readFile(join(assets ?? '', `${name}.png`))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    await withR3(async (client) => {
      await client.result(method, { primitives: [primitive], invert_normals: invert });
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 10 }, color: [1, 0, 0, 1] }]);
      await client.result('add-light-ambient', { intensity: 0.5 });
      await client.result('add-light-directional', { intensity: 10, direction: [1, -1, -1] });
      const distance = 10 / Math.tan(Math.PI / 8) + 10;
      const image = await pixels(
        await client.call('snapshot', {
          image_settings: { format: 'png', size: [1920, 1080] },
          camera_view: { position: [0, 0, distance], target: [0, 0, 0], up: [0, 1, 0] },
          camera: { name: 'perspective', params: { fovy: 45 } },
          renderer: { name: 'interactive', params: { enable_shadows: false } },
        }),
      );
      let sum = 0;
      for (let i = 0; i < image.data.length; i++) sum += Math.abs(image.data[i]! - ref.data[i]!);
      expect(sum / image.data.length).toBeLessThan(0.05);
    });
  }, 120_000);
});
