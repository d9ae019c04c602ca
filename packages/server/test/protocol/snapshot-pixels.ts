import sharp from 'sharp';
import type { Received } from './raw-client.js';

export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

/** Decoded RGBA pixels of a snapshot answer (R1 base64 `data`, R2/R3 binary attachment). */
export async function pixels(answer: Received): Promise<Pixels> {
  const result = answer.json?.['result'] as { data?: string; color_buffer?: { offset: number; size: number } } | undefined;
  if (!result) throw new Error(`snapshot failed: ${answer.text}`);
  const png =
    result.data !== undefined
      ? Buffer.from(result.data, 'base64')
      : (answer.attachment ?? Buffer.alloc(0)).subarray(result.color_buffer?.offset ?? 0, (result.color_buffer?.offset ?? 0) + (result.color_buffer?.size ?? 0));
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** RGBA of one pixel, from the top-left corner. */
export function at(image: { data: Buffer; width: number }, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return [...image.data.subarray(o, o + 4)];
}
