import sharp from 'sharp';
import { RenderRecipesError } from '@render-recipes/protocol';
import type { RenderedImage } from '../scene/types.js';
import { encodePngStb } from './png-stb.js';

export type PngEncoder = 'sharp' | 'brayns';

let pngEncoder: PngEncoder = 'sharp';

/**
 * Which PNG encoder snapshots use. `sharp` (libpng, the default) is fast. `brayns` writes PNGs as
 * Brayns does (stb_image_write, see png-stb.ts): the same pixels, files of Brayns' exact length
 * (what Brayns' own test suite compares), at about ten times the encoding time.
 */
export function configurePngEncoder(encoder: PngEncoder): void {
  pngEncoder = encoder;
}

/**
 * Encodes rendered pixels. PNG keeps the alpha channel (a transparent background stays
 * transparent, as Brayns writes it); JPEG has none, so the image is composited over its
 * background colour when it carries one, else its alpha is dropped like Brayns' stb writer does.
 * `quality` (0-100) applies to JPEG only; Brayns' 0 is clamped to sharp's minimum of 1.
 */
export async function encodeImage(image: RenderedImage, format: 'png' | 'jpg', quality: number): Promise<Buffer> {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) {
    throw new RenderRecipesError('INTERNAL', `Image buffer holds ${rgba.length} bytes, expected ${width}x${height}x4 = ${width * height * 4}`);
  }
  const pixels = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } });
  // Every revision writes PNG with stb_image_write (utils/image/codecs/StbiHelper.cpp); `brayns` does too, byte for byte.
  if (format === 'png') return pngEncoder === 'brayns' ? encodePngStb(rgba, width, height) : pixels.png().toBuffer();
  const q = Math.min(100, Math.max(1, Math.round(Number.isFinite(quality) ? quality : 100)));
  const bg = image.background;
  const opaque =
    bg === undefined
      ? pixels.removeAlpha()
      : pixels.flatten({ background: { r: to8(bg[0]), g: to8(bg[1]), b: to8(bg[2]) } });
  return opaque.jpeg({ quality: q }).toBuffer();
}

function to8(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v * 255)));
}
