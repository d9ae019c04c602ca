import { textChunk, withChunksAfterHeader } from '@render-recipes/protocol';

/**
 * R3 snapshot `metadata` ({title, description, where_used, keywords}), embedded in the encoded
 * file: PNG tEXt/iTXt chunks after IHDR, or one JPEG COM segment after SOI. Pixels are untouched.
 */
export interface ImageMetadata {
  title: string;
  description: string;
  where_used: string;
  keywords: string[];
}

function entries(m: ImageMetadata): [string, string][] {
  return [
    ['Title', m.title],
    ['Description', m.description],
    ['Where Used', m.where_used],
    ['Keywords', m.keywords.join(', ')],
  ];
}

export function embedMetadata(image: Buffer, format: 'png' | 'jpg', metadata: ImageMetadata | undefined): Buffer {
  if (!metadata) return image;
  return format === 'png' ? pngWithText(image, entries(metadata)) : jpegWithComment(image, entries(metadata));
}

function pngWithText(png: Buffer, pairs: [string, string][]): Buffer {
  if (png.length < 33 || png.toString('latin1', 12, 16) !== 'IHDR') return png;
  return withChunksAfterHeader(png, pairs.map(([key, text]) => textChunk(key, text)));
}

function jpegWithComment(jpeg: Buffer, pairs: [string, string][]): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg;
  const text = Buffer.from(pairs.map(([key, value]) => `${key}: ${value}`).join('\n'), 'utf8').subarray(0, 65533);
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, text, jpeg.subarray(2)]);
}
