import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeImage, renderImage } from '../../src/render/index.js';
import { context, model, pixel, renderer, request } from './scene.js';

async function decode(bytes: Buffer): Promise<{ width: number; height: number; channels: number; rgba: Uint8Array }> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: (await sharp(bytes).metadata()).channels ?? 0, rgba: new Uint8Array(data) };
}

describe('encodeImage', () => {
  const scene = () =>
    request({
      width: 40,
      height: 30,
      renderer: renderer({ background: [0.004, 0.016, 0.102, 0] }),
      models: [model([{ at: [0, 0, 0], r: 1, color: [1, 0.5, 0, 1] }])],
    });

  it('PNG keeps the background alpha and the sphere opaque', async () => {
    const image = await renderImage(scene(), context());
    const png = await encodeImage(image, 'png', 100);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const back = await decode(png);
    expect([back.width, back.height, back.channels]).toEqual([40, 30, 4]);
    expect(pixel(back, 0, 0)).toEqual([1, 4, 26, 0]);
    expect(pixel(back, 20, 15)).toEqual([255, 128, 0, 255]);
    expect(Buffer.from(back.rgba).equals(Buffer.from(image.rgba))).toBe(true);
  });

  it('PNG of an opaque background is opaque', async () => {
    const image = await renderImage({ ...scene(), renderer: renderer({ background: [0, 1, 0, 1] }) }, context());
    const back = await decode(await encodeImage(image, 'png', 100));
    expect(pixel(back, 0, 0)).toEqual([0, 255, 0, 255]);
  });

  it('JPEG flattens on the background colour and honours quality', async () => {
    const image = await renderImage({ ...scene(), width: 160, height: 120, renderer: renderer({ background: [0, 0, 1, 0] }) }, context(), { workers: 0 });
    const high = await encodeImage(image, 'jpg', 95);
    const low = await encodeImage(image, 'jpg', 10);
    expect([high[0], high[1]]).toEqual([0xff, 0xd8]);
    expect(low.length).toBeLessThan(high.length);
    const back = await decode(high);
    expect(back.channels).toBe(3);
    const [r, g, b] = pixel(back, 2, 2);
    expect(r).toBeLessThan(10);
    expect(g).toBeLessThan(10);
    expect(b).toBeGreaterThan(240);
    const [cr, cg, cb] = pixel(back, 80, 60);
    expect(cr).toBeGreaterThan(240);
    expect(Math.abs(cg - 128)).toBeLessThan(10);
    expect(cb).toBeLessThan(15);
  });

  it('rejects a buffer that does not match the size', async () => {
    await expect(encodeImage({ width: 4, height: 4, rgba: new Uint8Array(10) }, 'png', 100)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
