import { describe, expect, it } from 'vitest';
import { renderImage } from '../../src/render/index.js';
import { context, covered, lookAt, model, perspective, request } from './scene.js';

/** Projected radius in pixels of a sphere of radius r at distance d (pinhole, vertical fovy). */
function pinholeRadius(r: number, d: number, fovyDeg: number, height: number): number {
  return (Math.tan(Math.asin(r / d)) / Math.tan((fovyDeg * Math.PI) / 360)) * (height / 2);
}

describe('camera projection', () => {
  it('draws a centred sphere with the pinhole radius, and doubling the radius doubles it', async () => {
    const radii: number[] = [];
    for (const r of [0.5, 1]) {
      const image = await renderImage(request({ width: 200, height: 200, models: [model([{ at: [0, 0, 0], r }])] }), context());
      const box = covered(image);
      expect(box.cx).toBeCloseTo(100, 0);
      expect(box.cy).toBeCloseTo(100, 0);
      const measured = Math.sqrt(box.count / Math.PI);
      expect(measured).toBeCloseTo(pinholeRadius(r, 10, 45, 200), 0);
      radii.push(measured);
    }
    expect(radii[1]! / radii[0]!).toBeCloseTo(2, 1);
  });

  it('places an off-axis sphere where the projection puts it (x right, y up)', async () => {
    const req = request({ width: 200, height: 100, models: [model([{ at: [2, 1, 0], r: 0.3 }])] });
    const box = covered(await renderImage(req, context()));
    const f = 50 / Math.tan((45 * Math.PI) / 360); // pixels per unit of x/z at the image plane
    expect(box.cx).toBeCloseTo(100 + (2 / 10) * f, 0);
    expect(box.cy).toBeCloseTo(50 - (1 / 10) * f, 0);
  });

  it('uses the vertical field of view: a narrower fovy magnifies', async () => {
    const wide = covered(await renderImage(request({ models: [model([{ at: [0, 0, 0], r: 1 }])], camera: perspective(lookAt([0, 0, 10]), 60) }), context()));
    const narrow = covered(await renderImage(request({ models: [model([{ at: [0, 0, 0], r: 1 }])], camera: perspective(lookAt([0, 0, 10]), 30) }), context()));
    const ratio = (narrow.maxY - narrow.minY + 1) / (wide.maxY - wide.minY + 1);
    expect(ratio).toBeCloseTo(Math.tan(Math.PI / 6) / Math.tan(Math.PI / 12), 0);
  });

  it('keeps spheres round in wide and tall images (aspect = width / height)', async () => {
    for (const [width, height] of [
      [240, 80],
      [80, 240],
    ] as const) {
      const image = await renderImage(request({ width, height, models: [model([{ at: [0, 0, 0], r: 1 }])] }), context());
      const box = covered(image);
      expect(box.maxX - box.minX).toBe(box.maxY - box.minY);
      expect(box.cx).toBeCloseTo(width / 2, 0);
      expect(box.cy).toBeCloseTo(height / 2, 0);
      const expected = pinholeRadius(1, 10, 45, height);
      expect((box.maxY - box.minY + 1) / 2).toBeCloseTo(expected, 0);
    }
  });

  it('orthographic: size follows height in world units and not the distance', async () => {
    const sizes: number[] = [];
    for (const distance of [5, 50]) {
      const image = await renderImage(
        request({ width: 100, height: 100, camera: { type: 'orthographic', height: 4, view: lookAt([0, 0, distance]) }, models: [model([{ at: [0, 0, 0], r: 1 }])] }),
        context(),
      );
      const box = covered(image);
      sizes.push(box.maxY - box.minY + 1);
    }
    expect(sizes[0]).toBe(sizes[1]);
    // Diameter 2 of a 4-unit-high view: half the image height.
    expect(sizes[0]).toBeGreaterThanOrEqual(49);
    expect(sizes[0]).toBeLessThanOrEqual(51);
  });

  it('re-orthogonalises up like Brayns: a tilted up vector still gives an upright image', async () => {
    const req = (up: [number, number, number]) =>
      request({ width: 100, height: 100, camera: perspective(lookAt([0, 0, 10], [0, 0, 0], up)), models: [model([{ at: [0, 2, 0], r: 0.5 }])] });
    const straight = covered(await renderImage(req([0, 1, 0]), context()));
    const tilted = covered(await renderImage(req([0, 1, 3]), context()));
    expect(tilted).toEqual(straight);
    expect(straight.cy).toBeLessThan(50);
  });

  it('renders every model of the request', async () => {
    const req = request({ width: 100, height: 100, models: [model([{ at: [-2, 0, 0], r: 0.5 }]), model([{ at: [2, 0, 0], r: 0.5 }])] });
    const box = covered(await renderImage(req, context()));
    expect(box.minX).toBeLessThan(35);
    expect(box.maxX).toBeGreaterThan(65);
  });
});
