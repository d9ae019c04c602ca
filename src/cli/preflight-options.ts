import type { PreflightOptions } from '../preflight/index.js';

/** The option texts, the same on validate, plan, run and slurm submit. */
export const NO_PREFLIGHT = ['--no-preflight', "do not open the circuits' files before planning (when only the Brayns host can see them)"] as const;
export const ALLOW_FRAMES = ['--allow-frames-beyond-report', "frames after the end of the circuit's report are a warning, not an error"] as const;

/** What the commands pass to `buildPlan` from `--no-preflight` and `--allow-frames-beyond-report`. */
export function preflightFrom(options: { preflight?: boolean; allowFramesBeyondReport?: boolean }): PreflightOptions | false {
  return options.preflight === false ? false : { allowFramesBeyondReport: options.allowFramesBeyondReport === true };
}
