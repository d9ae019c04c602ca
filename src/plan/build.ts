import { preflightRecipes, type PreflightOptions } from '../preflight/index.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../recipe/diagnostics.js';
import { ffmpegDiagnostics } from '../movie/check.js';
import { loadRecipes } from '../recipe/load.js';
import { compilePlan } from './compile.js';
import type { Plan } from './types.js';

export interface BuildPlanOptions {
  cwd: string;
  /** Check the circuits' files before compiling (see `preflightRecipes`); off unless given. */
  preflight?: PreflightOptions | false;
  /** The environment to find external tools in (ffmpeg for movies); not checked when absent. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads, checks and compiles recipe files and folders in one call. `plan` is present only when
 * nothing is in error (warnings do not stop it); `diagnostics` holds every problem found. Given
 * `env`, it also reports a movie recipe on a machine without ffmpeg.
 */
export async function buildPlan(paths: readonly string[], options: BuildPlanOptions): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const loaded = await loadRecipes(paths, options);
  // The recipes that loaded are preflighted and compiled even when others did not, so one run also
  // reports problems only the circuit files or the expansion show (two tasks writing one file).
  const preflight = options.preflight ? await preflightRecipes(loaded.recipes, options.preflight) : [];
  const compiled = compilePlan(loaded.recipes, options);
  // With an environment, the external tools the recipes need are checked too (ffmpeg for movies).
  const tools = options.env ? ffmpegDiagnostics(loaded.recipes, options.env) : [];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...preflight, ...compiled.diagnostics, ...tools]);
  return hasErrors(diagnostics) ? { diagnostics } : { plan: compiled.plan, diagnostics };
}
