import { preflightRecipes, type PreflightOptions } from '../preflight/index.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../recipe/diagnostics.js';
import { loadRecipes } from '../recipe/load.js';
import { compilePlan } from './compile.js';
import type { Plan } from './types.js';

export interface BuildPlanOptions {
  cwd: string;
  /** Check the circuits' files before compiling (see `preflightRecipes`); off unless given. */
  preflight?: PreflightOptions | false;
}

/**
 * Loads, checks and compiles recipe files and folders in one call. `plan` is present only when
 * nothing is in error (warnings do not stop it); `diagnostics` holds every problem found.
 */
export async function buildPlan(paths: readonly string[], options: BuildPlanOptions): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const loaded = await loadRecipes(paths, options);
  // The recipes that loaded are preflighted and compiled even when others did not, so one run also
  // reports problems only the circuit files or the expansion show (two tasks writing one file).
  const preflight = options.preflight ? await preflightRecipes(loaded.recipes, options.preflight) : [];
  const compiled = compilePlan(loaded.recipes, options);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...preflight, ...compiled.diagnostics]);
  return hasErrors(diagnostics) ? { diagnostics } : { plan: compiled.plan, diagnostics };
}
