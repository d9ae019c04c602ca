import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RenderRecipesError } from '../errors.js';
import { runSlurmTool } from './commands.js';
import { scriptFileName } from './script.js';

export interface SubmitResult {
  jobId: string;
  /** Where the script was saved: `<out>/.slurm/job-<hash>.sh`. */
  scriptPath: string;
}

/** Saves the script next to the outputs (so the job can be resubmitted by hand) and submits it. */
export async function submitBatchScript(
  script: string,
  options: { out: string; cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<SubmitResult> {
  const dir = join(options.out, '.slurm');
  const scriptPath = join(dir, scriptFileName(script));
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(scriptPath, script, { mode: 0o755 });
  } catch (error) {
    throw new RenderRecipesError('OUTPUT', `cannot write the batch script to ${scriptPath}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that --out is a directory you can write to',
    });
  }
  const { stdout } = await runSlurmTool('sbatch', ['--parsable', scriptPath], {
    env: options.env,
    cwd: options.cwd,
    signal: options.signal,
  });
  // --parsable prints `<id>` or `<id>;<cluster>`.
  const jobId = /^(\d+)(;\S+)?$/.exec(stdout.trim())?.[1];
  if (!jobId) {
    throw new RenderRecipesError('SLURM', `sbatch accepted ${scriptPath} but printed no job id: ${JSON.stringify(stdout.trim())}`);
  }
  return { jobId, scriptPath };
}
