import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { BIN_PATH } from '../../src/server-command.js';
import { slurmAvailable, waitForJob } from './cluster.js';

const SAMPLE_CIRCUIT = fileURLToPath(new URL('../../samples/circuit/BlueConfig', import.meta.url));

/** `render-recipes slurm submit`, run in-process as the bin would run it. */

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'rr slurm cli '));
  // A real recipe: submit checks recipes and their circuit (preflight) before writing the script.
  await writeFile(join(cwd, 'figs.yaml'), `version: 1\nname: figs\ncircuit:\n  path: ${JSON.stringify(SAMPLE_CIRCUIT)}\n`);
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, env, cwd, signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('render-recipes slurm submit', () => {
  it('--dry-run prints the script with absolute paths and this render-recipes', async () => {
    const { code, stdout, stderr } = await cli(['slurm', 'submit', 'figs.yaml', '--nodes', '3', '--array', '4', '--out', 'my out', '--dry-run']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('#SBATCH --nodes=3\n');
    expect(stdout).toContain('#SBATCH --array=0-3\n');
    expect(stdout).toContain(`#SBATCH --output="${cwd}/my out/.slurm/job-%A_%a.log"\n`);
    expect(stdout).toContain(`exec ${process.execPath} ${BIN_PATH} run --slurm --out '${cwd}/my out' \\\n`);
    expect(stdout).toContain(`cd -- '${cwd}'\n`);
    // Nothing written by a dry run (the recipe is the test's own).
    expect(await readdir(cwd)).toEqual(['figs.yaml']);
  });

  it.each([
    [['--nodes', 'two'], "expected --nodes to be an integer >= 1, got 'two'"],
    [['--array', '0'], "expected --array to be an integer >= 1, got '0'"],
    [['--time', '2 hours'], 'expected --time to be a Slurm time limit'],
    [['--partition', 'a;b'], 'expected --partition to be a partition name'],
    [['--brayns-cmd', 'braynsService'], 'expected --brayns-cmd to contain {port}'],
  ])('exits 2 for %j', async (args, message) => {
    const { code, stderr } = await cli(['slurm', 'submit', 'figs.yaml', ...args, '--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exits 2 with the recipe line before writing or submitting anything when a target does not exist', async () => {
    await writeFile(join(cwd, 'figs.yaml'), `version: 1\nname: figs\ncircuit:\n  path: ${JSON.stringify(SAMPLE_CIRCUIT)}\n  cells: {targets: [Layer55]}\n`);
    // No sbatch in PATH: reaching the submission would exit 6.
    const { code, stderr } = await cli(['slurm', 'submit', 'figs.yaml', '--out', 'out'], { PATH: cwd });
    expect(code).toBe(2);
    expect(stderr).toContain('figs.yaml:5:21: target `Layer55` does not exist');
    expect(stderr).toContain('did you mean `Layer5`?');
    await expect(readdir(join(cwd, 'out'))).rejects.toThrow(/ENOENT/);
  });

  it('exits 6 with a hint when sbatch is not installed', async () => {
    const { code, stderr } = await cli(['slurm', 'submit', 'figs.yaml'], { PATH: cwd });
    expect(code).toBe(6);
    expect(stderr).toContain('cannot run `sbatch`: it is not in PATH');
    expect(stderr).toContain('hint:');
  });

  it.runIf(slurmAvailable)('saves the script next to the outputs, submits it and prints only the job id', async () => {
    const { code, stdout, stderr } = await cli(['slurm', 'submit', 'figs.yaml', '--out', 'out', '--time', '5']);
    expect(code).toBe(0);
    const jobId = stdout.trim();
    expect(jobId).toMatch(/^\d+$/);
    const [script] = await readdir(join(cwd, 'out', '.slurm'));
    expect(script).toMatch(/^job-[0-9a-f]{12}\.sh$/);
    expect(stderr).toContain(`submitted batch job ${jobId}`);
    expect(stderr).toContain(join(cwd, 'out', '.slurm', script ?? ''));
    await waitForJob(jobId, 60_000);
    const log = await readFile(join(cwd, 'out', '.slurm', `job-${jobId}.log`), 'utf8');
    expect(log).toContain(`render-recipes: job ${jobId} on `);
  });
});
