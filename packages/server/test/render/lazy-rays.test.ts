import { describe, expect, it, vi } from 'vitest';
import type * as camera from '../../src/render/camera.js';
import { cameraFrame } from '../../src/render/camera.js';
import { buildModelBvh } from '../../src/render/geometry.js';
import { PrimaryRays } from '../../src/render/primary.js';
import { Rng } from '../../src/render/rng.js';
import { lookAt, model, primaryJob } from './scene.js';

// Counts the primary rays made: the tracer calls cameraRay once per ray it generates.
const made = vi.hoisted(() => ({ rays: 0 }));
vi.mock('../../src/render/camera.js', async (importOriginal) => {
  const original = await importOriginal<typeof camera>();
  return {
    ...original,
    cameraRay: (...args: Parameters<typeof original.cameraRay>) => {
      made.rays++;
      original.cameraRay(...args);
    },
  };
});

describe('primary rays are made only where a primitive is tested', () => {
  // One sphere of radius 1 seen from 10 away: a disc about 10 pixels across in the middle of 48x40.
  async function oneSphere() {
    const { circuit } = model([{ at: [0, 0, 0], r: 1 }]);
    const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
    const frame = cameraFrame({ type: 'perspective', fovy: 45, view: lookAt([0, 0, 10]) }, 48, 40);
    return { bvh, primary: new PrimaryRays(primaryJob(frame, bvh, 1)) };
  }

  it('a model without planes has none to test every ray against', async () => {
    const { bvh } = await oneSphere();
    expect(bvh.planes.length).toBe(0);
  });

  it('a tile of background makes no ray, a tile with the sphere only those in its screen box', async () => {
    const { primary } = await oneSphere();
    made.rays = 0;
    primary.trace(0, 0, 16, 16, new Rng());
    expect(made.rays).toBe(0);
    const count = primary.trace(16, 12, 32, 28, new Rng());
    expect(count).toBe(256);
    expect(primary.prim.subarray(0, count).filter((p) => p >= 0).length).toBeGreaterThan(30);
    expect(made.rays).toBeGreaterThan(30);
    expect(made.rays).toBeLessThan(count / 2);
  });
});
