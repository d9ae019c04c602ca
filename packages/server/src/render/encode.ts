import sharp from 'sharp';
import { RenderRecipesError } from '@render-recipes/protocol';
import type { RenderedImage } from '../scene/types.js';
import { encodeStbOffThread } from './stb-thread.js';

export type ImageEncoder = 'sharp' | 'brayns';

let imageEncoder: ImageEncoder = 'sharp';

/**
 * Which encoder snapshots use. `sharp` (libpng and libjpeg-turbo, the default) is fast. `brayns`
 * writes PNG and JPEG as every Brayns revision does, with stb_image_write (png-stb.ts,
 * jpeg-stb.ts, in a worker thread: stb-thread.ts): the same pixels give the same bytes as Brayns, so files have Brayns' exact length
 * (what Brayns' own test suite compares), at about ten times sharp's PNG encoding time.
 */
export function configureImageEncoder(encoder: ImageEncoder): void {
  imageEncoder = encoder;
}

/**
 * Encodes rendered pixels. PNG keeps the alpha channel (a transparent background stays
 * transparent, as Brayns writes it). `quality` is what the revision hands to stb_image_write
 * (SnapshotRules.codecQuality): 1-100, where 0 means 90, and 90 or less subsamples chroma 2x2.
 * JPEG has no alpha: stb drops it; sharp composites over the image's background colour when it
 * carries one (else drops it), with stb's quality and chroma subsampling.
 */
export async function encodeImage(image: RenderedImage, format: 'png' | 'jpg', quality: number): Promise<Buffer> {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) {
    throw new RenderRecipesError('INTERNAL', `Image buffer holds ${rgba.length} bytes, expected ${width}x${height}x4 = ${width * height * 4}`);
  }
  const stbQuality = Number.isFinite(quality) ? Math.round(quality) : 0;
  if (imageEncoder === 'brayns') {
    // Seconds of CPU per full-HD frame: on the main thread it would stall the next render's tiles.
    return encodeStbOffThread(format, rgba, width, height, stbQuality);
  }
  const pixels = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } });
  if (format === 'png') return pixels.png().toBuffer();
  const q = stbQuality === 0 ? 90 : Math.min(100, Math.max(1, stbQuality));
  const bg = image.background;
  const opaque =
    bg === undefined
      ? pixels.removeAlpha()
      : pixels.flatten({ background: { r: to8(bg[0]), g: to8(bg[1]), b: to8(bg[2]) } });
  return opaque.jpeg({ quality: q, chromaSubsampling: q <= 90 ? '4:2:0' : '4:4:4' }).toBuffer();
}

function to8(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v * 255)));
}
