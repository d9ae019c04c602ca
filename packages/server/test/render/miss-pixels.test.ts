import { describe, expect, it } from 'vitest';
import { renderFrame, renderFrameWith } from '../../src/render/index.js';
import type { ResolvedLight } from '@render-recipes/protocol';
import type { RenderRequest } from '../../src/scene/types.js';
import { type Ball, context, lookAt, model, perspective, renderer, request } from './scene.js';

/** Small spheres scattered over the view: most rows of a tile mix hits and misses. */
function scattered(): Ball[] {
  let s = 7;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: 120 }, () => ({ at: [rnd() * 16 - 8, rnd() * 16 - 8, rnd() * 4 - 2], r: 0.15 + rnd() * 0.3, color: [rnd(), rnd(), rnd(), 1] }));
}

const SUN: ResolvedLight[] = [
  { type: 'directional', color: [1, 1, 1], intensity: 0.8, direction: [-1, -1, -1] },
  { type: 'ambient', color: [1, 1, 1], intensity: 0.2 },
];

async function bytes(req: RenderRequest, general: boolean): Promise<Uint8Array> {
  // Float planes (here: none asked for) turn the reuse of miss pixels off: every pixel takes the general path.
  const frame = general ? await renderFrameWith(req, context(), { planes: {} }, { workers: 0 }) : await renderFrame(req, context(), { workers: 0 });
  const copy = Uint8Array.from(frame.image.rgba);
  frame.release();
  return copy;
}

/** 16x16 tiles (the renderer's) whose pixels all have the background's bytes. */
function backgroundTiles(rgba: Uint8Array, width: number, height: number, background: string): number {
  let tiles = 0;
  for (let ty = 0; ty < height; ty += 16) {
    for (let tx = 0; tx < width; tx += 16) {
      let all = true;
      for (let y = ty; y < Math.min(height, ty + 16) && all; y++) {
        for (let x = tx; x < Math.min(width, tx + 16) && all; x++) all = rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4).join() === background;
      }
      if (all) tiles++;
    }
  }
  return tiles;
}

describe('pixels whose samples all miss', () => {
  const cases: [string, Partial<RenderRequest>][] = [
    ['one sample, shadows, opaque background', { renderer: renderer({ shadows: true, background: [0.004, 0.016, 0.102, 1] }), lights: SUN }],
    ['transparent background', { renderer: renderer({ shadows: true, background: [0.2, 0.3, 0.4, 0] }), lights: SUN }],
    ["4 samples at Brayns' positions (OSPRay's average)", { renderer: renderer({ samplesPerPixel: 4, background: [0.5, 0.1, 0.9, 0.5] }), lights: SUN, sampleSequence: 'R3' }],
    ['production renderer', { renderer: renderer({ type: 'production', samplesPerPixel: 2, background: [0.1, 0.1, 0.1, 1] }), lights: SUN }],
    // From farther away the spheres fill the middle only: whole tiles of background around them.
    ['tiles of background only', { renderer: renderer({ shadows: true, background: [0.3, 0.02, 0.05, 1] }), lights: SUN, camera: perspective(lookAt([0, 0, 30])) }],
  ];
  for (const [name, parts] of cases) {
    it(`come out byte for byte as the general path makes them (${name})`, async () => {
      const req = request({ width: 97, height: 61, camera: perspective(lookAt([0, 0, 20])), models: [model(scattered())], ...parts });
      const fast = await bytes(req, false);
      const general = await bytes(req, true);
      // The scene means something: a fair share of pixels show the background, and many do not.
      const first = general.subarray(0, 4).join();
      let background = 0;
      for (let o = 0; o < general.length; o += 4) if (general.subarray(o, o + 4).join() === first) background++;
      expect(background).toBeGreaterThan(97 * 61 * 0.3);
      expect(background).toBeLessThan(97 * 61 * 0.97);
      expect(Buffer.from(fast).equals(Buffer.from(general))).toBe(true);
      if (name === 'tiles of background only') expect(backgroundTiles(general, 97, 61, first)).toBeGreaterThan(4);
    });
  }
});
