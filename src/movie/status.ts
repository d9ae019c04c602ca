import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { listMoviesFiles, readMoviesFile, type MovieRecord, type MovieState } from './record.js';

export interface MoviesStatus {
  movies: { path: string; id: string; state: MovieState; done: boolean; frames: number; missing: string[]; summary: string }[];
  problems: string[];
}

/**
 * The movies of an output directory as the movie stages left them (`movies.json`, one file per
 * shard), merged and checked against the disk: per movie path the best record wins (built beats
 * failed beats waiting), and a movie recorded as built whose file is gone counts as missing.
 */
export async function moviesStatus(dir: string): Promise<MoviesStatus> {
  const status: MoviesStatus = { movies: [], problems: [] };
  const best = new Map<string, MovieRecord>();
  for (const name of await listMoviesFiles(dir)) {
    let file;
    try {
      file = await readMoviesFile(dir, name);
    } catch (error) {
      status.problems.push((error as Error).message);
      continue;
    }
    for (const m of file?.movies ?? []) {
      const known = best.get(m.path);
      if (!known || rank(m.state) > rank(known.state)) best.set(m.path, m);
    }
  }
  for (const m of best.values()) {
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

function rank(state: MovieState): number {
  return state === 'built' || state === 'up to date' ? 2 : state === 'failed' ? 1 : 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
