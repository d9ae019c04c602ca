import { execFile } from 'node:child_process';
import { RenderRecipesError } from '../errors.js';
import { expandHostlist } from './hostlist.js';

/** Runs the Slurm client tools (`scontrol`, `sbatch`, `squeue`) and turns their failures into SLURM errors. */

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** Runs `tool args` without a shell; rejects with a SLURM error saying what failed and what it printed. */
export function runSlurmTool(
  tool: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal },
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      [...args],
      { env: options.env, cwd: options.cwd, signal: options.signal, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(
            new RenderRecipesError('SLURM', `cannot run \`${tool}\`: it is not in PATH`, {
              cause: error,
              data: { missingTool: tool },
              hint: 'run this on a Slurm login or compute node (or load the Slurm module), and check SLURM_CONF',
            }),
          );
          return;
        }
        if (error.name === 'AbortError') {
          reject(new RenderRecipesError('CANCELLED', `\`${tool}\` was interrupted`, { cause: error }));
          return;
        }
        const said = stderr.trim() || stdout.trim() || error.message;
        reject(new RenderRecipesError('SLURM', `\`${tool} ${args.join(' ')}\` failed: ${said}`, { cause: error }));
      },
    );
  });
}

/** The job's nodes, in Slurm's order, from SLURM_JOB_NODELIST. */
export async function allocationNodes(env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string[]> {
  const list = env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST;
  if (!list) {
    throw new RenderRecipesError('SLURM', 'not inside a Slurm allocation: SLURM_JOB_NODELIST is not set', {
      hint: 'run `render-recipes run --slurm` from an sbatch script or an salloc shell, or use `render-recipes slurm submit`',
    });
  }
  try {
    const { stdout } = await runSlurmTool('scontrol', ['show', 'hostnames', list], { env, signal });
    return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  } catch (error) {
    // Without scontrol in PATH the list is still readable: the format is documented and stable.
    if (isMissingTool(error)) return expandHostlist(list);
    throw error;
  }
}

/**
 * Where each node is reached (NodeAddr), from `scontrol -o show node`. Emulated nodes (several
 * slurmds on one host) have names that do not resolve, so the name alone is not an address.
 */
export async function nodeAddresses(
  nodes: readonly string[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const addresses = new Map<string, string>(nodes.map((node) => [node, node]));
  let stdout: string;
  try {
    ({ stdout } = await runSlurmTool('scontrol', ['-o', 'show', 'node', nodes.join(',')], { env, signal }));
  } catch (error) {
    // On a real cluster NodeAddr is usually the node name, so the names are the best guess left.
    if (isMissingTool(error)) return addresses;
    throw error;
  }
  for (const line of stdout.split('\n')) {
    const name = /(?:^|\s)NodeName=(\S+)/.exec(line)?.[1];
    const addr = /(?:^|\s)NodeAddr=(\S+)/.exec(line)?.[1];
    if (name && addr && addresses.has(name)) addresses.set(name, addr);
  }
  return addresses;
}

function isMissingTool(error: unknown): boolean {
  return error instanceof RenderRecipesError && typeof error.data === 'object' && error.data !== null && 'missingTool' in error.data;
}
