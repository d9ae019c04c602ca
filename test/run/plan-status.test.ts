import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildPlan } from '../../src/plan/index.js';
import { defaultEffects } from '../../src/run/effects.js';
import { runPlan } from '../../src/run/executor.js';
import { fakeConnect, fakeServer } from './helpers/fake-client.js';
import { writeRecipe } from './helpers/e2e.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-plan-status-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  stderr.resume();
  const code = await main(args, { stdout, stderr, env: {}, cwd: dir, signal: new AbortController().signal });
  return { code, stdout: text };
}

describe('render-recipes plan --out DIR', () => {
  it('shows for each task whether run will render or skip it, and why', async () => {
    const recipe = await writeRecipe(dir, { frames: 2 });
    const { plan } = await buildPlan([recipe], { cwd: dir });
    if (!plan) throw new Error('recipe did not compile');
    const out = join(dir, 'out');
    await runPlan(plan, { outDir: out, instances: ['ws://fake:1'] }, defaultEffects(fakeConnect([fakeServer('ws://fake:1')])));
    await unlink(join(out, plan.tasks[0]!.output.path));

    const shown = await cli(['plan', recipe, '--out', out]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('render 1 (missing 1); skip 3 (up to date 3)');
    expect(shown.stdout).toMatch(new RegExp(`render \\(missing\\).*-> ${plan.tasks[0]!.output.path}`));

    const withoutOut = await cli(['plan', recipe]);
    expect(withoutOut.stdout).not.toContain('up to date');
  });
});
