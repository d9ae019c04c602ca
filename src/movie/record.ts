import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../output/atomic.js';

export const MOVIES_FORMAT = 'render-recipes/movies@1';
/** Beside the manifests; not named `manifest*` so manifest readers never mistake it for one. */
export const MOVIES_FILE = 'movies.json';

export type MovieState = 'built' | 'up to date' | 'waiting' | 'failed';

export interface MovieRecord {
  path: string;
  id: string;
  recipe: string;
  item: string;
  frames: number;
  state: MovieState;
  /** Frame files not (correctly) rendered, in movie order. */
  missing: string[];
  sha256: string | null;
  bytes: number | null;
  error: string | null;
}

export interface MoviesFile {
  format: typeof MOVIES_FORMAT;
  planHash: string;
  movies: MovieRecord[];
}

/**
 * Written by every run (and every shard) that has movies, after the movie stage: each writer looks
 * at all the plan's movies on disk, so the last shard to finish leaves the complete picture.
 */
export async function writeMoviesFile(outDir: string, planHash: string, movies: MovieRecord[]): Promise<string> {
  const path = join(outDir, MOVIES_FILE);
  const body: MoviesFile = { format: MOVIES_FORMAT, planHash, movies };
  await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

/** The movies file of an output directory; null when there is none (no movie asked for). */
export async function readMoviesFile(outDir: string): Promise<MoviesFile | null> {
  let text: string;
  try {
    text = await readFile(join(outDir, MOVIES_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const value = JSON.parse(text) as Partial<MoviesFile>;
  if (value.format !== MOVIES_FORMAT || !Array.isArray(value.movies)) throw new Error(`${join(outDir, MOVIES_FILE)} is not a render-recipes movies file`);
  return value as MoviesFile;
}
