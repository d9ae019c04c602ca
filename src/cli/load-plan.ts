import { resolve } from 'node:path';
import { RenderRecipesError } from '../errors.js';
import { buildPlan, readPlanFile, type Plan } from '../plan/index.js';
import type { PreflightOptions } from '../preflight/index.js';
import { formatDiagnostics, summarizeDiagnostics } from '../recipe/index.js';
import type { CliIo } from './io.js';

/** The plan of `run` and `probe --recipe`: from recipes (diagnostics on stderr, exit 2) or a plan file. */
export async function loadPlan(recipes: string[], planFile: string | undefined, io: CliIo, preflight: PreflightOptions | false): Promise<Plan> {
  if (planFile !== undefined) {
    if (recipes.length > 0) throw new RenderRecipesError('USAGE', 'give recipes or --plan, not both');
    return readPlanFile(resolve(io.cwd, planFile));
  }
  if (recipes.length === 0) throw new RenderRecipesError('USAGE', 'expected recipe files or folders (or --plan FILE)');
  const { plan, diagnostics } = await buildPlan(recipes, { cwd: io.cwd, env: io.env, preflight });
  if (diagnostics.length > 0) io.stderr.write(formatDiagnostics(diagnostics, { color: io.stderr.isTTY === true }));
  if (!plan) {
    throw new RenderRecipesError('RECIPE_INVALID', `${summarizeDiagnostics(diagnostics)}; nothing was rendered`);
  }
  return plan;
}
