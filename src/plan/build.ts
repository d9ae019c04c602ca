import type { PreflightOptions } from '../preflight/index.js';
import { hasErrors, loadRecipes, sortDiagnostics, type Diagnostic } from '../recipe/index.js';
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
  // Preflight and the movie stage come after plan and import it: they are loaded here, when asked
  // for, so the plan stage never imports them statically (no cycle, and no circuit readers for
  // `--no-preflight`).
  const preflight = options.preflight ? await (await import('../preflight/index.js')).preflightRecipes(loaded.recipes, options.preflight) : [];
  const compiled = compilePlan(loaded.recipes, options);
  // With an environment, the external tools the recipes need are checked too (ffmpeg for movies).
  const tools = options.env ? await (await import('../movie/index.js')).ffmpegDiagnostics(loaded.recipes, options.env) : [];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...preflight, ...compiled.diagnostics, ...tools]);
  return hasErrors(diagnostics) ? { diagnostics } : { plan: compiled.plan, diagnostics };
}
