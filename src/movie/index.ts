// The movie stage: frames into MP4/WebM with ffmpeg, after the run, with a gap check and resume.
import type { buildMovies as BuildMovies } from './build.js';
import type { ffmpegDiagnostics as FfmpegDiagnostics } from './check.js';
export type { MovieOptions, MovieSummary } from './build.js';
export type { MovieEvent } from './events.js';
export { findFfmpeg, requireFfmpeg, FFMPEG_INSTALL_HINT, type FfmpegTools } from './ffmpeg.js';
export { probeMovie, type MovieProbe, type MovieProvenance } from './provenance.js';
export { readMoviesFile, MOVIES_FILE, type MovieRecord, type MoviesFile } from './record.js';
export { moviesStatus, type MoviesStatus } from './status.js';

/**
 * Builds the movies of a finished run. The builder (and the runner's task status it reads, with
 * everything the run stage loads) is imported on the first call, not with this index: `validate`
 * and `plan` come here only for the ffmpeg check.
 */
export async function buildMovies(...args: Parameters<typeof BuildMovies>): ReturnType<typeof BuildMovies> {
  return (await import('./build.js')).buildMovies(...args);
}

/**
 * A problem at `output.movie` of every recipe that wants a movie when ffmpeg cannot be found. Its
 * module builds recipe diagnostics (the recipe stage, with yaml): loaded on the first check, so
 * `status`, which reads the movies file through this index, does not load recipes.
 */
export async function ffmpegDiagnostics(...args: Parameters<typeof FfmpegDiagnostics>): Promise<ReturnType<typeof FfmpegDiagnostics>> {
  return (await import('./check.js')).ffmpegDiagnostics(...args);
}
