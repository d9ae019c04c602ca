import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBatchScript } from '../../src/slurm/script.js';
import { slurmAvailable, waitForJob } from './cluster.js';
import { HOSTILE_RECIPES } from './hostile-names.js';

/**
 * Hostile recipe names and directories go through the generated script into a real bash (and a real
 * sbatch when Slurm is up). A fake `render-recipes` first in PATH records the argv it receives; no
 * `pwned` file may appear anywhere.
 */

const FAKE = `#!/bin/sh
: > "$FAKE_ARGV"
for a in "$@"; do printf '%s\\0' "$a" >> "$FAKE_ARGV"; done
pwd > "$FAKE_PWD"
exit 7
`;
const BRAYNS_CMD = "braynsService --uri 0.0.0.0:{port} --name 'it''s' $(touch pwned)";

let root: string;
let env: NodeJS.ProcessEnv;
let cwd: string;
let out: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rr-hostile-'));
  cwd = join(root, "my 'project' $HOME $(touch pwned) `touch pwned`");
  out = join(root, "out $(touch pwned) `touch pwned` it's 100% ; touch pwned");
  await mkdir(cwd);
  await mkdir(join(root, 'bin'));
  await writeFile(join(root, 'bin', 'render-recipes'), FAKE);
  await chmod(join(root, 'bin', 'render-recipes'), 0o755);
  env = {
    ...process.env,
    PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}`,
    FAKE_ARGV: join(root, 'argv'),
    FAKE_PWD: join(root, 'pwd'),
  };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function script(array: number | undefined): string {
  return buildBatchScript({
    recipes: HOSTILE_RECIPES,
    out,
    cwd,
    nodes: 1,
    array,
    braynsCmd: BRAYNS_CMD,
    command: ['render-recipes'],
    version: 'test',
  });
}

async function recordedArgv(): Promise<string[]> {
  return (await readFile(join(root, 'argv'), 'utf8')).split('\0').slice(0, -1);
}

async function pwnedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.includes('pwned') && !entry.includes('$(touch pwned)') && !entry.includes('`touch pwned`'));
}

describe('hostile names in the batch script', () => {
  it('the names are live: naively double-quoted, bash would run them (control)', async () => {
    spawnSync('bash', ['-c', `render-recipes "${HOSTILE_RECIPES[0]}"`], { cwd: root, env });
    expect(await pwnedFiles(root)).toContain('pwned');
  });

  it('bash runs the script with every value as one literal argument and runs nothing else', async () => {
    const file = join(root, 'job.sh');
    await writeFile(file, script(3));
    const result = spawnSync('bash', [file], {
      cwd: root,
      env: { ...env, SLURM_JOB_ID: '42', SLURM_JOB_NODELIST: 'vm', SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' },
      encoding: 'utf8',
    });
    // The job ends with the run's exit status.
    expect(result.status).toBe(7);
    expect(await recordedArgv()).toEqual(['run', '--slurm', '--out', out, '--shard', '1/3', '--brayns-cmd', BRAYNS_CMD, '--', ...HOSTILE_RECIPES]);
    expect((await readFile(join(root, 'pwd'), 'utf8')).trim()).toBe(cwd);
    expect(await pwnedFiles(root)).toEqual([]);
  });

  it.runIf(slurmAvailable)('sbatch reads the #SBATCH lines of a hostile output directory and the job runs nothing else', async () => {
    const file = join(root, 'job.sh');
    await writeFile(file, script(undefined));
    await mkdir(join(out, '.slurm'), { recursive: true });
    const submitted = spawnSync('sbatch', ['--parsable', file], { cwd: root, env, encoding: 'utf8' });
    expect(submitted.stderr).toBe('');
    const jobId = submitted.stdout.trim();
    await waitForJob(jobId, 60_000);
    // The log is where the #SBATCH line says, '%' in the directory name kept literally.
    const log = await readFile(join(out, '.slurm', `job-${jobId}.log`), 'utf8');
    expect(log).toContain(`render-recipes: job ${jobId} on `);
    expect(await recordedArgv()).toEqual(['run', '--slurm', '--out', out, '--brayns-cmd', BRAYNS_CMD, '--', ...HOSTILE_RECIPES]);
    expect(await pwnedFiles(root)).toEqual([]);
  });
});
