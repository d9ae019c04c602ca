import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RenderRecipesError, type ErrorCode } from '../errors.js';
import type { Plan, PlanMovie, PlanTask } from '../plan/index.js';
import { inShard, outputPath, taskStatus, type Shard } from '../run/index.js';
import { encodeMovie } from './encode.js';
import type { MovieEvent } from './events.js';
import type { FfmpegTools } from './ffmpeg.js';
import { movieProvenance, probeMovie } from './provenance.js';
import { moviesFileName, writeMoviesFile, type MovieRecord } from './record.js';

export interface MovieOptions {
  outDir: string;
  tools: FfmpegTools;
  /** The shard this run rendered: frames of other shards that are missing mean "wait", not "failed". */
  shard: Shard | null;
  /** Rebuild movies that are up to date. */
  force?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: MovieEvent) => void;
}

export interface MovieSummary {
  built: number;
  upToDate: number;
  waiting: number;
  failed: number;
  records: MovieRecord[];
  /** The movies file written, or null when the plan has no movie. */
  path: string | null;
}

const LISTED = 20;

/**
 * The movie stage, after the frames are rendered: for each movie of the plan, check that every
 * frame file is there and carries its task's hash (the gap check), then build the movie unless the
 * file already carries this movie's id. Every movie of the plan is looked at, not only this shard's:
 * a job array has no "last task", so each array task builds what its end completes.
 */
export async function buildMovies(plan: Plan, options: MovieOptions): Promise<MovieSummary> {
  const summary: MovieSummary = { built: 0, upToDate: 0, waiting: 0, failed: 0, records: [], path: null };
  const movies = plan.movies ?? [];
  if (movies.length === 0) return summary;
  const emit = options.onEvent ?? (() => undefined);
  const tasks = new Map<string, PlanTask>(plan.tasks.map((t) => [`${t.id}\0${t.output.path}`, t]));
  for (const movie of movies) {
    if (options.signal?.aborted) break;
    const record = await buildOne(plan, movie, tasks, options, emit);
    summary.records.push(record);
    if (record.state === 'built') summary.built += 1;
    else if (record.state === 'up to date') summary.upToDate += 1;
    else if (record.state === 'waiting') summary.waiting += 1;
    else summary.failed += 1;
  }
  summary.path = await writeMoviesFile(options.outDir, moviesFileName(options.shard), plan.hash, summary.records);
  return summary;
}

async function buildOne(plan: Plan, movie: PlanMovie, tasks: ReadonlyMap<string, PlanTask>, options: MovieOptions, emit: (e: MovieEvent) => void): Promise<MovieRecord> {
  const base = { path: movie.path, id: movie.id, recipe: movie.recipe, item: movie.item, frames: movie.frames.length, missing: [] as string[], sha256: null, bytes: null, error: null };
  const frameTasks = movie.frames.map((f) => {
    const task = tasks.get(`${f.task}\0${f.path}`);
    if (!task) throw new RenderRecipesError('INTERNAL', `movie ${movie.path} lists frame task ${f.task} (${f.path}), which is not in the plan`);
    return task;
  });
  const status = await taskStatus({ ...plan, tasks: frameTasks }, options.outDir, { shard: options.shard });
  const missing = frameTasks.filter((t) => status.get(t.id)?.action !== 'skip');
  if (missing.length > 0) {
    const ours = missing.filter((t) => inShard(t.id, options.shard));
    const paths = missing.map((t) => t.output.path);
    if (ours.length === 0) {
      emit({ code: 'movie.waiting', level: 'info', message: `movie ${movie.path}: waiting for ${missing.length} frame(s) from other shards; the shard that completes them builds it`, data: { path: movie.path, movieId: movie.id, waitingFor: missing.length } });
      return { ...base, state: 'waiting', missing: paths };
    }
    const listed = paths.slice(0, LISTED).join(', ') + (paths.length > LISTED ? `, ... (${paths.length - LISTED} more)` : '');
    const error = `not built: ${missing.length} of ${movie.frames.length} frame(s) missing or not rendered for this movie: ${listed}`;
    return failed(base, emit, 'MOVIE', error, paths);
  }
  const target = resolve(options.outDir, ...movie.path.split('/'));
  if (!options.force && (await carriesId(target, movie.id, options))) {
    emit({ code: 'movie.up-to-date', level: 'info', message: `movie ${movie.path} is up to date`, data: { path: movie.path, movieId: movie.id } });
    const file = await fileFacts(target);
    return { ...base, state: 'up to date', ...file };
  }
  const start = performance.now();
  try {
    await encodeMovie(movie, frameTasks.map((t) => outputPath(options.outDir, t)), target, movieProvenance(movie, plan.hash), options.tools, options.signal);
  } catch (error) {
    if (options.signal?.aborted) throw new RenderRecipesError('CANCELLED', `interrupted while building ${movie.path}`);
    return failed(base, emit, 'MOVIE', `ffmpeg failed: ${(error as Error).message}`, []);
  }
  const file = await fileFacts(target);
  const ms = Math.round(performance.now() - start);
  emit({ code: 'movie.built', level: 'info', message: `built movie ${movie.path} (${movie.frames.length} frames, ${movie.size[0]}x${movie.size[1]} at ${movie.fps} fps, ${movie.codec}; ${ms} ms)`, data: { path: movie.path, movieId: movie.id, frames: movie.frames.length, bytes: file.bytes, ms } });
  return { ...base, state: 'built', ...file };
}

function failed(base: Omit<MovieRecord, 'state'>, emit: (e: MovieEvent) => void, code: ErrorCode, error: string, missing: string[]): MovieRecord {
  emit({ code: 'movie.failed', level: 'error', message: `FAILED movie ${base.path}: ${error}`, data: { path: base.path, movieId: base.id, code, error, missing } });
  return { ...base, state: 'failed', missing, error };
}

/** Whether the file at `path` is a readable movie made for this movie id (a corrupt file is not). */
async function carriesId(path: string, id: string, options: MovieOptions): Promise<boolean> {
  try {
    await stat(path);
  } catch {
    return false;
  }
  try {
    return (await probeMovie(path, options.tools, options.signal)).provenance?.movieHash === id;
  } catch {
    return false;
  }
}

async function fileFacts(path: string): Promise<{ sha256: string; bytes: number }> {
  const data = await readFile(path);
  return { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}
