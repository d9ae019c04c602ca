import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadSharp } from './sharp.js';
import type { ImageFormat } from '../plan/index.js';
import { checkPng, isPng, readTextChunks, withTextChunk } from '@render-recipes/protocol';
import { PROVENANCE_KEYWORD, parseProvenanceJson, parseProvenanceXmp, provenanceXmp, type Provenance } from './provenance.js';

/**
 * Turns the PNG a Brayns server sent into the requested format with the provenance embedded.
 * PNG keeps Brayns' bytes untouched and only gains a text chunk; the other formats go through
 * sharp once (Brayns is always asked for PNG, so there is never a lossy double encoding).
 */
export async function encodeWithProvenance(
  png: Buffer,
  image: { format: ImageFormat; quality: number | null },
  provenance: Provenance,
): Promise<Buffer> {
  const json = JSON.stringify(provenance);
  if (image.format === 'png') return withTextChunk(png, PROVENANCE_KEYWORD, json);
  const sharp = await loadSharp();
  const quality = image.quality ?? undefined;
  const base = sharp(png)
    .withXmp(provenanceXmp(provenance))
    .withExif({ IFD0: { ImageDescription: `render-recipes task ${provenance.taskHash}`, Software: `render-recipes ${provenance.tool.version}` } });
  switch (image.format) {
    case 'jpg':
      // JPEG has no alpha: flatten onto the recipe's background instead of libvips' black.
      return base.flatten({ background: flattenColour(provenance) }).jpeg({ quality: quality ?? 90 }).toBuffer();
    case 'webp':
      return base.webp(quality === undefined ? { lossless: true } : { quality }).toBuffer();
    case 'tiff':
      return base.tiff(quality === undefined ? { compression: 'lzw' } : { compression: 'jpeg', quality }).toBuffer();
  }
}

function flattenColour(provenance: Provenance): { r: number; g: number; b: number } {
  const [r, g, b] = provenance.renderer.background;
  return { r: Math.round(r * 255), g: Math.round(g * 255), b: Math.round(b * 255) };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type ImageCheck =
  | { state: 'missing' }
  | { state: 'corrupt'; problem: string }
  | { state: 'ok'; provenance: Provenance | null; sha256: string; bytes: number };

/**
 * Reads an output file back and decodes it in full: is it complete, and what provenance does it
 * carry? PNGs are first checked chunk by chunk (every CRC), then every format is decoded by sharp,
 * which fails on truncation. Decoding does not see every corruption (a flipped byte inside a
 * WebP or TIFF can decode to other pixels): a resume uses this only for files the output index has
 * no record of; recorded files are compared by their bytes (sha256).
 */
export async function checkImageFile(path: string): Promise<ImageCheck> {
  const sharp = await loadSharp();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'corrupt', problem: `cannot read: ${(error as Error).message}` };
  }
  const digest = sha256(bytes);
  if (bytes.length === 0) return { state: 'corrupt', problem: 'empty file' };
  let provenance: Provenance | null = null;
  if (isPng(bytes)) {
    const check = checkPng(bytes);
    if (!check.ok) return { state: 'corrupt', problem: check.problem };
    const text = readTextChunks(check.chunks).get(PROVENANCE_KEYWORD);
    provenance = text === undefined ? null : parseProvenanceJson(text);
  }
  try {
    const image = sharp(bytes, { failOn: 'truncated' });
    const meta = await image.metadata();
    await image.raw().toBuffer();
    if (!isPng(bytes)) provenance = meta.xmpAsString ? parseProvenanceXmp(meta.xmpAsString) : null;
    return { state: 'ok', provenance, sha256: digest, bytes: bytes.length };
  } catch (error) {
    return { state: 'corrupt', problem: (error as Error).message };
  }
}
