import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../src/plan/index.js';

/** The README's full recipe example must stay a valid recipe, without a single warning. */
describe('README', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows a full recipe example that compiles cleanly', async () => {
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const example = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'the README has a ```yaml block starting with the schema line').toBeDefined();
    dir = await mkdtemp(join(tmpdir(), 'render-recipes-readme-'));
    await writeFile(join(dir, 'example.yaml'), example ?? '');
    const { plan, diagnostics } = await buildPlan([join(dir, 'example.yaml')], { cwd: dir });
    expect(diagnostics).toEqual([]);
    expect(plan?.tasks.length).toBe(84); // 21 frames x 2 densities x 2 views
  });
});
