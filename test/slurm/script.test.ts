import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildBatchScript, scriptFileName, type BatchScriptInput } from '../../src/slurm/script.js';
import { HOSTILE_RECIPES } from './hostile-names.js';

/**
 * The batch scripts, pinned by golden files in test/slurm/golden/ (UPDATE_GOLDEN=1 rewrites them
 * after a deliberate change; review the diff).
 */

const base: BatchScriptInput = {
  recipes: ['recipes/figure-1.yaml'],
  out: '/scratch/alice/renders',
  cwd: '/home/alice/project',
  nodes: 1,
  command: ['/usr/bin/node', '/opt/render-recipes/bin/render-recipes.js'],
  version: '1.0.0',
};

const cases: Record<string, BatchScriptInput> = {
  single: base,
  array: { ...base, recipes: ['recipes/'], nodes: 2, array: 3 },
  'all-options': {
    ...base,
    recipes: ['recipes/movie.yaml', 'recipes/figures/'],
    nodes: 4,
    tasksPerNode: 2,
    array: 10,
    arrayLimit: 4,
    sbatchArgs: ['--exclusive', '--qos=high', '--mem=0', '--constraint=cpu&nvme'],
    partition: 'prod,debug',
    time: '1-12:00:00',
    account: 'proj42',
    braynsCmd: 'module load brayns && braynsService --uri 0.0.0.0:{port} --plugin braynsCircuitExplorer',
  },
  'hostile-names': {
    ...base,
    recipes: HOSTILE_RECIPES,
    out: "/scratch/$(touch pwned)/`touch pwned`/it's 100%",
    cwd: "/home/alice/my 'project' $HOME",
    braynsCmd: "braynsService --uri 0.0.0.0:{port} --name 'it''s'",
  },
};

describe('batch script golden files', () => {
  it.each(Object.keys(cases))('%s', async (name) => {
    const script = buildBatchScript(cases[name] as BatchScriptInput);
    const file = new URL(`golden/${name}.sh`, import.meta.url);
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(file, script);
    expect(script).toBe(await readFile(file, 'utf8'));
  });
});

describe('batch script validation', () => {
  it.each([
    [{ partition: 'a b' }, '--partition'],
    [{ partition: 'debug\n#SBATCH --uid=0' }, '--partition'],
    [{ time: '1 hour' }, '--time'],
    [{ time: '$(date)' }, '--time'],
    [{ account: 'proj;x' }, '--account'],
    [{ out: '/scratch/a"b' }, '--out'],
    [{ out: '/scratch/a\nb' }, '--out'],
    [{ nodes: 0 }, '--nodes'],
    [{ array: 1.5 }, '--array'],
    [{ tasksPerNode: -1 }, '--tasks-per-node'],
    [{ recipes: [] }, 'recipe'],
    [{ arrayLimit: 2 }, '--array-limit needs --array'],
    [{ sbatchArgs: ['--qos=a b'] }, '--sbatch-arg'],
    [{ sbatchArgs: ['--comment="x"'] }, '--sbatch-arg'],
    [{ sbatchArgs: ['exclusive'] }, '--sbatch-arg'],
    [{ sbatchArgs: ['--output=/tmp/x'] }, 'would override'],
    [{ sbatchArgs: ['--nodes=3'] }, 'would override'],
  ] as [Partial<BatchScriptInput>, string][])('rejects %j, naming %s', (change, named) => {
    expect(() => buildBatchScript({ ...base, ...change })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(named) as string }),
    );
  });

  it.each(['30', '45:00', '2:00:00', '1-12', '1-12:30', '1-12:30:00', 'UNLIMITED'])('accepts the time limit %s', (time) => {
    expect(buildBatchScript({ ...base, time })).toContain(`#SBATCH --time=${time}\n`);
  });

  it('names the saved script after its content', () => {
    const a = buildBatchScript(base);
    expect(scriptFileName(a)).toMatch(/^job-[0-9a-f]{12}\.sh$/);
    expect(scriptFileName(a)).toBe(scriptFileName(buildBatchScript({ ...base })));
    expect(scriptFileName(a)).not.toBe(scriptFileName(buildBatchScript({ ...base, nodes: 2 })));
  });
});
