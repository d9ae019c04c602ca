import { describe, expect, it } from 'vitest';
import { renderImage } from '../../src/render/index.js';
import { context, covered, model, pixel, project, request } from './scene.js';

/** Covered pixels in one image column (the cone's thickness there). */
function columnHeight(image: { width: number; height: number; rgba: Uint8Array }, x: number): number {
  let n = 0;
  for (let y = 0; y < image.height; y++) {
    const [r, g, b] = pixel(image, x, y);
    if (r + g + b > 30) n++;
  }
  return n;
}

describe('cones', () => {
  it('span their two end points, with the radius interpolated along the axis', async () => {
    const req = request({ width: 200, height: 100, models: [model([], [{ a: [-3, 0, 0], b: [3, 0, 0], ra: 0.25, rb: 0.75 }])] });
    const image = await renderImage(req, context());
    const box = covered(image);
    const [leftEnd] = project([-3.25, 0, 0], 10, 200, 100);
    const [rightEnd] = project([3.75, 0, 0], 10, 200, 100);
    expect(Math.abs(box.minX - leftEnd)).toBeLessThanOrEqual(1);
    expect(Math.abs(box.maxX - rightEnd)).toBeLessThanOrEqual(1);
    expect(box.cy).toBeCloseTo(50, 0);
    const f = 50 / Math.tan(Math.PI / 8) / 10;
    for (const x of [-2, 0, 2]) {
      const radius = 0.25 + ((x + 3) / 6) * 0.5;
      const [column] = project([x, 0, 0], 10, 200, 100);
      expect(Math.abs(columnHeight(image, column) - 2 * radius * f)).toBeLessThanOrEqual(2);
    }
  });

  it('join into a continuous tube and keep one colour per cell', async () => {
    const red: [number, number, number, number] = [1, 0, 0, 1];
    const blue: [number, number, number, number] = [0, 0, 1, 1];
    const req = request({
      width: 200,
      height: 100,
      models: [
        model(
          [],
          [
            { a: [-4, -1, 0], b: [0, 1, 0], ra: 0.4, rb: 0.4, color: red },
            { a: [0, 1, 0], b: [4, -1, 0], ra: 0.4, rb: 0.4, color: blue },
          ],
        ),
      ],
    });
    const image = await renderImage(req, context());
    for (let x = project([-3.9, 0, 0], 10, 200, 100)[0]; x <= project([3.9, 0, 0], 10, 200, 100)[0]; x++) {
      expect(columnHeight(image, x)).toBeGreaterThan(0);
    }
    expect(pixel(image, ...project([-2, 0, 0.4], 10, 200, 100))).toEqual([255, 0, 0, 255]);
    expect(pixel(image, ...project([2, 0, 0.4], 10, 200, 100))).toEqual([0, 0, 255, 255]);
  });

  it('seen end-on show the wider end as a disc', async () => {
    const req = request({ width: 100, height: 100, models: [model([], [{ a: [0, 0, -3], b: [0, 0, 3], ra: 1, rb: 0.3 }])] });
    const box = covered(await renderImage(req, context()));
    // Nearest silhouette: the far end's sphere (r = 1 at distance 13) is larger on screen than the near end (0.3 at 7).
    const f = 50 / Math.tan(Math.PI / 8);
    expect((box.maxX - box.minX + 1) / 2).toBeCloseTo(Math.tan(Math.asin(1 / 13)) * f, 0);
  });
});
