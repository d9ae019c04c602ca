import { RenderRecipesError } from '../../errors.js';
import { probeMovie, requireFfmpeg, type MovieProbe } from '../../movie/index.js';
import type { CommandContext } from '../context.js';
import { print } from '../io.js';

export const MOVIE_EXTENSIONS = /\.(mp4|mkv|mov|webm)$/i;

/** `render-recipes inspect <movie>`: the provenance render-recipes put into the container's metadata. */
export async function inspectMovie(ctx: CommandContext, path: string, options: { json?: boolean; recipe?: boolean }): Promise<void> {
  if (options.recipe) {
    throw new RenderRecipesError('USAGE', '--recipe reproduces one image; a movie is made of many', { hint: 'inspect one of its frames with --recipe, or run the recipe named below again' });
  }
  const tools = requireFfmpeg(ctx.io.env, 'reading a movie needs ffprobe');
  let probe: MovieProbe;
  try {
    probe = await probeMovie(path, tools, ctx.io.signal);
  } catch (error) {
    throw new RenderRecipesError('OUTPUT', `${path} is not a readable movie: ${(error as Error).message}`);
  }
  const p = probe.provenance;
  if (!p) throw new RenderRecipesError('USAGE', `${path} carries no render-recipes provenance`, { hint: 'only movies built by `render-recipes run` from a recipe with `output.movie` carry it' });
  if (options.json) {
    print(ctx.io.stdout, JSON.stringify(p, null, 2));
    return;
  }
  const frames = p.frames.count === 0 ? 'none' : `${p.frames.count} (simulation frames ${p.frames.first} to ${p.frames.last})`;
  print(
    ctx.io.stdout,
    [
      `movie:      ${p.movieHash}`,
      `recipe:     ${p.recipe.name}${p.recipe.item ? `, item ${p.recipe.item}` : ''}`,
      `frames:     ${frames}`,
      `video:      ${probe.width}x${probe.height} ${probe.codec} at ${probe.frameRate} fps (asked: ${p.codec}, crf ${p.crf}, ${p.fps} fps)`,
      `made by:    render-recipes ${p.tool.version}, plan ${p.planHash}`,
      `first task: ${p.frames.tasks[0] ?? '-'} (\`render-recipes inspect\` on a frame shows how it was rendered)`,
    ].join('\n'),
  );
}
