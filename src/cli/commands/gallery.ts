import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT } from '../../errors.js';
import { writeGallery } from '../../output/index.js';
import type { RegisterCommand } from '../context.js';
import { print } from '../io.js';

/** `render-recipes gallery <out>`: rebuilds `<out>/index.html` from the images and manifests there. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('gallery')
    .description('Rebuild the HTML gallery (<out>/index.html) of an output directory: thumbnails by recipe, filters, provenance.')
    .argument('[dir]', 'output directory of `render-recipes run`', 'renders')
    .action(async (dir) => {
      const out = resolve(ctx.io.cwd, dir);
      if (!(await stat(out).catch(() => null))?.isDirectory()) {
        print(ctx.io.stderr, `${dir}: not a directory (expected the output directory of \`render-recipes run\`)`);
        ctx.setExitCode(EXIT.invalidInput);
        return;
      }
      const gallery = await writeGallery(out, { force: true });
      for (const problem of gallery.problems) print(ctx.io.stderr, `warning: ${problem}`);
      print(ctx.io.stdout, `gallery: ${gallery.path} (${gallery.images} image${gallery.images === 1 ? "" : "s"})`);
      ctx.setExitCode(EXIT.ok);
    });
};
