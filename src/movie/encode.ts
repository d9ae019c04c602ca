import { mkdtemp, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tempPathFor } from '../output/index.js';
import type { MovieCodec, PlanMovie } from '../plan/index.js';
import { runTool, type FfmpegTools } from './ffmpeg.js';
import { MOVIE_TAG, type MovieProvenance } from './provenance.js';

/** Encoder options per codec; every one is yuv420p, the pixel format players everywhere decode. */
const CODEC_ARGS: Readonly<Record<MovieCodec, (crf: number) => string[]>> = {
  h264: (crf) => ['-c:v', 'libx264', '-crf', String(crf), '-preset', 'medium'],
  // hvc1 is the tag Apple players require for HEVC in MP4.
  h265: (crf) => ['-c:v', 'libx265', '-crf', String(crf), '-x265-params', 'log-level=error', '-tag:v', 'hvc1'],
  // -b:v 0 makes crf the only rate control (constant quality), as with the other two.
  vp9: (crf) => ['-c:v', 'libvpx-vp9', '-crf', String(crf), '-b:v', '0', '-row-mt', '1'],
};

/** The muxer for a movie path: the temp file's name has no usable extension, so it is named explicitly. */
function muxer(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'webm') return 'webm';
  if (ext === 'mkv') return 'matroska';
  if (ext === 'mov') return 'mov';
  return 'mp4';
}

/** A concat-demuxer list line; single quotes inside a path are closed, escaped and reopened. */
function concatLine(path: string): string {
  return `file '${path.replaceAll("'", "'\\''")}'`;
}

/** ffmpeg's arguments for a movie: the frames in order through a concat list (no copies, any file names). */
export function ffmpegArgs(movie: PlanMovie, listPath: string, outputPath: string, provenance: MovieProvenance): string[] {
  const fps = String(movie.fps);
  return [
    '-nostdin', '-v', 'error', '-y',
    // -r before -i: each listed image is one frame at this rate.
    '-f', 'concat', '-safe', '0', '-r', fps, '-i', listPath,
    ...CODEC_ARGS[movie.codec](movie.crf),
    '-pix_fmt', 'yuv420p', '-r', fps,
    '-map_metadata', '-1',
    ...(muxer(movie.path) === 'mp4' || muxer(movie.path) === 'mov' ? ['-movflags', '+use_metadata_tags+faststart'] : []),
    '-metadata', `${MOVIE_TAG}=${JSON.stringify(provenance)}`,
    '-f', muxer(movie.path), outputPath,
  ];
}

/**
 * Encodes the frame files (absolute paths, in movie order) into `outputPath`. The movie is written
 * to a temp file beside it and renamed into place, so a reader, or a run killed mid-encode, never
 * sees half a movie, and two array tasks finishing together both leave a whole one.
 */
export async function encodeMovie(movie: PlanMovie, framePaths: readonly string[], outputPath: string, provenance: MovieProvenance, tools: FfmpegTools, signal?: AbortSignal): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'rr-movie-'));
  await mkdir(dirname(outputPath), { recursive: true });
  const temp = tempPathFor(outputPath);
  try {
    const list = join(work, 'frames.txt');
    await writeFile(list, `ffconcat version 1.0\n${framePaths.map(concatLine).join('\n')}\n`);
    await runTool(tools.ffmpeg, ffmpegArgs(movie, list, temp, provenance), signal);
    await rename(temp, outputPath);
  } finally {
    await rm(temp, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}
