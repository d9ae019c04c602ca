import { describe, expect, it } from 'vitest';
import type { ResolvedLight } from '@render-recipes/protocol';
import { renderImage } from '../../src/render/index.js';
import { type Ball, context, lookAt, luminance, model, perspective, pixel, project, renderer, request } from './scene.js';

const SUN: ResolvedLight = { type: 'directional', color: [1, 1, 1], intensity: 1, direction: [0, 0, -1] };
// Directional intensity is irradiance, as in OSPRay: pi lights a white surface facing it fully.

describe('shading', () => {
  it('a black cell renders black and a white one bright, under any lights', async () => {
    for (const lights of [[], [SUN, { type: 'ambient', color: [1, 1, 1], intensity: 0.5 }]] as ResolvedLight[][]) {
      const req = request({
        width: 100,
        height: 50,
        lights,
        models: [model([{ at: [-2, 0, 0], r: 1, color: [0, 0, 0, 1] }, { at: [2, 0, 0], r: 1, color: [1, 1, 1, 1] }])],
      });
      const image = await renderImage(req, context());
      expect(pixel(image, ...project([-2, 0, 1], 10, 100, 50))).toEqual([0, 0, 0, 255]);
      expect(luminance(image, ...project([2, 0, 1], 10, 100, 50))).toBeGreaterThan(200);
    }
  });

  it('without lights, a headlight and a little ambient light the view: centre bright, rim dimmer but visible', async () => {
    const image = await renderImage(request({ width: 100, height: 100, lights: [], models: [model([{ at: [0, 0, 0], r: 3 }])] }), context());
    expect(luminance(image, 50, 50)).toBeGreaterThan(240);
    // Near the silhouette the surface turns away from the headlight.
    const rim = luminance(image, 50, 50 - 35);
    expect(rim).toBeGreaterThan(30);
    expect(rim).toBeLessThan(200);
  });

  it('Lambert: a directional light brightens the side it shines on', async () => {
    const light: ResolvedLight = { type: 'directional', color: [1, 1, 1], intensity: Math.PI, direction: [-1, 0, 0] };
    const image = await renderImage(request({ width: 100, height: 100, lights: [light], models: [model([{ at: [0, 0, 0], r: 3 }])] }), context());
    // The light travels towards -x, so it hits the +x side (right of the image).
    expect(luminance(image, 75, 50)).toBeGreaterThan(100);
    expect(luminance(image, 25, 50)).toBe(0);
  });

  it('light colour and intensity scale the cell colour', async () => {
    const lights: ResolvedLight[] = [{ type: 'ambient', color: [1, 0.5, 0], intensity: 0.8 }];
    const image = await renderImage(request({ lights, models: [model([{ at: [0, 0, 0], r: 2, color: [1, 1, 1, 1] }])] }), context());
    expect(pixel(image, 32, 32)).toEqual([204, 102, 0, 255]);
  });

  it('a sphere behind an occluder is darker with shadows on than off', async () => {
    const light: ResolvedLight = { type: 'directional', color: [1, 1, 1], intensity: Math.PI, direction: [0, -1, 0] };
    const scene = (shadows: boolean) =>
      request({
        width: 100,
        height: 100,
        lights: [light],
        renderer: renderer({ shadows }),
        camera: perspective(lookAt([0, 0, 14])),
        models: [model([{ at: [0, -1.5, 0], r: 1.5 }, { at: [0, 3, 0], r: 1.2 }])],
      });
    const lit = await renderImage(scene(false), context());
    const shadowed = await renderImage(scene(true), context());
    // The lower sphere's top (lit from above) lies in the upper sphere's shadow.
    // A point on the lower sphere facing up and towards the camera, under the upper sphere.
    const [x, y] = project([0, -1.5 + 1.5 * Math.SQRT1_2, 1.5 * Math.SQRT1_2], 14, 100, 100);
    expect(luminance(lit, x, y)).toBeGreaterThan(150);
    expect(luminance(shadowed, x, y)).toBeLessThan(luminance(lit, x, y) / 4);
    // Surfaces the occluder does not hide are unchanged.
    expect(luminance(shadowed, 50, 20)).toBe(luminance(lit, 50, 20));
  });

  it('ambient occlusion darkens a crevice and leaves open surfaces lit', async () => {
    // A small ball resting on a floor of big balls: where they meet, the hemisphere is half blocked.
    const floor: Ball[] = [];
    for (let x = -4; x <= 4; x++) for (let z = -4; z <= 4; z++) floor.push({ at: [x * 2, -2, z * 2], r: 1 });
    const scene = (aoSamples: number) =>
      request({
        width: 120,
        height: 120,
        lights: [{ type: 'ambient', color: [1, 1, 1], intensity: 1 }],
        renderer: renderer({ aoSamples }),
        camera: perspective(lookAt([0, 1, 12], [0, -0.5, 0])),
        models: [model([...floor, { at: [1, -0.2, 1], r: 0.6 }])],
      });
    const plain = await renderImage(scene(0), context());
    const ao = await renderImage(scene(16), context());
    let darker = 0;
    let total = 0;
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 120; x++) {
        if (luminance(plain, x, y) === 0) continue;
        total++;
        if (luminance(ao, x, y) < luminance(plain, x, y) * 0.6) darker++;
      }
    }
    expect(total).toBeGreaterThan(1000);
    expect(darker / total).toBeGreaterThan(0.1);
    expect(luminance(plain, 60, 60)).toBe(255);
  });

  it('AO leaves a lone sphere facing the camera fully lit', async () => {
    const image = await renderImage(request({ renderer: renderer({ aoSamples: 8 }), models: [model([{ at: [0, 0, 0], r: 2 }])] }), context());
    expect(luminance(image, 32, 32)).toBe(255);
  });

  it('samples per pixel anti-alias the silhouette', async () => {
    const scene = (samplesPerPixel: number) => request({ renderer: renderer({ samplesPerPixel }), models: [model([{ at: [0, 0, 0], r: 2 }])] });
    const count = (image: { width: number; rgba: Uint8Array }): number => {
      let partial = 0;
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (luminance(image, x, y) > 0 && luminance(image, x, y) < 255) partial++;
      return partial;
    };
    expect(count(await renderImage(scene(1), context()))).toBe(0);
    expect(count(await renderImage(scene(16), context()))).toBeGreaterThan(20);
  });

  it('production renderer: lit, shadowed, and black cells stay black', async () => {
    const light: ResolvedLight = { type: 'directional', color: [1, 1, 1], intensity: Math.PI, direction: [0, -1, 0] };
    const image = await renderImage(
      request({
        width: 100,
        height: 100,
        lights: [light, { type: 'ambient', color: [1, 1, 1], intensity: 0.2 }],
        renderer: renderer({ type: 'production', samplesPerPixel: 8, maxRayBounces: 3, background: [0, 0, 0, 1] }),
        camera: perspective(lookAt([0, 0, 14])),
        models: [model([{ at: [0, -1.5, 0], r: 1.5 }, { at: [0, 3, 0], r: 1.2 }, { at: [3.5, -1.5, 0], r: 1, color: [0, 0, 0, 1] }])],
      }),
      context(),
    );
    const top = project([0, 3 + 1.2 * Math.SQRT1_2, 1.2 * Math.SQRT1_2], 14, 100, 100);
    const underneath = project([0, -1.5 + 1.5 * Math.SQRT1_2, 1.5 * Math.SQRT1_2], 14, 100, 100);
    expect(luminance(image, ...top)).toBeGreaterThan(150);
    expect(luminance(image, ...underneath)).toBeLessThan(luminance(image, ...top) / 3);
    expect(pixel(image, ...project([3.5, -1.5, 1], 14, 100, 100))).toEqual([0, 0, 0, 255]);
  });
});

describe('production renderer bounces', () => {
  it('more bounces carry light into crevices: the image gets brighter, never darker', async () => {
    const floor: Ball[] = [];
    for (let x = -4; x <= 4; x++) for (let z = -4; z <= 4; z++) floor.push({ at: [x * 2, -2, z * 2], r: 1.1 });
    const scene = (maxRayBounces: number) =>
      request({
        width: 60,
        height: 60,
        lights: [{ type: 'ambient', color: [1, 1, 1], intensity: 1 }],
        renderer: renderer({ type: 'production', samplesPerPixel: 16, maxRayBounces }),
        camera: perspective(lookAt([0, 3, 10], [0, -1, 0])),
        models: [model([...floor, { at: [0, -0.2, 0], r: 0.8 }])],
      });
    const mean = (image: { width: number; height: number; rgba: Uint8Array }): number => {
      let sum = 0;
      for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) sum += luminance(image, x, y);
      return sum / (image.width * image.height);
    };
    const direct = mean(await renderImage(scene(0), context()));
    const bounced = mean(await renderImage(scene(3), context()));
    expect(bounced).toBeGreaterThan(direct * 1.1);
  });
});

describe('scene edge cases', () => {
  it('an empty scene is all background, alpha included', async () => {
    const image = await renderImage(request({ renderer: renderer({ background: [0.2, 0.4, 0.6, 0.5] }), models: [model([])] }), context());
    for (let y = 0; y < 64; y += 7) for (let x = 0; x < 64; x += 7) expect(pixel(image, x, y)).toEqual([51, 102, 153, 128]);
  });

  it('a cell without a colour entry is drawn white instead of failing', async () => {
    const m = model([{ at: [0, 0, 0], r: 2 }]);
    const image = await renderImage(request({ models: [{ ...m, colors: new Float32Array(0) }] }), context());
    expect(pixel(image, 32, 32)).toEqual([255, 255, 255, 255]);
  });

  it('a degenerate view (target on the eye, up along the view) still renders', async () => {
    const image = await renderImage(request({ camera: perspective(lookAt([0, 0, 10], [0, 0, 10], [0, 0, 1])), models: [model([{ at: [0, 0, 20], r: 2 }])] }), context());
    expect(luminance(image, 32, 32)).toBe(255);
  });
});
