import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ResolvedLight } from '@render-recipes/protocol';
import type * as grids from '../../src/render/shadow-grid.js';
import { disposeRenderer, renderImage } from '../../src/render/index.js';
import { type Ball, type Segment, context, lookAt, model, perspective, renderer, request } from './scene.js';

// Switches the light-space grids off (the BVH packets then trace the shadow rays) and counts the grids renders got.
const grid = vi.hoisted(() => ({ on: true, given: 0 }));
vi.mock('../../src/render/shadow-grid.js', async (importOriginal) => {
  const original = await importOriginal<typeof grids>();
  return {
    ...original,
    shadowGrid: async (...args: Parameters<typeof original.shadowGrid>) => {
      if (!grid.on) return null;
      const built = await original.shadowGrid(...args);
      if (built !== null) grid.given++;
      return built;
    },
  };
});

afterAll(() => disposeRenderer());

/** Spheres and cones heaped on a floor of spheres, lit from the side so each casts a long shadow. */
function heap(): ReturnType<typeof model> {
  const balls: Ball[] = [];
  for (let x = -6; x <= 6; x += 0.5) for (let z = -6; z <= 6; z += 0.5) balls.push({ at: [x, -2, z], r: 0.3 });
  for (let i = 0; i < 40; i++) balls.push({ at: [Math.sin(i) * 4, -1 + (i % 5) * 0.6, Math.cos(i * 1.7) * 4], r: 0.5 + (i % 3) * 0.2 });
  const segments: Segment[] = Array.from({ length: 30 }, (_, i) => ({ a: [i / 5 - 3, -1.5, -i / 6], b: [i / 5 - 2, 1 + (i % 4) * 0.5, -i / 6 + 1], ra: 0.15, rb: 0.08 }));
  return model(balls, segments);
}

const SUNS: ResolvedLight[][] = [
  [{ type: 'directional', color: [1, 1, 1], intensity: 3, direction: [-1, -0.6, -0.3] }, { type: 'ambient', color: [1, 1, 1], intensity: 0.2 }],
  // Two suns: each directional light gets its own grid.
  [
    { type: 'directional', color: [1, 0.8, 0.6], intensity: 2, direction: [0.5, -1, 0.2] },
    { type: 'directional', color: [0.5, 0.6, 1], intensity: 2, direction: [-0.4, -0.8, -0.6] },
  ],
];

describe('shadows traced through light-space grids', () => {
  it('render the same pixels as the BVH packets, in-thread and in the workers, with shadows that show', async () => {
    for (const lights of SUNS) {
      const req = request({ models: [heap()], width: 120, height: 90, camera: perspective(lookAt([0, 6, 14], [0, -1, 0])), renderer: renderer({ shadows: true }), lights });
      for (const workers of [0, 2]) {
        grid.on = true;
        // The first frame along a light uses the BVH packets, the second builds its grid.
        await renderImage(req, context(), { workers });
        grid.given = 0;
        const withGrids = await renderImage(req, context(), { workers });
        expect(grid.given).toBe(lights.filter((l) => l.type === 'directional').length);
        grid.on = false;
        const withPackets = await renderImage(req, context(), { workers });
        expect(Buffer.from(withGrids.rgba).equals(Buffer.from(withPackets.rgba))).toBe(true);
        const unshadowed = await renderImage({ ...req, renderer: renderer({ shadows: false }) }, context(), { workers });
        let darker = 0;
        for (let i = 0; i < unshadowed.rgba.length; i += 4) if (withGrids.rgba[i]! + 10 < unshadowed.rgba[i]!) darker++;
        // Shadows darken a good part of the floor.
        expect(darker).toBeGreaterThan(500);
      }
    }
  });
});
