import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Diagnostic } from './diagnostics.js';

const RECIPE_FILE = /\.ya?ml$/i;

/**
 * The recipe files named by command-line paths: files as given, folders searched recursively for
 * *.yaml/*.yml. In folders, names starting with `_` (bases for `extends`) or `.` are skipped,
 * as is node_modules. The result is sorted and without repeats, so the argument order does not
 * change the plan.
 */
export async function discoverRecipeFiles(paths: readonly string[], cwd: string): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const files = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const problem = (file: string, code: Diagnostic['code'], message: string, hint?: string): void => {
    diagnostics.push({ code, severity: 'error', file, line: 0, col: 0, path: '', message, ...(hint ? { hint } : {}) });
  };
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(abs)).isDirectory();
    } catch {
      problem(given, 'FILE_NOT_FOUND', `\`${given}\` does not exist`, 'check the path, relative to the current directory');
      continue;
    }
    if (!isDirectory) {
      files.add(abs);
      continue;
    }
    const found = await walk(abs);
    if (found.length === 0) problem(given, 'NO_RECIPES', `no *.yaml or *.yml recipe in folder \`${given}\``, 'files starting with `_` are bases and are skipped in folders');
    for (const file of found) files.add(file);
  }
  return { files: [...files].sort(), diagnostics };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile() && RECIPE_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

/** How a file is named in diagnostics and in the plan: relative to `cwd` when inside it, '/' separated. */
export function displayPath(abs: string, cwd: string): string {
  const relative = path.relative(cwd, abs);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? abs : relative;
  return shown.split(path.sep).join('/');
}
