import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colorPipeline, displayByte } from '../../src/render/color-pipeline.js';
import { braynsFirstSample } from '../../src/render/pixel-sample.js';
import { type RawClient, type Received, withServer } from './raw-client.js';

/**
 * Brayns 3.10.1's boxes, planes, bounded planes and area lights on the built-in server, over a
 * real socket: which pixels each shape covers, where shadows fall, and what the quad and sphere
 * lights add, with expected bytes worked out from OSPRay's light semantics (area-lights.ts) and
 * Brayns' colour pipeline.
 */

const SIZE = 16;
const BACKGROUND = [17, 35, 90, 0];
const byte = (linear: number): number => displayByte(colorPipeline('R3'), linear);
/** What ambient light 1 makes of a colour channel of 1. */
const FULL = byte(1);

interface Image {
  data: Buffer;
  width: number;
}

async function snapshot(client: RawClient, params: Record<string, unknown>): Promise<Image> {
  const answer: Received = await client.call('snapshot', { image_settings: { format: 'png', size: [SIZE, SIZE] }, ...params });
  const result = answer.json?.['result'] as { color_buffer?: { offset: number; size: number } } | undefined;
  if (result?.color_buffer === undefined || !answer.attachment) throw new Error(`snapshot failed: ${answer.text}`);
  const { offset, size } = result.color_buffer;
  const { data, info } = await sharp(answer.attachment.subarray(offset, offset + size)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width };
}

function at(image: Image, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return [...image.data.subarray(o, o + 4)];
}

/** Orthographic view down -z over a square `height` units high, centred on (cx, cy). */
function ortho(height: number, cx = 0, cy = 0): Record<string, unknown> {
  return {
    camera_view: { position: [cx, cy, 10], target: [cx, cy, 0], up: [0, 1, 0] },
    camera: { name: 'orthographic', params: { height } },
  };
}

/** The world point (x, y) the one sample of pixel (px, py) looks at in `ortho(height)` (Brayns' sample position). */
function sampleAt(height: number, px: number, py: number): [number, number] {
  const s = braynsFirstSample('R3');
  return [((px + s.x) / SIZE - 0.5) * height, (0.5 - (py + s.y) / SIZE) * height];
}

const withR3 = (body: (client: RawClient) => Promise<void>): Promise<void> => withServer({ api: '3.10.1' }, body);

describe('add-boxes', () => {
  it('covers exactly the pixels whose sample falls inside the box seen face-on', async () => {
    await withR3(async (client) => {
      const box = { min: [-1.1, -0.6, -1], max: [0.45, 1.3, 0] };
      const model = await client.result<{ model_type: string; bounds: unknown }>('add-boxes', [{ geometry: box, color: [1, 0, 0, 1] }]);
      expect(model).toMatchObject({ model_type: 'geometry', bounds: { min: box.min, max: box.max } });
      await client.result('add-light-ambient', { intensity: 1 });
      const image = await snapshot(client, ortho(4));
      let inside = 0;
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const [wx, wy] = sampleAt(4, x, y);
          const covered = wx >= box.min[0]! && wx <= box.max[0]! && wy >= box.min[1]! && wy <= box.max[1]!;
          if (covered) inside++;
          expect(at(image, x, y), `pixel ${x},${y}`).toEqual(covered ? [FULL, 0, 0, 255] : BACKGROUND);
        }
      }
      expect(inside).toBeGreaterThan(20);
    });
  });

  it('turns with its model: rotated 45 degrees about z, a square becomes a diamond', async () => {
    await withR3(async (client) => {
      const model = await client.result<{ model_id: number }>('add-boxes', [{ geometry: { min: [-1, -1, -1], max: [1, 1, 0] }, color: [0, 0, 1, 1] }]);
      await client.result('add-light-ambient', { intensity: 1 });
      const s = Math.SQRT1_2;
      await client.result('update-model', { model_id: model.model_id, model: { transform: { rotation: [0, 0, Math.sin(Math.PI / 8), Math.cos(Math.PI / 8)] } } });
      const image = await snapshot(client, ortho(4));
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const [wx, wy] = sampleAt(4, x, y);
          // Clear of the diamond's edges by a little, so rounding cannot decide.
          const d = Math.abs(wx) + Math.abs(wy) - 2 * s;
          if (Math.abs(d) < 0.05) continue;
          expect(at(image, x, y), `pixel ${x},${y}`).toEqual(d < 0 ? [0, 0, FULL, 255] : BACKGROUND);
        }
      }
    });
  });
});

describe('add-planes', () => {
  it('fills the image below the horizon with a floor plane, and nothing above it', async () => {
    await withR3(async (client) => {
      const model = await client.result<{ bounds: { min: number[]; max: number[] } }>('add-planes', [{ geometry: { coefficients: [0, 1, 0, -1] }, color: [0, 1, 0, 1] }]);
      // Infinite planes have Brayns' empty bounds, and add nothing to the scene's.
      expect(model.bounds.min[0]).toBeGreaterThan(3e38);
      expect(model.bounds.max[0]).toBeLessThan(-3e38);
      await client.result('add-spheres', [{ geometry: { center: [0, 0, -5], radius: 0.5 }, color: [1, 0, 0, 1] }]);
      expect(await client.result('get-scene')).toMatchObject({ bounds: { min: [-0.5, -0.5, -5.5], max: [0.5, 0.5, -4.5] } });
      await client.result('add-light-ambient', { intensity: 1 });
      const image = await snapshot(client, {
        camera_view: { position: [0, 0, 0], target: [0, 0, -1], up: [0, 1, 0] },
        camera: { name: 'perspective', params: { fovy: 90 } },
      });
      for (let x = 0; x < SIZE; x++) {
        for (let y = 0; y < 6; y++) expect(at(image, x, y), `sky ${x},${y}`).toEqual(BACKGROUND);
        for (let y = 10; y < SIZE; y++) expect(at(image, x, y), `floor ${x},${y}`).toEqual([0, FULL, 0, 255]);
      }
    });
  });

  it('draws coefficients (a, b, c, d) as the plane ax + by + cz = d, as Brayns does', async () => {
    await withR3(async (client) => {
      // Brayns' own test_planes: (0, 0, 1, 0.25) lies in front of the origin for a camera on +z.
      await client.result('add-planes', [
        { geometry: { coefficients: [0, 0, 1, 0.25] }, color: [0, 0, 1, 1] },
        { geometry: { coefficients: [0, 0, 1, -0.25] }, color: [1, 0, 0, 1] },
      ]);
      await client.result('add-light-ambient', { intensity: 1 });
      const image = await snapshot(client, ortho(4));
      expect(at(image, 8, 8)).toEqual([0, 0, FULL, 255]);
    });
  });

  it('casts shadows: a plane between a sphere and the light leaves the sphere in ambient light', async () => {
    await withR3(async (client) => {
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 1, 1, 1] }]);
      await client.result('add-light-ambient', { intensity: 0.25 });
      await client.result('add-light-directional', { intensity: Math.PI, direction: [-1, 0, 0] });
      const lit = at(await snapshot(client, ortho(4)), 11, 8);
      expect(lit[0]).toBeGreaterThan(byte(0.5));
      await client.result('add-planes', [{ geometry: { coefficients: [1, 0, 0, 3] }, color: [1, 1, 1, 1] }]);
      expect(at(await snapshot(client, ortho(4)), 11, 8)).toEqual([byte(0.25), byte(0.25), byte(0.25), 255]);
    });
  });
});

describe('add-bounded-planes', () => {
  it('draws a plane only inside its bounds, and a box shadows it', async () => {
    await withR3(async (client) => {
      const bounds = { min: [-1.6, -0.7, -1], max: [1.6, 0.7, 1] };
      const model = await client.result<{ bounds: unknown }>('add-bounded-planes', [{ geometry: { coefficients: [0, 0, 1, 0], bounds }, color: [1, 1, 1, 1] }]);
      expect(model).toMatchObject({ bounds });
      await client.result('add-light-ambient', { intensity: 0.25 });
      const empty = await snapshot(client, ortho(4));
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const [wx, wy] = sampleAt(4, x, y);
          const covered = Math.abs(wx) <= 1.6 && Math.abs(wy) <= 0.7;
          expect(at(empty, x, y), `pixel ${x},${y}`).toEqual(covered ? [byte(0.25), byte(0.25), byte(0.25), 255] : BACKGROUND);
        }
      }
      // Light travelling +x and down: a box above the left half shadows the plane to its right.
      await client.result('add-light-directional', { intensity: Math.PI * Math.SQRT2, direction: [1, 0, -1] });
      await client.result('add-boxes', [{ geometry: { min: [-1.4, -0.4, 0.5], max: [-1.0, 0.4, 0.9] }, color: [1, 0, 0, 1] }]);
      const image = await snapshot(client, ortho(4));
      // Row 8's samples lie at y = 0 (Brayns' sample sits at the top of its pixel), inside the box's y range.
      const point = (wx: number): number[] => {
        for (let x = 0; x < SIZE; x++) if (Math.abs(sampleAt(4, x, 8)[0] - wx) <= 0.125) return at(image, x, 8);
        throw new Error(`no pixel at x = ${wx}`);
      };
      // The shadow spans x in [-1.4 + 0.5, -1.0 + 0.9] = [-0.9, -0.1]; outside it the plane gets 0.25 + 1.
      expect(point(-0.5)).toEqual([byte(0.25), byte(0.25), byte(0.25), 255]);
      expect(point(1.0)).toEqual([byte(1.25), byte(1.25), byte(1.25), 255]);
    });
  });
});

describe('area lights', () => {
  // A white floor z = 0 seen from above over 0.04 units, so every pixel is within 0.03 of the origin.
  const floor = async (client: RawClient): Promise<void> => {
    await client.result('add-planes', [{ geometry: { coefficients: [0, 0, 1, 0] }, color: [1, 1, 1, 1] }]);
  };
  const centre = async (client: RawClient, params: Record<string, unknown> = {}): Promise<number[]> => at(await snapshot(client, { ...ortho(0.04), ...params }), 8, 8);

  it('a quad light lights what lies in front of it: radiance * area * cos / d^2 at its centre, nothing behind it', async () => {
    await withR3(async (client) => {
      await floor(client);
      // A unit square 1 above the origin; edge1 x edge2 = (0, 1, 0) x (1, 0, 0) = -z: it faces the floor.
      const quad = await client.result<{ model_type: string; bounds: unknown }>('add-light-quad', {
        position: [-0.5, -0.5, 1],
        edge1: [0, 1, 0],
        edge2: [1, 0, 0],
        intensity: Math.PI / 2,
      });
      expect(quad).toMatchObject({ model_type: 'light', bounds: { min: [-0.5, -0.5, 1], max: [0.5, 0.5, 1] } });
      // White * (pi / 2) * 1 * 1 / 1 through the Lambert 1 / pi: 0.5.
      expect(await centre(client)).toEqual([byte(0.5), byte(0.5), byte(0.5), 255]);
      await client.result('clear-lights');
      await client.result('add-light-quad', { position: [-0.5, -0.5, 1], edge1: [1, 0, 0], edge2: [0, 1, 0], intensity: Math.PI / 2 });
      expect(await centre(client)).toEqual([0, 0, 0, 255]);
    });
  });

  it('a sphere light gives intensity / d^2 as a point, the solid angle of its cone with a radius, nothing inside it', async () => {
    await withR3(async (client) => {
      await floor(client);
      await client.result('add-light-sphere', { position: [0, 0, 2], intensity: 2 * Math.PI, color: [1, 0, 0] });
      expect(await centre(client)).toEqual([byte(0.5), 0, 0, 255]);
      await client.result('clear-lights');
      // Radius 0.5 at distance 2: radiance I / (pi r^2) over a cone of solid angle 2 pi (1 - cos), cos = sqrt(1 - 1/16).
      const cone = 2 * Math.PI * (1 - Math.sqrt(1 - 1 / 16));
      const intensity = (0.5 * Math.PI * Math.PI * 0.25) / cone;
      await client.result('add-light-sphere', { position: [0, 0, 2], radius: 0.5, intensity, color: [0, 1, 0] });
      expect(await centre(client)).toEqual([0, byte(0.5), 0, 255]);
      await client.result('clear-lights');
      await client.result('add-light-sphere', { position: [0, 0, 0.2], radius: 0.5, intensity: 100 });
      expect(await centre(client)).toEqual([0, 0, 0, 255]);
    });
  });

  it('the production renderer converges to the same light: a point light gives intensity / d^2', async () => {
    await withR3(async (client) => {
      await floor(client);
      await client.result('add-light-sphere', { position: [0, 0, 2], intensity: 2 * Math.PI });
      const production = { renderer: { name: 'production', params: { samples_per_pixel: 1, max_ray_bounces: 1 } } };
      expect(await centre(client, production)).toEqual([byte(0.5), byte(0.5), byte(0.5), 255]);
    });
  });

  it('a box between the floor and a quad light casts a shadow', async () => {
    await withR3(async (client) => {
      await floor(client);
      await client.result('add-light-quad', { position: [-0.5, -0.5, 1], edge1: [0, 1, 0], edge2: [1, 0, 0], intensity: Math.PI / 2 });
      // The floor beside where the box will stand: the ray to the quad's centre crosses z = 0.4..0.5 at x = 0.09..0.075.
      const beside = ortho(0.04, 0.15, 0);
      const lit = await centre(client, beside);
      expect(lit[0]).toBeGreaterThan(byte(0.4));
      await client.result('add-boxes', [{ geometry: { min: [-0.1, -0.1, 0.4], max: [0.1, 0.1, 0.5] }, color: [1, 1, 1, 1] }]);
      expect(await centre(client, beside)).toEqual([0, 0, 0, 255]);
    });
  });
});

/**
 * Brayns' own reference images for these scenes (python/testapi/core test_geometry.py and
 * test_light.py at 3.10.1, rendered by Brayns): the same scenes, framed as the suite's
 * CameraController frames them, must match within a mean absolute difference of 1 (0-255).
 * Needs a Brayns checkout: BRAYNS_TESTAPI_ASSETS=<checkout>/python/testapi/core/assets.
 */
const assets = process.env['BRAYNS_TESTAPI_ASSETS'];

/** CameraController's front view of bounds at 16:9 with fovy 45: back by height / 2 / tan(22.5 deg) + depth / 2. */
function framed(min: number[], max: number[]): Record<string, unknown> {
  const size = max.map((v, a) => v - min[a]!);
  const centre = max.map((v, a) => (v + min[a]!) / 2);
  const height = Math.max(size[1]!, size[0]! / (16 / 9));
  const distance = height / 2 / Math.tan(Math.PI / 8) + size[2]! / 2;
  return {
    camera_view: { position: [centre[0], centre[1], centre[2]! + distance], target: centre, up: [0, 1, 0] },
    camera: { name: 'perspective', params: { fovy: 45 } },
  };
}

const suiteLights = async (client: RawClient): Promise<void> => {
  await client.result('add-light-ambient', { intensity: 0.5 });
  await client.result('add-light-directional', { intensity: 10, direction: [1, -1, -1] });
};

const references: { name: string; scene: (client: RawClient) => Promise<Record<string, unknown>> }[] = [
  {
    name: 'boxes',
    scene: async (client) => {
      await client.result('add-boxes', [
        { geometry: { min: [-1, -1, -1], max: [1, 1, 2] }, color: [1, 0, 0, 1] },
        { geometry: { min: [-2, -2, -2], max: [1, 1, 1] }, color: [0, 0, 1, 1] },
      ]);
      await suiteLights(client);
      return framed([-2, -2, -2], [1, 1, 2]);
    },
  },
  {
    name: 'planes',
    scene: async (client) => {
      await client.result('add-planes', [
        { geometry: { coefficients: [1, 1, 1, 0] }, color: [1, 0, 0, 1] },
        { geometry: { coefficients: [0, 0, 1, 0.25] }, color: [0, 0, 1, 1] },
      ]);
      await suiteLights(client);
      return { camera_view: { position: [0, 0, 1], target: [0, 0, 0], up: [0, 1, 0] }, camera: { name: 'perspective', params: { fovy: 45 } } };
    },
  },
  {
    name: 'bounded_planes',
    scene: async (client) => {
      await client.result('add-bounded-planes', [
        { geometry: { coefficients: [0, 0, 1, 0.5], bounds: { min: [-1, -1, -1], max: [1, 1, 1] } }, color: [1, 0, 0, 1] },
        { geometry: { coefficients: [0, 0, 1, 0], bounds: { min: [-2, -2, -2], max: [1, 1, 1] } }, color: [0, 0, 1, 1] },
      ]);
      await suiteLights(client);
      return framed([-2, -2, -2], [1, 1, 1]);
    },
  },
  {
    name: 'quad_light',
    scene: async (client) => {
      await client.result('add-light-quad', { intensity: 10, color: [1, 0, 0], position: [-2, 0, 0], edge1: [0, 1, 0], edge2: [0, 0, 1] });
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 0, 0, 1] }]);
      return framed([-2, -1, -1], [1, 1, 1]);
    },
  },
  {
    name: 'sphere_light',
    scene: async (client) => {
      await client.result('add-light-sphere', { intensity: 10, color: [1, 0, 0], position: [1, 1, 1], radius: 1 });
      await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 0, 0, 1] }]);
      return framed([-1, -1, -1], [1, 1, 1]);
    },
  },
];

describe.skipIf(assets === undefined)("Brayns' reference images (BRAYNS_TESTAPI_ASSETS)", () => {
  it.each(references)('renders $name within a mean absolute difference of 1', async ({ name, scene }) => {
    const ref = await sharp(await readFile(join(assets ?? '', `${name}.png`))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    await withR3(async (client) => {
      const view = await scene(client);
      const answer = await client.call('snapshot', { image_settings: { format: 'png', size: [1920, 1080] }, ...view });
      const result = answer.json?.['result'] as { color_buffer: { offset: number; size: number } };
      const png = (answer.attachment ?? Buffer.alloc(0)).subarray(result.color_buffer.offset, result.color_buffer.offset + result.color_buffer.size);
      const image = await sharp(png).ensureAlpha().raw().toBuffer();
      let sum = 0;
      for (let i = 0; i < image.length; i++) sum += Math.abs(image[i]! - ref.data[i]!);
      expect(sum / image.length).toBeLessThan(1);
    });
  }, 120_000);
});
