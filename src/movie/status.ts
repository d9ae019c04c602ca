import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readMoviesFile, type MovieState } from './record.js';

export interface MoviesStatus {
  movies: { path: string; id: string; state: MovieState; done: boolean; frames: number; missing: string[]; summary: string }[];
  problems: string[];
}

/**
 * The movies of an output directory as the last movie stage left them (`movies.json`), checked
 * against the disk: a movie recorded as built whose file is gone counts as missing.
 */
export async function moviesStatus(dir: string): Promise<MoviesStatus> {
  const status: MoviesStatus = { movies: [], problems: [] };
  let file;
  try {
    file = await readMoviesFile(dir);
  } catch (error) {
    status.problems.push((error as Error).message);
    return status;
  }
  for (const m of file?.movies ?? []) {
    const finished = m.state === 'built' || m.state === 'up to date';
    const present = finished && (await exists(resolve(dir, ...m.path.split('/'))));
    const summary = present
      ? `done (${m.frames} frames${m.bytes !== null ? `, ${m.bytes} bytes` : ''})`
      : finished
        ? 'missing (recorded as built, but the file is gone)'
        : m.state === 'waiting'
          ? `waiting for ${m.missing.length} of ${m.frames} frame(s) from other shards`
          : `FAILED: ${m.error ?? 'unknown error'}`;
    status.movies.push({ path: m.path, id: m.id, state: m.state, done: present, frames: m.frames, missing: m.missing, summary });
  }
  return status;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
