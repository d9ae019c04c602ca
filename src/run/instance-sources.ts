import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RenderRecipesError } from '../errors.js';

/** Environment variable with instance URIs, comma or space separated. */
export const INSTANCES_ENV = 'RENDER_RECIPES_INSTANCES';

/**
 * The Brayns instances the user named: `--instance` (repeatable), `--instances-file` (one URI per
 * line, `#` comments) and RENDER_RECIPES_INSTANCES, in that order, duplicates removed. Empty means
 * "start something": the built-in backend, `--launch`, or `--slurm`.
 */
export async function namedInstances(options: { instance?: string[]; instancesFile?: string }, env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const uris = [...(options.instance ?? [])];
  if (options.instancesFile !== undefined) {
    const path = resolve(cwd, options.instancesFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new RenderRecipesError('USAGE', `cannot read --instances-file ${path}: ${(error as Error).message}`, {
        hint: 'give a text file with one Brayns URI (host:port or ws://host:port) per line',
      });
    }
    for (const line of text.split(/\r?\n/)) {
      const uri = line.replace(/#.*/, '').trim();
      if (uri !== '') uris.push(uri);
    }
  }
  for (const uri of (env[INSTANCES_ENV] ?? '').split(/[\s,]+/)) if (uri !== '') uris.push(uri);
  return [...new Set(uris)];
}
