import { hasErrors, sortDiagnostics, type Diagnostic } from '../recipe/diagnostics.js';
import { ffmpegDiagnostics } from '../movie/check.js';
import { loadRecipes } from '../recipe/load.js';
import { compilePlan } from './compile.js';
import type { Plan } from './types.js';

/**
 * Loads, checks and compiles recipe files and folders in one call. `plan` is present only when
 * nothing is in error (warnings do not stop it); `diagnostics` holds every problem found. Given
 * `env`, it also reports a movie recipe on a machine without ffmpeg.
 */
export async function buildPlan(paths: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const loaded = await loadRecipes(paths, options);
  // The recipes that loaded are compiled even when others did not, so one run also reports
  // problems only the expansion shows (two tasks writing one file).
  const compiled = compilePlan(loaded.recipes, options);
  // With an environment, the external tools the recipes need are checked too (ffmpeg for movies).
  const tools = options.env ? ffmpegDiagnostics(loaded.recipes, options.env) : [];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...compiled.diagnostics, ...tools]);
  return hasErrors(diagnostics) ? { diagnostics } : { plan: compiled.plan, diagnostics };
}
