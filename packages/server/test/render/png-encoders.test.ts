import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { configurePngEncoder, encodeImage } from '../../src/render/encode.js';
import { encodePngStb } from '../../src/render/png-stb.js';

/** A 64x40 image with a gradient, flat areas and transparency: every stb filter and match kind. */
function image(): { width: number; height: number; rgba: Uint8Array } {
  const width = 64;
  const height = 40;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      rgba.set(x < 20 ? [17, 35, 90, 0] : [(x * 4) & 255, (y * 6) & 255, (x * y) & 255, 255], o);
    }
  }
  return { width, height, rgba };
}

async function decoded(png: Buffer): Promise<Buffer> {
  return sharp(png).ensureAlpha().raw().toBuffer();
}

afterEach(() => configurePngEncoder('sharp'));

describe('PNG encoders', () => {
  it("Brayns' stb_image_write encoder writes a PNG of exactly the pixels given", async () => {
    const { width, height, rgba } = image();
    const png = Buffer.from(encodePngStb(rgba, width, height));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await decoded(png)).toEqual(Buffer.from(rgba));
  });

  it('snapshots use sharp by default and stb with configurePngEncoder("brayns"): same pixels, other bytes', async () => {
    const { width, height, rgba } = image();
    const viaSharp = await encodeImage({ width, height, rgba }, 'png', 100);
    configurePngEncoder('brayns');
    const viaStb = await encodeImage({ width, height, rgba }, 'png', 100);
    expect(Buffer.from(viaStb)).toEqual(Buffer.from(encodePngStb(rgba, width, height)));
    expect(Buffer.from(viaSharp)).not.toEqual(Buffer.from(viaStb));
    expect(await decoded(viaSharp)).toEqual(await decoded(viaStb));
  });
});
