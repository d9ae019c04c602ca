import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseAsc } from './asc.js';
import { morphologyError } from './errors.js';
import { readH5Morphology } from './h5.js';
import type { Morphology } from './model.js';
import { parseSwc } from './swc.js';

export const MORPHOLOGY_EXTENSIONS = ['asc', 'swc', 'h5'] as const;
export type MorphologyFormat = (typeof MORPHOLOGY_EXTENSIONS)[number];

export function morphologyFormat(path: string): MorphologyFormat | null {
  const ext = extname(path).slice(1).toLowerCase();
  return (MORPHOLOGY_EXTENSIONS as readonly string[]).includes(ext) ? (ext as MorphologyFormat) : null;
}

/** Reads one morphology file, choosing the reader from its extension. */
export async function readMorphology(path: string): Promise<Morphology> {
  const format = morphologyFormat(path);
  if (format === null) {
    throw morphologyError(path, `unknown morphology format '${extname(path)}' (expected .asc, .swc or .h5)`);
  }
  if (format === 'h5') return readH5Morphology(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw morphologyError(path, code === 'ENOENT' ? 'no such file' : (error as Error).message, error);
  }
  return format === 'swc' ? parseSwc(text, path) : parseAsc(text, path);
}
