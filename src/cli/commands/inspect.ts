import { resolve } from 'node:path';
import { RenderRecipesError } from '../../errors.js';
import { checkImageFile, reproducingRecipeYaml, type Provenance } from '../../output/index.js';
import type { RegisterCommand } from '../context.js';
import { inspectMovie, MOVIE_EXTENSIONS } from './inspect-movie.js';
import { print } from '../io.js';

/** `render-recipes inspect <image>`: the provenance embedded in an output image. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('inspect')
    .description('Show how an image or movie was made (the provenance render-recipes embeds in every output).')
    .argument('<image>', 'an image written by render-recipes run (png, jpg, webp, tiff), or a movie it built (mp4, mkv, mov, webm)')
    .option('--recipe', 'print a recipe (YAML) that reproduces this one image')
    .option('--json', 'print the provenance as JSON')
    .action(async (image, options) => {
      const path = resolve(ctx.io.cwd, image);
      if (MOVIE_EXTENSIONS.test(path)) return inspectMovie(ctx, path, options);
      if (!/\.(png|jpe?g|webp|tiff?)$/i.test(path)) {
        throw new RenderRecipesError('USAGE', `expected an image or movie written by render-recipes (.png, .jpg, .webp, .tiff; .mp4, .mkv, .mov, .webm), got ${path}`);
      }
      const check = await checkImageFile(path);
      if (check.state === 'missing') throw new RenderRecipesError('USAGE', `no such file: ${path}`);
      if (check.state === 'corrupt') {
        throw new RenderRecipesError('OUTPUT', `${path} is not a complete image: ${check.problem}`, { hint: '`render-recipes run` re-renders corrupt outputs' });
      }
      if (!check.provenance) {
        throw new RenderRecipesError('USAGE', `${path} carries no render-recipes provenance`, {
          hint: 'only images written by `render-recipes run` with transfer: download embed it; for files the server wrote, see the run manifest',
        });
      }
      if (options.recipe) print(ctx.io.stdout, reproducingRecipeYaml(check.provenance));
      else if (options.json) print(ctx.io.stdout, JSON.stringify(check.provenance, null, 2));
      else print(ctx.io.stdout, describe(check.provenance, check.sha256));
    });
};

function describe(p: Provenance, sha256: string): string {
  const c = p.scene.circuit;
  const v = p.resolved.view;
  const cam = p.resolved.camera;
  const fmt = (xs: readonly number[]): string => `[${xs.map((x) => Number(x.toPrecision(6))).join(', ')}]`;
  return [
    `task:       ${p.taskHash}`,
    `recipe:     ${p.recipe.name}${p.recipe.file ? ` (${p.recipe.file})` : ''}${p.recipe.item ? `, item ${p.recipe.item}` : ''}`,
    `values:     ${Object.entries(p.recipe.values).map(([k, x]) => `${k}=${x}`).join(' ')}`,
    `circuit:    ${c.path} (${c.loader}, density ${c.density}${c.targets ? `, targets ${c.targets.join(',')}` : ''}, report ${c.report.type}, radius x${c.radiusMultiplier})`,
    `frame:      ${p.frame}`,
    `camera:     ${cam.type === 'perspective' ? `perspective, fovy ${cam.fovy}` : `orthographic, height ${cam.height}`}; view ${JSON.stringify(p.camera.view)}`,
    `            position ${fmt(v.position)} target ${fmt(v.target)} up ${fmt(v.up)}`,
    `renderer:   ${p.renderer.type}, ${p.renderer.samplesPerPixel} spp, ${p.renderer.maxRayBounces} bounces, shadows ${p.renderer.shadows}, ao ${p.renderer.aoSamples}`,
    `lights:     ${p.resolved.lights.map((l) => (l.type === 'ambient' ? `ambient ${l.intensity}` : `directional ${l.intensity} ${fmt(l.direction)}`)).join('; ') || '(none)'}`,
    `image:      ${p.resolution[0]}x${p.resolution[1]} ${p.image.format}${p.image.quality !== null ? ` q${p.image.quality}` : ''}, sha256 ${sha256}`,
    `rendered:   Brayns ${p.brayns.version} (${p.brayns.revision}), render-recipes ${p.tool.version}, plan ${p.planHash}`,
  ].join('\n');
}
