import { crc32 } from 'node:zlib';

/**
 * Just enough of the PNG container to embed and read back text chunks and to tell a complete file
 * from a truncated or damaged one (every chunk's CRC, IEND last) without decoding pixels. The one
 * chunk writer of the project: the client's provenance, the server's snapshot metadata and its
 * stb_image_write encoder all use it (CRC-32 from node:zlib).
 */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngChunk {
  type: string;
  /** Offset of the chunk's length field in the file. */
  offset: number;
  data: Buffer;
}

export type PngCheck = { ok: true; chunks: PngChunk[] } | { ok: false; problem: string };

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(SIGNATURE);
}

/** Walks every chunk, verifying lengths and CRCs; a file is complete only when IEND ends it. */
export function checkPng(bytes: Buffer): PngCheck {
  if (!isPng(bytes)) return { ok: false, problem: 'not a PNG file (bad signature)' };
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return { ok: false, problem: `truncated chunk header at byte ${offset}` };
    const length = bytes.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return { ok: false, problem: `truncated chunk at byte ${offset}` };
    const typeAndData = bytes.subarray(offset + 4, offset + 8 + length);
    if (crc32(typeAndData) !== bytes.readUInt32BE(offset + 8 + length)) {
      return { ok: false, problem: `CRC mismatch in chunk at byte ${offset}` };
    }
    const type = typeAndData.subarray(0, 4).toString('latin1');
    chunks.push({ type, offset, data: bytes.subarray(offset + 8, offset + 8 + length) });
    offset = end;
    if (type === 'IEND') {
      return offset === bytes.length ? { ok: true, chunks } : { ok: false, problem: 'data after IEND' };
    }
  }
  return { ok: false, problem: 'missing IEND chunk (truncated file)' };
}

/** One chunk: length, type, data, CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** An uncompressed iTXt chunk (UTF-8 text, so JSON with any characters survives). */
export function itxtChunk(keyword: string, text: string): Buffer {
  const data = Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    // keyword end, compression flag, compression method, empty language tag end, empty translated keyword end
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(text, 'utf8'),
  ]);
  return pngChunk('iTXt', data);
}

/** tEXt when the text is Latin-1 (what most readers show), iTXt otherwise. */
export function textChunk(keyword: string, text: string): Buffer {
  if (!/^[\x20-\xff\n]*$/.test(text)) return itxtChunk(keyword, text);
  return pngChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]));
}

/** Returns a copy of `png` with `chunks` inserted right after IHDR (readers that stop at IDAT still find them). */
export function withChunksAfterHeader(png: Buffer, chunks: readonly Buffer[]): Buffer {
  if (!isPng(png) || png.length < 33 || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('withChunksAfterHeader: input is not a PNG');
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

/** Returns a copy of `png` with an iTXt chunk inserted right after IHDR. */
export function withTextChunk(png: Buffer, keyword: string, text: string): Buffer {
  return withChunksAfterHeader(png, [itxtChunk(keyword, text)]);
}

/** Decodes tEXt/iTXt chunks into keyword -> text. */
export function readTextChunks(chunks: readonly PngChunk[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const { type, data } of chunks) {
    const nul = data.indexOf(0);
    if (nul < 0) continue;
    const keyword = data.subarray(0, nul).toString('latin1');
    if (type === 'tEXt') texts.set(keyword, data.subarray(nul + 1).toString('latin1'));
    if (type === 'iTXt' && data[nul + 1] === 0) {
      const langEnd = data.indexOf(0, nul + 3);
      const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
      if (transEnd >= 0) texts.set(keyword, data.subarray(transEnd + 1).toString('utf8'));
    }
  }
  return texts;
}
