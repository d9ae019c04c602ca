import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { configureImageEncoder, encodeImage } from '../../src/render/encode.js';
import { encodeJpegStb } from '../../src/render/jpeg-stb.js';
import { encodePngStb } from '../../src/render/png-stb.js';
import { jpegHeader, testImage } from './stb-images.js';

async function decoded(bytes: Uint8Array): Promise<Buffer> {
  return sharp(bytes).ensureAlpha().raw().toBuffer();
}

afterEach(() => configureImageEncoder('sharp'));

describe('PNG encoders', () => {
  it("Brayns' stb_image_write encoder writes a PNG of exactly the pixels given", async () => {
    const { width, height, rgba } = testImage(64, 40, 'gradient');
    const png = Buffer.from(encodePngStb(rgba, width, height));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(await decoded(png)).toEqual(Buffer.from(rgba));
  });

  it('snapshots use sharp by default and stb with configureImageEncoder("brayns"): same pixels, other bytes', async () => {
    const image = testImage(64, 40, 'gradient');
    const viaSharp = await encodeImage(image, 'png', 100);
    configureImageEncoder('brayns');
    const viaStb = await encodeImage(image, 'png', 100);
    expect(Buffer.from(viaStb)).toEqual(Buffer.from(encodePngStb(image.rgba, image.width, image.height)));
    expect(Buffer.from(viaSharp)).not.toEqual(Buffer.from(viaStb));
    expect(await decoded(viaSharp)).toEqual(await decoded(viaStb));
  });
});

describe('the brayns encoder off the main thread', () => {
  it('encodes in a worker: the event loop keeps turning meanwhile, and the bytes are unchanged', async () => {
    configureImageEncoder('brayns');
    const png = testImage(320, 200, 'noise');
    const jpg = testImage(161, 97, 'gradient');
    // Frames are lent from shared memory; the encoder reads them in place.
    const shared = new Uint8Array(new SharedArrayBuffer(png.rgba.length));
    shared.set(png.rgba);
    let turns = 0;
    let done = false;
    const spin = (): void => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const [viaWorker, viaWorkerShared, jpegViaWorker] = await Promise.all([
      encodeImage(png, 'png', 100),
      encodeImage({ ...png, rgba: shared }, 'png', 100),
      encodeImage(jpg, 'jpg', 75),
    ]);
    done = true;
    // On the main thread the encode finished before the first setImmediate could run.
    expect(turns).toBeGreaterThan(0);
    expect(Buffer.from(viaWorker)).toEqual(Buffer.from(encodePngStb(png.rgba, png.width, png.height)));
    expect(Buffer.from(viaWorkerShared)).toEqual(Buffer.from(viaWorker));
    expect(Buffer.from(jpegViaWorker)).toEqual(Buffer.from(encodeJpegStb(jpg.rgba, jpg.width, jpg.height, 75)));
    expect(png.rgba.byteLength).toBe(320 * 200 * 4);
  });
});

describe("JPEG as stb_image_write writes it", () => {
  it('reads quality 0 as 90: quantisation tables scaled by 20 %, chroma subsampled 2x2', () => {
    const { width, height, rgba } = testImage(40, 24, 'gradient');
    const header = jpegHeader(encodeJpegStb(rgba, width, height, 0));
    // Annex K luminance 16, 11, ... and chrominance 17, 18, ... at factor 200 - 2 * 90 = 20 %.
    expect(header.luma.slice(0, 3)).toEqual([3, 2, 2]);
    expect(header.chroma.slice(0, 3)).toEqual([3, 4, 4]);
    expect(header.lumaSampling).toBe(0x22);
    expect([header.width, header.height]).toEqual([40, 24]);
  });

  it('keeps full chroma above 90 and follows the IJG scale below 50', () => {
    const { width, height, rgba } = testImage(16, 16, 'gradient');
    const q100 = jpegHeader(encodeJpegStb(rgba, width, height, 100));
    expect(q100.lumaSampling).toBe(0x11);
    expect(new Set(q100.luma)).toEqual(new Set([1]));
    // 5000 / 10 = 500 %: 16 -> 80, 11 -> 55; chrominance 99 -> 255 (clamped).
    const q10 = jpegHeader(encodeJpegStb(rgba, width, height, 10));
    expect(q10.luma.slice(0, 2)).toEqual([80, 55]);
    expect(Math.max(...q10.chroma)).toBe(255);
  });

  it('decodes to the pixels given, within what quality 100 loses, ignoring alpha', async () => {
    const { width, height, rgba } = testImage(48, 32, 'gradient');
    const back = await decoded(encodeJpegStb(rgba, width, height, 100));
    let worst = 0;
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(back[i * 4 + c]! - rgba[i * 4 + c]!));
    }
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('is what snapshots send with configureImageEncoder("brayns"), and sharp uses the same quality and sampling', async () => {
    const image = testImage(32, 32, 'gradient');
    configureImageEncoder('brayns');
    expect(Buffer.from(await encodeImage(image, 'jpg', 0))).toEqual(Buffer.from(encodeJpegStb(image.rgba, 32, 32, 0)));
    configureImageEncoder('sharp');
    const viaSharp = jpegHeader(await encodeImage(image, 'jpg', 0));
    expect(viaSharp.luma.slice(0, 3)).toEqual([3, 2, 2]);
    expect(viaSharp.lumaSampling).toBe(0x22);
    expect(jpegHeader(await encodeImage(image, 'jpg', 95)).lumaSampling).toBe(0x11);
  });
});
