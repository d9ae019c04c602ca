import type { ErrorCode } from '../errors.js';
import type { EventsOf } from '../events.js';

/** What the movie stage reports; like run events, the CLI decides how to show them. */
export type MovieEvent = EventsOf<{
  'movie.built': { path: string; movieId: string; frames: number; bytes: number; ms: number };
  'movie.up-to-date': { path: string; movieId: string };
  /** Frames rendered by other shards of a job array are not there yet: the last shard to finish builds it. */
  'movie.waiting': { path: string; movieId: string; waitingFor: number };
  'movie.failed': { path: string; movieId: string; code: ErrorCode; error: string; missing: string[] };
}>;
