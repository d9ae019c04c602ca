import { describe, expect, it } from 'vitest';
import { withServer } from './raw-client.js';
import { at, pixels } from './snapshot-pixels.js';

/**
 * Brayns draws a capsule (`add-capsules`, and every neurite segment) as OSPRay's round linear
 * curve, which Embree intersects as the sweep of a sphere whose radius goes linearly from r0 to r1:
 * the end spheres joined by the cone tangent to both. For p0 = (0,0,0), r0 = 0, p1 = (4,0,0),
 * r1 = 2 the slope is s = 0.5 and c = sqrt(1 - s^2) = 0.866, so over x in [0, 3] the silhouette is
 * at |y| = 0.5 x / c = 0.577 x, not at the frustum's 0.5 x. At x = 2 that is 1.155 against 1.0
 * (the end sphere, centre x = 4 radius 2, reaches only y = 0 there).
 */

const size = 256;
/** An orthographic view of height 8 on the z = 0 plane: world (x, y) in [-4, 4]^2. */
const view = { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] };
const camera = { name: 'orthographic', params: { height: 8 } };
const column = (x: number) => Math.floor(((x + 4) / 8) * size);
const row = (y: number) => Math.floor(((4 - y) / 8) * size);

describe('capsule shape on Brayns 3.10.1', () => {
  it('draws the side as the cone tangent to both end spheres', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await client.result('add-capsules', [{ geometry: { p0: [0, 0, 0], r0: 0, p1: [4, 0, 0], r1: 2 }, color: [1, 0, 0, 1] }]);
      await client.result('add-light-ambient', { intensity: 1 });
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [size, size] }, camera_view: view, camera }));
      const red = [207, 0, 0, 255];
      const background = [17, 35, 90, 0];
      // Between the frustum's edge (1.0) and the tangent cone's (1.155), 2 pixels from each.
      expect(at(image, column(2), row(1.08))).toEqual(red);
      expect(at(image, column(2), row(-1.08))).toEqual(red);
      // Beyond the tangent cone.
      expect(at(image, column(2), row(1.25))).toEqual(background);
      // Near the far end: at x = 2.9 the cone reaches 1.674, the frustum 1.45 (3 pixels either side).
      expect(at(image, column(2.9), row(1.56))).toEqual(red);
      expect(at(image, column(2.9), row(1.77))).toEqual(background);
    });
  });

  it('shades the side with the tangent cone normal, c e - s u, lit as much as a sphere with the same n.l', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      // A light travelling along +x lights the whole side with n.(-x) = s = 0.5 (the frustum's
      // normal, (e - s u) / sqrt(1 + s^2), would give 0.447). On a sphere that is the point at
      // x = cx - R / 2 on its front: both pixels must match (measured 148 and 150; the frustum's
      // normal gave 141).
      await client.result('add-capsules', [{ geometry: { p0: [0, 0, 0], r0: 0, p1: [4, 0, 0], r1: 2 }, color: [1, 1, 1, 1] }]);
      await client.result('add-spheres', [{ geometry: { center: [-2, 2, -5], radius: 1.5 }, color: [1, 1, 1, 1] }]);
      await client.result('add-light-directional', { intensity: 2, direction: [1, 0, 0] });
      const image = await pixels(await client.call('snapshot', { image_settings: { format: 'png', size: [size, size] }, camera_view: view, camera }));
      const side = at(image, column(2), row(0));
      const sphere = at(image, column(-2.75), row(2));
      expect(side[3]).toBe(255);
      expect(sphere[3]).toBe(255);
      expect(side[0]).toBeGreaterThan(60);
      expect(Math.abs(side[0]! - sphere[0]!)).toBeLessThanOrEqual(3);
    });
  });
});
