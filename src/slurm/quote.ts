import { RenderRecipesError } from '../errors.js';

/**
 * Quoting for the two languages a batch script mixes: the shell body (bash) and the `#SBATCH`
 * header lines, which sbatch reads with its own tiny parser (whitespace-split, double quotes group,
 * no escapes, no expansion). Every user value goes through one of these; none is ever placed in a
 * comment, where a newline would end the comment and start a command.
 */

export { shellQuote } from '../server-command.js';

/** A `#SBATCH --name=value` line for a value checked against `pattern`; the value must need no quoting. */
export function sbatchLine(option: string, value: string, pattern: RegExp, expected: string, flag = option): string {
  if (!pattern.test(value)) {
    throw new RenderRecipesError('USAGE', `expected --${flag} to be ${expected}, got ${JSON.stringify(value)}`, {
      hint: '#SBATCH lines are read by sbatch, not by a shell, so only plain values are accepted there.',
    });
  }
  return `#SBATCH --${option}=${value}`;
}

/**
 * `#SBATCH --option="<dir>/<file>"` for a log path. sbatch groups double-quoted text but has no
 * escape, so `"`, newlines and backslashes (a backslash turns off every `%` pattern) cannot be
 * written in `dir`; a `%` in `dir` is doubled so sbatch does not read `%j`, `%a`... in a directory
 * name as a pattern. `file` is ours and may use the patterns.
 */
export function sbatchPath(option: string, dir: string, file: string, flag: string): string {
  const bad = /["\\\n\r\0]/.exec(dir);
  if (bad) {
    throw new RenderRecipesError(
      'USAGE',
      `expected --${flag} to be a path without double quotes, backslashes or line breaks, got ${JSON.stringify(dir)}`,
      { hint: `sbatch reads the log path from an #SBATCH line, where ${JSON.stringify(bad[0])} cannot be written; choose another directory.` },
    );
  }
  return `#SBATCH --${option}="${dir.replaceAll('%', '%%')}/${file}"`;
}
