import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RenderRecipesError } from '../errors.js';

/**
 * Checks, before anything starts, that the output directory can be written: it is a directory (or
 * can be created under one) and this user may write there. A bad `--out` is the user's to fix, so
 * it is a USAGE error naming the path and the reason, not a failure of every task later.
 */
export async function checkOutDir(outDir: string, flag = '--out'): Promise<void> {
  let path = outDir;
  for (;;) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      // ENOTDIR: some ancestor is a file; walking up finds it and says so.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw refuse(outDir, flag, `${path} cannot be read (${error.code ?? error.message})`);
    });
    if (info) {
      const what = path === outDir ? `it is not a directory` : `${path} is not a directory`;
      if (!info.isDirectory()) throw refuse(outDir, flag, what);
      try {
        await access(path, constants.W_OK | constants.X_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
        throw refuse(outDir, flag, `${path === outDir ? 'it' : path} is not writable (${why})`);
      }
      return;
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}

function refuse(outDir: string, flag: string, reason: string): RenderRecipesError {
  return new RenderRecipesError('USAGE', `cannot write to ${flag} ${outDir}: ${reason}`, {
    hint: `choose another ${flag} directory, or fix its permissions`,
  });
}
