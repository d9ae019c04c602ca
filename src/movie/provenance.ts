import type { MovieCodec, PlanMovie } from '../plan/index.js';
import { VERSION } from '../version.js';
import { runTool, type FfmpegTools } from './ffmpeg.js';

export const MOVIE_PROVENANCE_FORMAT = 'render-recipes/movie@1';
/**
 * Container tag that carries the provenance JSON. MP4 keeps custom tags only with
 * `-movflags use_metadata_tags`; Matroska/WebM keep any tag but upper-case its name.
 */
export const MOVIE_TAG = 'render_recipes';

/** What a movie was made from, embedded in the movie: no timestamps, so rebuilding gives the same tag. */
export interface MovieProvenance {
  format: typeof MOVIE_PROVENANCE_FORMAT;
  tool: { name: 'render-recipes'; version: string };
  /** The plan's movie id: hash of the frames' task ids and the movie settings. */
  movieHash: string;
  planHash: string;
  recipe: { name: string; item: string };
  fps: number;
  codec: MovieCodec;
  crf: number;
  size: [number, number];
  /** Frame task ids in movie order (each image's own provenance holds the rest). */
  frames: { count: number; first: number | null; last: number | null; tasks: string[] };
}

export function movieProvenance(movie: PlanMovie, planHash: string): MovieProvenance {
  return {
    format: MOVIE_PROVENANCE_FORMAT,
    tool: { name: 'render-recipes', version: VERSION },
    movieHash: movie.id,
    planHash,
    recipe: { name: movie.recipe, item: movie.item },
    fps: movie.fps,
    codec: movie.codec,
    crf: movie.crf,
    size: movie.size,
    frames: { count: movie.frames.length, first: movie.frames[0]?.frame ?? null, last: movie.frames[movie.frames.length - 1]?.frame ?? null, tasks: movie.frames.map((f) => f.task) },
  };
}

/** What ffprobe reports of a movie file: its video stream and the provenance tag, if any. */
export interface MovieProbe {
  width: number;
  height: number;
  /** Frames per second as ffprobe gives it (`25/1`). */
  frameRate: string;
  codec: string;
  provenance: MovieProvenance | null;
}

interface FfprobeJson {
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; r_frame_rate?: string }[];
  format?: { tags?: Record<string, string> };
}

/** Reads a movie's stream facts and provenance with ffprobe; throws when the file is not a readable movie. */
export async function probeMovie(path: string, tools: FfmpegTools, signal?: AbortSignal): Promise<MovieProbe> {
  const text = await runTool(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,r_frame_rate:format_tags', '-of', 'json', path], signal);
  const json = JSON.parse(text) as FfprobeJson;
  const video = (json.streams ?? []).find((s) => s.codec_type === 'video');
  if (!video) throw new Error(`${path} has no video stream`);
  const tags = json.format?.tags ?? {};
  const tag = Object.entries(tags).find(([key]) => key.toLowerCase() === MOVIE_TAG)?.[1];
  return { width: video.width ?? 0, height: video.height ?? 0, frameRate: video.r_frame_rate ?? '', codec: video.codec_name ?? '', provenance: tag === undefined ? null : parseMovieProvenance(tag) };
}

export function parseMovieProvenance(json: string): MovieProvenance | null {
  try {
    const value = JSON.parse(json) as Partial<MovieProvenance> | null;
    return value?.format === MOVIE_PROVENANCE_FORMAT && typeof value.movieHash === 'string' ? (value as MovieProvenance) : null;
  } catch {
    return null;
  }
}
