import type { ErrorCode } from '../errors.js';

/** What the movie stage reports; like run events, the CLI decides how to show them. */
export type MovieEvent = { level: 'info' | 'warn' | 'error'; message: string } & (
  | { type: 'movie-built'; path: string; movieId: string; frames: number; bytes: number; ms: number }
  | { type: 'movie-up-to-date'; path: string; movieId: string }
  /** Frames rendered by other shards of a job array are not there yet: the last shard to finish builds it. */
  | { type: 'movie-waiting'; path: string; movieId: string; waitingFor: number }
  | { type: 'movie-failed'; path: string; movieId: string; code: ErrorCode; error: string; missing: string[] }
);
