import { EXIT } from '../../errors.js';
import { ffmpegDiagnostics } from '../../movie/index.js';
import { compilePlan } from '../../plan/index.js';
import { hasErrors, loadRecipes, sortDiagnostics } from '../../recipe/index.js';
import type { RegisterCommand } from '../context.js';
import { ALLOW_FRAMES, NO_PREFLIGHT, preflightFrom } from '../preflight-options.js';
import { preflightRecipes } from '../../preflight/index.js';
import { print } from '../io.js';
import { printDiagnostics } from '../diagnostics.js';

/**
 * `render-recipes validate`: check recipes (files, YAML, schema, semantics, the circuits' files
 * through preflight unless `--no-preflight`, and the expanded plan, e.g. two tasks writing one file).
 */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('validate')
    .description('Check recipes without rendering: prints `ok` per valid recipe, or every problem with its file:line:col.')
    .argument('<recipes...>', 'recipe files or folders of recipes (*.yaml, *.yml; `_*` files are skipped)')
    .option(...NO_PREFLIGHT)
    .option(...ALLOW_FRAMES)
    .action(async (paths, options) => {
      const { io } = ctx;
      const loaded = await loadRecipes(paths, { cwd: io.cwd });
      const preflight = preflightFrom(options);
      const found = preflight ? await preflightRecipes(loaded.recipes, preflight) : [];
      const compiled = compilePlan(loaded.recipes, { cwd: io.cwd });
      const diagnostics = sortDiagnostics([...loaded.diagnostics, ...found, ...compiled.diagnostics, ...(await ffmpegDiagnostics(loaded.recipes, io.env))]);
      const failed = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
      const tasks = new Map<string, number>();
      for (const task of compiled.plan.tasks) tasks.set(task.recipe, (tasks.get(task.recipe) ?? 0) + 1);
      for (const recipe of loaded.recipes) {
        if (failed.has(recipe.file)) continue;
        const n = tasks.get(recipe.name) ?? 0;
        print(io.stdout, `ok ${recipe.file} (${recipe.name}: ${n} task${n === 1 ? '' : 's'})`);
      }
      printDiagnostics(io, diagnostics);
      ctx.setExitCode(hasErrors(diagnostics) ? EXIT.invalidInput : EXIT.ok);
    });
};
