import { resolve } from 'node:path';
import { EXIT, RenderRecipesError } from '../../errors.js';
import { ffmpegDiagnostics } from '../../movie/index.js';
import { loadRecipes } from '../../recipe/index.js';
import { buildBatchScript, shellQuote, submitBatchScript } from '../../slurm/index.js';
import { selfCommand } from '../../server-command.js';
import { VERSION } from '../../version.js';
import type { RegisterCommand } from '../context.js';
import { printDiagnostics } from '../diagnostics.js';
import { ALLOW_FRAMES, NO_PREFLIGHT, preflightFrom } from '../preflight-options.js';
import { integerOption } from '../integer-option.js';
import { print } from '../io.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `render-recipes slurm submit`: one command from recipes to a queued Slurm job. */
export const register: RegisterCommand = (program, ctx) => {
  const slurm = program.command('slurm').description('Render on a Slurm cluster.');
  slurm
    .command('submit')
    .description(
      'Write a batch script that starts one server per node with srun and renders the recipes across them, and submit it with sbatch.',
    )
    .argument('<recipes...>', 'recipe files or folders')
    .option('--nodes <n>', 'nodes to allocate (one server each)', integerOption('--nodes', 1), 1)
    .option('--tasks-per-node <n>', 'servers per node', integerOption('--tasks-per-node', 1), 1)
    .option('--array <k>', 'split the plan into K array tasks, each rendering its own shard', integerOption('--array', 1))
    .option('--array-limit <m>', 'run at most M array tasks at once', integerOption('--array-limit', 1))
    .option('--partition <name>', 'Slurm partition')
    .option('--time <limit>', 'time limit per job (or array task), e.g. 30, 2:00:00, 1-12:00:00')
    .option('--account <name>', 'account to charge')
    .option('--sbatch-arg <option>', 'another sbatch option for the script, e.g. --exclusive or --qos=high (repeatable)', collect)
    .option('--out <dir>', 'output directory (the script and job logs go to <dir>/.slurm/)', 'renders')
    .option(
      '--brayns-cmd <template>',
      'shell command that starts one server; {port}, {host} (node address) and {cpus} (its CPUs) are filled in (default: the built-in backend)',
    )
    .option('--dry-run', 'print the batch script instead of submitting it')
    .option(...NO_PREFLIGHT)
    .option(...ALLOW_FRAMES)
    .action(async (recipes, options) => {
      const out = resolve(ctx.io.cwd, options.out);
      // A movie is built at the end of the job: without ffmpeg it would fail after all the rendering.
      // (Other recipe problems are the job's to report, like any run's.)
      const { recipes: loaded } = await loadRecipes(recipes, { cwd: ctx.io.cwd });
      const movieProblems = await ffmpegDiagnostics(loaded, ctx.io.env);
      if (movieProblems.length > 0) {
        printDiagnostics(ctx.io, movieProblems);
        ctx.setExitCode(EXIT.invalidInput);
        return;
      }
      const script = buildBatchScript({
        recipes,
        out,
        cwd: ctx.io.cwd,
        nodes: options.nodes,
        tasksPerNode: options.tasksPerNode,
        array: options.array,
        arrayLimit: options.arrayLimit,
        partition: options.partition,
        time: options.time,
        account: options.account,
        sbatchArgs: options.sbatchArg,
        braynsCmd: options.braynsCmd,
        allowFramesBeyondReport: options.allowFramesBeyondReport === true,
        command: selfCommand(),
        version: VERSION,
      });
      if (options.dryRun) {
        ctx.io.stdout.write(script);
        return;
      }
      // Mistakes in the recipes or about the circuits stop here, not after the job waited in the queue.
      const { buildPlan } = await import('../../plan/index.js');
      const { plan, diagnostics } = await buildPlan(recipes, { cwd: ctx.io.cwd, preflight: preflightFrom(options) });
      printDiagnostics(ctx.io, diagnostics);
      if (!plan) throw new RenderRecipesError('RECIPE_INVALID', 'the recipes have errors; nothing was submitted');
      const { jobId, scriptPath } = await submitBatchScript(script, {
        out,
        cwd: ctx.io.cwd,
        env: ctx.io.env,
        signal: ctx.io.signal,
      });
      // stdout is only the id, for `jid=$(render-recipes slurm submit ...)`; the rest is for people.
      print(ctx.io.stdout, jobId);
      const log = options.array === undefined ? `job-${jobId}.log` : `job-${jobId}_<task>.log`;
      print(
        ctx.io.stderr,
        [
          `submitted batch job ${jobId}`,
          `  script:   ${scriptPath} (sbatch it again to resume)`,
          `  log:      ${resolve(out, '.slurm', log)}`,
          `  progress: squeue -j ${jobId}; render-recipes status ${shellQuote(out)}`,
        ].join('\n'),
      );
    });
};
