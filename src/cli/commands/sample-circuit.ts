import type { RegisterCommand } from '../context.js';
import { integerOption } from '../integer-option.js';
import { print } from '../io.js';
import { resolve } from 'node:path';

/** `render-recipes sample-circuit <dir>`: write the synthetic cortical column used by the sample recipes. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('sample-circuit')
    .description('Write a synthetic cortical column (BlueConfig, MVD2/MVD3 cells, targets, spikes) to load with the BBP loader.')
    .argument('<dir>', 'directory to write (created if missing; existing sample files are overwritten)')
    .option('--cells <n>', 'number of cells (default: 2000)', integerOption('--cells', 1))
    .option('--seed <s>', 'random seed; the same seed gives byte-identical text files (default: 1)', integerOption('--seed', 0))
    .option('--sonata-nodes', 'also write the cells as a SONATA nodes file (nodes.h5)')
    .action(async (dir, options) => {
      // The generator (and h5wasm) load only for this command.
      const { generateSampleCircuit } = await import('@render-recipes/server');
      const summary = await generateSampleCircuit(resolve(ctx.io.cwd, dir), {
        cells: options.cells,
        seed: options.seed,
        sonataNodes: options.sonataNodes === true,
      });
      const [x, y, z] = summary.extent;
      print(
        ctx.io.stdout,
        [
          `wrote ${summary.cells} cells and ${summary.spikes} spikes (${summary.duration} ms) to ${summary.dir}`,
          `  column: ${x} x ${y} x ${z} um, layers 1-6 stacked along +Y`,
          `  files:  ${summary.files.join(', ')}`,
          `  load:   ${summary.blueConfig}`,
        ].join('\n'),
      );
    });
};
