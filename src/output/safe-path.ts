import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { RenderRecipesError } from '../errors.js';
import { normalOutputPath, outputPathEscape } from '../output-path.js';

/**
 * Every file render-recipes writes under `--out` (images, manifests, the output index, temp files,
 * and the movies, contact sheets and galleries of other stages) goes through this module, so that
 * no recipe value and no symlink inside the output folder can make it write elsewhere.
 */

function refuseEscape(root: string, relativePath: string): void {
  const escape = outputPathEscape(relativePath);
  if (escape) {
    throw new RenderRecipesError('USAGE', `refusing to write \`${relativePath}\` under ${root}: ${escape}`, {
      hint: 'output paths must be relative and stay inside --out',
    });
  }
}

/**
 * One run's output directory: its real path and the folders under it this run already checked,
 * so each folder is checked once per run. One per run, not a process-wide cache: a later run (or
 * another run in the same process) sees the folder as it is then. A folder swapped for a symlink
 * during the run after its check is not noticed: the check is against mistakes and hostile
 * recipes, not against a concurrent attacker with write access to `--out`.
 */
export class OutputRoot {
  readonly absolute: string;
  private real: Promise<string> | null = null;
  private readonly checked = new Set<string>();

  constructor(root: string) {
    this.absolute = resolve(root);
  }

  /**
   * The absolute path to write `relativePath` under the root, after making sure it stays there:
   * the path itself must not escape (see outputPathEscape), and every folder on the way that
   * already exists must really lie under the real root (a symlink inside `--out` pointing outside
   * it is refused, never followed). Missing folders are created one by one, so `mkdir -p` never
   * follows a link either. Throws a USAGE error (exit 2) naming the path and the link.
   */
  async resolve(relativePath: string): Promise<string> {
    refuseEscape(this.absolute, relativePath);
    const realRoot = await this.realRoot();
    const normal = normalOutputPath(relativePath);
    const parent = posix.dirname(normal);
    if (parent !== '.' && !this.checked.has(parent)) {
      let current = '';
      for (const segment of parent.split('/')) {
        current = current ? `${current}/${segment}` : segment;
        if (this.checked.has(current)) continue;
        await checkDir(this.absolute, realRoot, current);
        this.checked.add(current);
      }
    }
    return join(this.absolute, ...normal.split('/'));
  }

  private realRoot(): Promise<string> {
    if (!this.real) {
      const absolute = this.absolute;
      this.real = mkdir(absolute, { recursive: true }).then(() => realpath(absolute));
      // A failure (a read-only parent) is reported now and retried by the next call.
      this.real.catch(() => (this.real = null));
    }
    return this.real;
  }
}

/**
 * Checks every path before a run starts, so a bad one stops it at once, without creating anything
 * (a run stopped before its first render leaves no trace): each path must not escape, and each
 * folder on its way that already exists must be a real folder under the real root. Folders that do
 * not exist yet cannot be links; `resolveOutputPath` creates them, checked, when a file is written.
 */
export async function checkOutputPaths(root: string, relativePaths: Iterable<string>): Promise<void> {
  const absoluteRoot = resolve(root);
  const realRoot = await realpath(absoluteRoot).catch(() => null);
  const parents = new Set<string>();
  for (const path of relativePaths) {
    refuseEscape(root, path);
    const parent = posix.dirname(normalOutputPath(path));
    if (parents.has(parent)) continue;
    parents.add(parent);
    if (realRoot === null || parent === '.') continue;
    let current = '';
    for (const segment of parent.split('/')) {
      current = current ? `${current}/${segment}` : segment;
      if (!(await checkDir(absoluteRoot, realRoot, current, false))) break;
    }
  }
}

/** Checks one folder on the way (creating it when `create`); false when it does not exist (and was not created). */
async function checkDir(root: string, realRoot: string, relativeDir: string, create = true): Promise<boolean> {
  const path = join(root, ...relativeDir.split('/'));
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!create) return false;
    try {
      await mkdir(path);
    } catch (mkdirError) {
      // Another writer (a shard of the same job) made it meanwhile: check what is there now.
      if ((mkdirError as NodeJS.ErrnoException).code !== 'EEXIST') throw mkdirError;
    }
    stats = await lstat(path);
  }
  if (stats.isSymbolicLink()) {
    const target = await realpath(path).catch(() => null);
    if (target === null || !isInside(realRoot, target)) {
      throw new RenderRecipesError('USAGE', `refusing to write through ${path}: it is a symlink to ${target ?? 'a missing target'}, outside the output directory ${realRoot}`, {
        hint: 'render-recipes never follows a link out of --out for writing; replace the link by a folder, or point --out at the real location',
      });
    }
  } else if (!stats.isDirectory()) {
    throw new RenderRecipesError('USAGE', `cannot write under ${path}: it is a file, not a folder`, { hint: 'remove or rename it, or change output.path' });
  }
  return true;
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}
