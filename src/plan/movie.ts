import { canonicalJson, ID_HEX_LENGTH, sha256Hex } from '../canonical-json.js';
import type { ItemMovie } from './item-expander.js';
import type { PlanMovie } from './types.js';

/**
 * Bumped when the way frames become a movie changes (ffmpeg options, metadata), so existing movies
 * count as stale and are assembled again.
 */
export const MOVIE_HASH_VERSION = 1;

/**
 * The plan entry of one item's movie. Its id hashes the frames' task ids in order (each already a
 * hash of everything that changes that frame's pixels) with the settings that change the movie's
 * bytes, but not its path: like task ids, moving the file does not make it different.
 */
export function planMovie(recipe: string, item: string, movie: ItemMovie, size: [number, number], frames: PlanMovie['frames']): PlanMovie {
  const id = sha256Hex(canonicalJson({ codec: movie.codec, crf: movie.crf, fps: movie.fps, frames: frames.map((f) => f.task), size, v: MOVIE_HASH_VERSION })).slice(0, ID_HEX_LENGTH);
  return { id, recipe, item, path: movie.path, fps: movie.fps, codec: movie.codec, crf: movie.crf, size: [size[0], size[1]], frames };
}
