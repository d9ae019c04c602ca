import { describe, expect, it } from 'vitest';
import { lowResolution } from '../../src/state/framebuffer-mode.js';
import { errorOf, withServer, type RawClient } from './raw-client.js';
import { at, pixels } from './snapshot-pixels.js';

/**
 * R3 materials and framebuffer modes over a real socket, with pixels
 * checked against what Brayns 3.10.1 / OSPRay do (render/materials.ts).
 */

const front = { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] };
const ortho = { name: 'orthographic', params: { height: 4 } };
const r3 = (body: (client: RawClient) => Promise<void>): Promise<void> => withServer({ api: '3.10.1' }, body);

async function sphere(client: RawClient, color = [1, 1, 1, 1], center = [0, 0, 0]): Promise<number> {
  const model = await client.result<{ model_id: number }>('add-spheres', [{ geometry: { center, radius: 1 }, color }]);
  return model.model_id;
}

async function shot(client: RawClient, renderer: unknown, size = 32): Promise<{ data: Buffer; width: number }> {
  return pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [size, size] }, camera_view: front, camera: ortho, renderer }));
}

describe('materials (3.10.1)', () => {
  it('round-trips every getter, fills Brayns defaults, answers the type and refuses the wrong getter', async () => {
    await r3(async (client) => {
      const id = await sphere(client);
      expect(await client.result('get-material-type', { id })).toBe('phong');
      expect(await client.result('get-material-phong', { id })).toEqual({ opacity: 1 });
      await client.result('set-material-principled', { model_id: id, material: { metallic: 0.8, roughness: 0.6, edge_color: [0.8, 0.8, 0.8] } });
      expect(await client.result('get-material-type', { id })).toBe('principled');
      const principled = await client.result<Record<string, unknown>>('get-material-principled', { id });
      expect(principled).toMatchObject({ metallic: 0.8, roughness: 0.6, edge_color: [0.8, 0.8, 0.8], ior: 1, sheen_roughness: 0.2, thin: false });
      const wrong = errorOf(await client.call('get-material-phong', { id }));
      expect(wrong).toMatchObject({ code: -32600, message: "Invalid material type (should be 'principled')" });
      for (const [type, material] of [
        ['carpaint', { flake_density: 0.5 }],
        ['emissive', { color: [1, 0, 0], intensity: 5 }],
        ['ghost', {}],
        ['glass', { index_of_refraction: 2 }],
        ['matte', { opacity: 0.9 }],
        ['metal', { roughness: 0.1 }],
        ['plastic', { opacity: 0.9 }],
      ] as const) {
        await client.result(`set-material-${type}`, { model_id: id, material });
        expect(await client.result(`get-material-${type}`, { id })).toEqual(material);
      }
      const bad = errorOf(await client.call('set-material-metal', { model_id: id, material: { roughness: 0 } }));
      expect(bad.code).toBe(-32602);
    });
  });

  it('makes an emissive sphere brighter than the lit-only one under the production renderer', async () => {
    await r3(async (client) => {
      const id = await sphere(client, [1, 1, 1, 1]);
      await client.result('add-light-ambient', { intensity: 0.2 });
      const production = { name: 'production', params: { samples_per_pixel: 1, max_ray_bounces: 1, background_color: [0, 0, 0, 1] } };
      const lit = at(await shot(client, production), 16, 16);
      await client.result('set-material-emissive', { model_id: id, material: { color: [1, 0, 0], intensity: 5 } });
      const glowing = at(await shot(client, production), 16, 16);
      expect(glowing[0]).toBeGreaterThan(lit[0]! + 40);
      // Luminous reflects nothing: the green and blue of the white sphere are gone.
      expect(glowing[1]).toBe(0);
      expect(glowing[2]).toBe(0);
    });
  });

  it('fades a ghost sphere with the view angle: the centre shows the background, the rim the surface', async () => {
    await r3(async (client) => {
      const id = await sphere(client, [1, 1, 1, 1]);
      await client.result('add-light-ambient', { intensity: 1 });
      const interactive = { name: 'interactive', params: { background_color: [0, 0, 1, 1] } };
      const opaque = await shot(client, interactive, 64);
      await client.result('set-material-ghost', { model_id: id, material: {} });
      const ghost = await shot(client, interactive, 64);
      // Centre: facing the camera, nearly see-through (opacity 1 - cos is a few thousandths half a
      // pixel off-axis; the tone curve is steep near 0): the background's blue, next to no red.
      const centre = at(ghost, 32, 32);
      expect(centre[0]).toBeLessThan(40);
      expect(centre[2]).toBeGreaterThan(180);
      expect(at(opaque, 32, 32)[0]).toBeGreaterThan(150);
      // Near the rim (x = 0.95 of the radius) mostly surface: red close to the opaque sphere's.
      const rim = at(ghost, 32 + 15, 32)[0]!;
      expect(rim).toBeGreaterThan(100);
      expect(rim).toBeLessThanOrEqual(at(opaque, 32 + 15, 32)[0]!);
    });
  });
});

describe('materials under the path tracer (3.10.1)', () => {
  it('draws nothing of a ghost sphere: background colour and alpha, as Brayns does', async () => {
    await r3(async (client) => {
      const id = await sphere(client, [1, 0, 0, 1]);
      await client.result('add-light-ambient', { intensity: 1 });
      const production = { name: 'production', params: { samples_per_pixel: 1, max_ray_bounces: 3, background_color: [0, 0, 1, 0] } };
      expect(at(await shot(client, production), 16, 16)[3]).toBe(255);
      await client.result('set-material-ghost', { model_id: id, material: {} });
      expect(at(await shot(client, production), 16, 16)).toEqual([0, 0, 207, 0]);
    });
  });
});

describe('framebuffer modes (3.10.1)', () => {
  it('accepts progressive and static framebuffers and refuses a scale of 0', async () => {
    await r3(async (client) => {
      expect(await client.result('set-framebuffer-progressive', { scale: 4 })).toBeNull();
      expect(await client.result('set-framebuffer-static')).toBeNull();
      expect(errorOf(await client.call('set-framebuffer-progressive', { scale: 0 })).code).toBe(-32602);
    });
  });

  it("sizes the low-resolution frame as Brayns does: scale capped so no side drops below 64 pixels", () => {
    expect(lowResolution(1920, 1080, 4)).toEqual([480, 270]);
    expect(lowResolution(200, 100, 4)).toEqual([200, 100]);
    expect(lowResolution(256, 200, 8)).toEqual([85, 66]);
  });
});
