import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT } from '../../errors.js';
import { buildPlan, formatPlanSummary, writePlanJson, type Plan } from '../../plan/index.js';
import { hasErrors } from '../../recipe/index.js';
import type { RegisterCommand } from '../context.js';
import { ALLOW_FRAMES, NO_PREFLIGHT, preflightFrom } from '../preflight-options.js';
import { printDiagnostics } from '../diagnostics.js';
import type { CliIo } from '../io.js';

/** The plan as canonical JSON on stdout, written in chunks (a 100,000-task plan is tens of megabytes). */
function printPlanJson(io: CliIo, plan: Plan): void {
  writePlanJson(plan, (chunk) => io.stdout.write(chunk));
  io.stdout.write('\n');
}

/** `render-recipes plan`: compile recipes and show what would be rendered, without rendering. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('plan')
    .description('Compile recipes into the execution plan and show it: recipes, matrix items, scenes, tasks and output files (renders nothing).')
    .argument('<recipes...>', 'recipe files or folders of recipes (*.yaml, *.yml; `_*` files are skipped)')
    .option('--json', 'print the full plan as canonical JSON (byte-identical for the same recipes)')
    .option('-o, --out <dir>', 'output directory the output paths are relative to (the same default as `run`)', 'renders')
    .option('--all', 'list every task and matrix item instead of the first 20 per scene/recipe')
    .option(...NO_PREFLIGHT)
    .option(...ALLOW_FRAMES)
    .action(async (paths, options, command) => {
      const { io } = ctx;
      const { plan, diagnostics } = await buildPlan(paths, { cwd: io.cwd, env: io.env, preflight: preflightFrom(options) });
      printDiagnostics(io, diagnostics);
      if (!plan || hasErrors(diagnostics)) {
        ctx.setExitCode(EXIT.invalidInput);
        return;
      }
      if (options.json) printPlanJson(io, plan);
      else {
        const outDir = resolve(io.cwd, options.out);
        // Say what `run` would do with each task and why, once there is something to compare with
        // (or when asked with an explicit --out).
        const compare = command.getOptionValueSource('out') === 'cli' || existsSync(outDir);
        // The output checks (and sharp) load only when there are outputs to compare.
        const status = compare ? await (await import('../../run/index.js')).taskStatus(plan, outDir) : undefined;
        io.stdout.write(formatPlanSummary(plan, { outDir, ...(status ? { status } : {}), ...(options.all ? { maxRows: Infinity } : {}) }));
      }
      ctx.setExitCode(EXIT.ok);
    });
};
