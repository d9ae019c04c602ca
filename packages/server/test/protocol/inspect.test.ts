import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import type { RawClient } from './raw-client.js';
import { errorOf, withServer } from './raw-client.js';

/**
 * R3 `inspect` and `instantiate-model` over a real socket, checked against what a snapshot of the
 * same camera shows. The camera is orthographic, 100 high, looking down -z from z = 100, and the
 * viewport 160x120, so the normalised position (x, y) (y from the top of the image) looks at world
 * ((x - 0.5) * 400 / 3, (0.5 - y) * 100).
 */

interface Inspected {
  hit: boolean;
  position: [number, number, number];
  model_id: number;
  metadata: unknown;
}

interface ModelJson {
  model_id: number;
  transform: unknown;
  bounds: { min: number[]; max: number[] };
}

const withR3 = (body: (client: RawClient) => Promise<void>): Promise<void> => withServer({ api: '3.10.1' }, body);

async function frontCamera(client: RawClient): Promise<void> {
  await client.result('set-application-parameters', { viewport: [160, 120] });
  await client.result('set-camera-view', { position: [0, 0, 100], target: [0, 0, 0], up: [0, 1, 0] });
  await client.result('set-camera-orthographic', { height: 100 });
}

async function snapshotPixel(client: RawClient, x: number, y: number): Promise<number[]> {
  const answer = await client.call('snapshot', { image_settings: { format: 'png' } });
  const { data, info } = await sharp(answer.attachment ?? Buffer.alloc(0)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([160, 120]);
  const o = (y * info.width + x) * 4;
  return [...data.subarray(o, o + 4)];
}

const inspect = (client: RawClient, x: number, y: number): Promise<Inspected> => client.result<Inspected>('inspect', { position: [x, y] });

let dir: string;
let blueConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-inspect-'));
  blueConfig = (await generateSampleCircuit(join(dir, 'circuit'), { cells: 60 })).blueConfig;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inspect (Brayns 3.10.1)', () => {
  it('misses on an empty scene: hit false, everything else zero or null', async () => {
    await withR3(async (client) => {
      expect(await inspect(client, 0.5, 0.5)).toEqual({ hit: false, position: [0, 0, 0], model_id: 0, metadata: null });
    });
  });

  it('hits what the snapshot shows at the same position, measured from the top of the image', async () => {
    await withR3(async (client) => {
      await frontCamera(client);
      const model = await client.result<ModelJson>('add-spheres', [{ geometry: { center: [0, 30, 0], radius: 5 }, color: [1, 0, 0, 1] }]);
      // y = 0.2 of the way down the image looks at world y = 30: the sphere, nearest point z = 5.
      const hit = await inspect(client, 0.5, 0.2);
      expect(hit.hit).toBe(true);
      expect(hit.model_id).toBe(model.model_id);
      expect(hit.metadata).toBeNull();
      expect(hit.position[0]).toBeCloseTo(0, 3);
      expect(hit.position[1]).toBeCloseTo(30, 3);
      expect(hit.position[2]).toBeCloseTo(5, 3);
      expect((await inspect(client, 0.5, 0.8)).hit).toBe(false);
      // The image agrees: red at 0.2 of its height, background at 0.8.
      const top = await snapshotPixel(client, 80, 24);
      expect(top[0]).toBeGreaterThan(100);
      expect(top[1]).toBeLessThan(top[0]! / 2);
      expect(await snapshotPixel(client, 80, 96)).toEqual([17, 35, 90, 0]);
    });
  });

  it('follows the camera region: (0, 0) is the start of the region', async () => {
    await withR3(async (client) => {
      await frontCamera(client);
      await client.result('add-spheres', [{ geometry: { center: [0, 30, 0], radius: 5 }, color: [1, 0, 0, 1] }]);
      // Region flipped upside down (start at the bottom): the sphere is now 0.8 of the way from the start.
      await client.result('set-camera-region', { image_start: [0, 0], image_end: [1, 1] });
      expect((await inspect(client, 0.5, 0.8)).hit).toBe(true);
      expect((await inspect(client, 0.5, 0.2)).hit).toBe(false);
    });
  });

  it("answers the hit cell's gid for a circuit, at a position on the line of sight", async () => {
    await withR3(async (client) => {
      const [model] = await client.result<ModelJson[]>('add-model', {
        path: blueConfig,
        loader_name: 'BBP loader',
        loader_properties: { percentage: 1, neuron_morphology_parameters: { radius_multiplier: 20 } },
      });
      if (!model) throw new Error('add-model returned no model');
      const { min, max } = model.bounds;
      const centre = [0, 1, 2].map((a) => (min[a]! + max[a]!) / 2);
      const height = Math.max(max[0]! - min[0]!, max[1]! - min[1]!) * 1.1;
      await client.result('set-application-parameters', { viewport: [160, 120] });
      await client.result('set-camera-view', { position: [centre[0], centre[1], max[2]! + 1000], target: centre, up: [0, 1, 0] });
      await client.result('set-camera-orthographic', { height });
      let found: { x: number; y: number; hit: Inspected } | undefined;
      for (let i = 1; i < 20 && !found; i++) {
        for (let j = 1; j < 20 && !found; j++) {
          const hit = await inspect(client, i / 20, j / 20);
          if (hit.hit) found = { x: i / 20, y: j / 20, hit };
        }
      }
      expect(found).toBeDefined();
      const { x, y, hit } = found!;
      expect(hit.model_id).toBe(model.model_id);
      const gid = (hit.metadata as { neuron_id: number }).neuron_id;
      expect(Number.isInteger(gid) && gid >= 1 && gid <= 60).toBe(true);
      expect(hit.position[0]).toBeCloseTo(centre[0]! + (x - 0.5) * height * (160 / 120), 1);
      expect(hit.position[1]).toBeCloseTo(centre[1]! + (0.5 - y) * height, 1);
    });
  });
});

describe('instantiate-model (Brayns 3.10.1)', () => {
  it('draws the shared geometry again at each transform, with new ids', async () => {
    await withR3(async (client) => {
      await frontCamera(client);
      const source = await client.result<ModelJson>('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 8 }, color: [0, 1, 0, 1] }]);
      expect(await snapshotPixel(client, 80 + 36, 60)).toEqual([17, 35, 90, 0]);
      const instances = await client.result<ModelJson[]>('instantiate-model', {
        model_id: source.model_id,
        transforms: [{ translation: [30, 0, 0] }, { translation: [-30, 0, 0], scale: [2, 2, 2] }],
      });
      expect(instances.map((m) => m.model_id)).toEqual([source.model_id + 1, source.model_id + 2]);
      expect(instances[0]!.transform).toEqual({ translation: [30, 0, 0], rotation: [0, 0, 0, 1], scale: [1, 1, 1] });
      expect(instances[1]!.bounds).toEqual({ min: [-46, -16, -16], max: [-14, 16, 16] });
      const scene = await client.result<{ models: unknown[] }>('get-scene');
      expect(scene.models).toHaveLength(3);
      // x = +30 is 36 pixels right of the centre (160 pixels for 400/3 world units): green now.
      const right = await snapshotPixel(client, 80 + 36, 60);
      expect(right[1]).toBeGreaterThan(100);
      expect((await inspect(client, 0.5 + 30 / (400 / 3), 0.5)).model_id).toBe(source.model_id + 1);
      // The scaled instance is 16 wide: x = -30 + 12 is on it, the source (radius 8) is not there.
      expect((await inspect(client, 0.5 - 18 / (400 / 3), 0.5)).model_id).toBe(source.model_id + 2);
    });
  });

  it('refuses as Brayns does: no transforms (code 0), an unknown model (-32603)', async () => {
    await withR3(async (client) => {
      const source = await client.result<ModelJson>('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 1, 1, 1] }]);
      expect(errorOf(await client.call('instantiate-model', { model_id: source.model_id, transforms: [] }))).toMatchObject({ code: 0, message: 'transforms list cannot be empty' });
      expect(errorOf(await client.call('instantiate-model', { model_id: 99, transforms: [{}] }))).toMatchObject({ code: -32603, message: 'No instance with id 99 was found' });
    });
  });
});
