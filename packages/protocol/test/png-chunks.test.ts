import { describe, expect, it } from 'vitest';
import { checkPng, pngChunk, readTextChunks, textChunk, withChunksAfterHeader } from '../src/index.js';

// The smallest valid PNG: one transparent pixel (IHDR, IDAT, IEND as libpng writes them).
const ONE_PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('the PNG chunk module', () => {
  it('writes chunks byte for byte as libpng does (CRC-32 over type and data)', () => {
    // IEND is fixed by the format: its CRC is AE 42 60 82.
    expect(pngChunk('IEND', new Uint8Array(0)).toString('hex')).toBe('0000000049454e44ae426082');
    const iend = ONE_PIXEL.subarray(ONE_PIXEL.length - 12);
    const idatLength = ONE_PIXEL.readUInt32BE(33);
    const idat = ONE_PIXEL.subarray(33, 33 + 12 + idatLength);
    expect(pngChunk('IDAT', idat.subarray(8, 8 + idatLength))).toEqual(idat);
    expect(pngChunk('IEND', new Uint8Array(0))).toEqual(iend);
  });

  it('puts Latin-1 text in tEXt and other text in iTXt, after IHDR, and reads both back', () => {
    const png = withChunksAfterHeader(ONE_PIXEL, [textChunk('Title', 'Colonne à 10 %'), textChunk('Keywords', 'µm, Δt, 神経')]);
    const check = checkPng(png);
    if (!check.ok) throw new Error(check.problem);
    expect(check.chunks.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'iTXt', 'IDAT', 'IEND']);
    expect(Object.fromEntries(readTextChunks(check.chunks))).toEqual({ Title: 'Colonne à 10 %', Keywords: 'µm, Δt, 神経' });
  });
});
