import { problemAt, type Diagnostic, type Recipe } from '../recipe/index.js';
import { FFMPEG_INSTALL_HINT, findFfmpeg } from './ffmpeg.js';

/**
 * A problem at `output.movie` of every recipe that asks for a movie when ffmpeg cannot be found,
 * so `validate`, `plan`, `run` and `slurm submit` say so before anything is rendered.
 */
export function ffmpegDiagnostics(recipes: readonly Recipe[], env: NodeJS.ProcessEnv): Diagnostic[] {
  const wanting = recipes.filter((r) => r.raw.output?.movie !== undefined);
  if (wanting.length === 0) return [];
  const found = findFfmpeg(env);
  if (found.tools) return [];
  return wanting.map((recipe) =>
    problemAt(recipe.layers, { code: 'FFMPEG_MISSING', path: ['output', 'movie'], message: `this recipe makes a movie, but ${found.problem ?? 'ffmpeg is missing'}`, hint: FFMPEG_INSTALL_HINT }),
  );
}
