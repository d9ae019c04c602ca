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

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

function pngWithText(png: Buffer, pairs: [string, string][]): Buffer {
  // Right after IHDR (signature 8 bytes + IHDR 25): readers that stop at IDAT still see the text.
  const afterHeader = 33;
  if (png.length < afterHeader || png.toString('latin1', 12, 16) !== 'IHDR') return png;
  // tEXt holds Latin-1 only (and is what most readers show); other text goes to an iTXt chunk:
  // keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL, UTF-8.
  const chunks = pairs.map(([key, text]) =>
    /^[\x20-\xff\n]*$/.test(text)
      ? chunk('tEXt', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]))
      : chunk('iTXt', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')])),
  );
  return Buffer.concat([png.subarray(0, afterHeader), ...chunks, png.subarray(afterHeader)]);
}

function jpegWithComment(jpeg: Buffer, pairs: [string, string][]): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg;
  const text = Buffer.from(pairs.map(([key, value]) => `${key}: ${value}`).join('\n'), 'utf8').subarray(0, 65533);
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, text, jpeg.subarray(2)]);
}
