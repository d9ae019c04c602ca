import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../output/index.js';

export const MOVIES_FORMAT = 'render-recipes/movies@1';
/** Beside the manifests; not named `manifest*` so manifest readers never mistake it for one. */
export const MOVIES_FILE = 'movies.json';

/**
 * One file per shard, like the manifests: array tasks finishing together never overwrite each
 * other's record (a shard that saw "waiting" cannot hide the one that built the movie).
 */
export function moviesFileName(shard: { index: number; count: number } | null): string {
  return shard && shard.count > 1 ? `movies.shard-${shard.index}-of-${shard.count}.json` : MOVIES_FILE;
}

/** Every movies file of an output directory (the unsharded one and one per shard), sorted. */
export async function listMoviesFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^movies(\.shard-\d+-of-\d+)?\.json$/.test(n)).sort();
}

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

/** Written by every run (and every shard) that has movies, after the movie stage. */
export async function writeMoviesFile(outDir: string, name: string, planHash: string, movies: MovieRecord[]): Promise<string> {
  const path = join(outDir, name);
  const body: MoviesFile = { format: MOVIES_FORMAT, planHash, movies };
  await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

/** A movies file of an output directory; null when there is none (no movie asked for). */
export async function readMoviesFile(outDir: string, name = MOVIES_FILE): Promise<MoviesFile | null> {
  let text: string;
  try {
    text = await readFile(join(outDir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const value = JSON.parse(text) as Partial<MoviesFile>;
  if (value.format !== MOVIES_FORMAT || !Array.isArray(value.movies)) throw new Error(`${join(outDir, name)} is not a render-recipes movies file`);
  return value as MoviesFile;
}
