// The movie stage: frames into MP4/WebM with ffmpeg, after the run, with a gap check and resume.
export { buildMovies, type MovieOptions, type MovieSummary } from './build.js';
export type { MovieEvent } from './events.js';
export { findFfmpeg, requireFfmpeg, FFMPEG_INSTALL_HINT, type FfmpegTools } from './ffmpeg.js';
export { probeMovie, type MovieProbe, type MovieProvenance } from './provenance.js';
export { readMoviesFile, MOVIES_FILE, type MovieRecord, type MoviesFile } from './record.js';
