import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnCli, writeRecipe } from '../run/helpers/e2e.js';

/** What the `render-recipes` binary does before and around any command: the Node floor, a closed stdout. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-bin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bin on a Node.js that reports `version` (the real runtime underneath, its version faked). */
function withNodeVersion(version: string, args: string[]): ReturnType<typeof spawnCli>['done'] {
  const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:${JSON.stringify(version)}})`;
  const child = spawn(process.execPath, ['--import', fake, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('the Node.js floor', () => {
  it('is the one package.json declares: zlib.crc32 (20.15) and Dirent.parentPath (20.12) are used', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.15');
  });

  it.each(['20.9.0', '20.14.1', '18.20.4'])('on Node.js %s even --version says which Node is needed, without a stack trace', async (version) => {
    const result = await withNodeVersion(version, ['--version']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`render-recipes needs Node.js 20.15.0 or newer; this is Node.js ${version}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['20.15.0', '22.0.0'])('on Node.js %s it runs', async (version) => {
    const result = await withNodeVersion(version, ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('a closed stdout', () => {
  it('`plan --json | head`: the reader closing the pipe ends the command quietly', async () => {
    // 2 x 400 tasks: far more JSON than a pipe buffer holds, so the CLI is still writing when the reader goes.
    // Gray: on black, resting cells vanish and plan warns (COLORS_HIDDEN); this test wants a silent stderr.
    const recipe = await writeRecipe(dir, { frames: 400, background: '[0.2, 0.2, 0.2, 1]' });
    // Its 400 frames go past the sample's 100 ms of spikes: preflight is not what this test is about.
    const run = spawnCli(['plan', recipe, '--json', '--no-preflight'], dir);
    await new Promise<void>((resolve) => run.child.stdout?.once('data', () => resolve()));
    run.child.stdout?.destroy();
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
