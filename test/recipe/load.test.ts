import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/index.js';
import { loadRecipes, MAX_RECIPE_BYTES } from '../../src/recipe/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const valid = fileURLToPath(new URL('../fixtures/recipes/valid/', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const recipe = (name: string, extra = ''): string => `version: 1\nname: ${name}\ncircuit:\n  path: c/BlueConfig\n${extra}`;

describe('loadRecipes', () => {
  it('loads the example recipes without a single diagnostic, sorted by file', async () => {
    const { recipes, diagnostics } = await loadRecipes(['recipes'], { cwd: repo });
    expect(diagnostics).toEqual([]);
    expect(recipes.map((r) => r.file)).toEqual(['recipes/figure.yaml', 'recipes/movie.yaml', 'recipes/seed.yaml', 'recipes/sweep.yaml']);
    // The seed points at the bundled sample circuit, resolved against the recipe's folder.
    expect(recipes.find((r) => r.name === 'seed')?.raw.circuit.path).toBe(join(repo, 'samples/circuit/BlueConfig'));
  });

  it('every example recipe names the schema for editors on its first line', async () => {
    const { recipes } = await loadRecipes(['recipes'], { cwd: repo });
    for (const r of recipes) expect(r.layers[0]?.text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/recipe.schema.json');
  });

  it('loads the valid fixtures: extends merges deeply, anchors in x- keys, bases skipped in folders', async () => {
    const { recipes, diagnostics } = await loadRecipes([valid], { cwd: valid });
    expect(diagnostics).toEqual([]);
    expect(recipes.map((r) => r.name)).toEqual(['everything', 'extends-and-anchors']);
    const extended = recipes[1]?.raw;
    expect(extended?.circuit).toEqual({ path: join(valid, 'circuits/BlueConfig'), cells: { density: 0.25, targets: ['mc2_Column'] }, report: { type: 'spikes', colormap: 'viridis' } });
    expect(extended?.renderer).toEqual({ type: 'production', background: 'white' });
    expect(extended?.camera?.view).toEqual({ position: [0, -1000, 0], target: [0, 0, 0], up: [0, 0, 1] });
  });

  it('resolves a base file’s relative circuit path against the base’s own folder', async () => {
    await mkdir(join(dir, 'common'));
    await writeFile(join(dir, 'common', '_circuit.yaml'), 'version: 1\ncircuit:\n  path: ../circuits/BlueConfig\n');
    await mkdir(join(dir, 'figures'));
    await writeFile(join(dir, 'figures', 'a.yaml'), 'version: 1\nname: a\nextends: ../common/_circuit.yaml\n');
    const { recipes, diagnostics } = await loadRecipes(['figures'], { cwd: dir });
    expect(diagnostics).toEqual([]);
    expect(recipes[0]?.raw.circuit.path).toBe(join(dir, 'circuits', 'BlueConfig'));
  });

  it('names both files when two recipes share a name', async () => {
    await writeFile(join(dir, 'a.yaml'), recipe('same'));
    await writeFile(join(dir, 'b.yaml'), recipe('same'));
    const { recipes, diagnostics } = await loadRecipes(['.'], { cwd: dir });
    expect(recipes.map((r) => r.file)).toEqual(['a.yaml']);
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.col])).toEqual([['DUPLICATE_NAME', 'b.yaml', 2, 7]]);
    expect(diagnostics[0]?.message).toContain('a.yaml');
  });

  it('reports missing paths and empty folders without stopping at them', async () => {
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'ok.yaml'), recipe('ok'));
    const { recipes, diagnostics } = await loadRecipes(['nope.yaml', 'empty', 'ok.yaml'], { cwd: dir });
    expect(recipes.map((r) => r.name)).toEqual(['ok']);
    expect(diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['NO_RECIPES', 'empty'],
      ['FILE_NOT_FOUND', 'nope.yaml'],
    ]);
  });

  it('refuses a huge document before parsing it', async () => {
    const big = recipe('big', `x-padding: "${'a'.repeat(MAX_RECIPE_BYTES)}"\n`);
    await writeFile(join(dir, 'big.yaml'), big);
    const { recipes, diagnostics } = await loadRecipes(['big.yaml'], { cwd: dir });
    expect(recipes).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual(['YAML_TOO_LARGE']);
    expect(diagnostics[0]?.message).toMatch(/over the 1048576-byte limit/);
  });

  it('warns (without failing) about quality on a lossless png', async () => {
    await writeFile(join(dir, 'q.yaml'), recipe('q', 'output:\n  path: "{name}.png"\n  quality: 50\n'));
    const { plan, diagnostics } = await buildPlan(['q.yaml'], { cwd: dir });
    expect(plan?.tasks).toHaveLength(1);
    expect(diagnostics.map((d) => [d.severity, d.code, d.line, d.col])).toEqual([['warning', 'FIELD_NOT_APPLICABLE', 7, 12]]);
  });

  it('maps a bad matrix value to the matrix entry, not to the field it replaces', async () => {
    await writeFile(join(dir, 'm.yaml'), recipe('m', 'camera:\n  view: top\nmatrix:\n  view: [front, { direction: up }]\noutput:\n  path: "{name}/{view}.png"\n'));
    const { diagnostics } = await loadRecipes(['m.yaml'], { cwd: dir });
    expect(diagnostics.map((d) => [d.code, d.line, d.col, d.path])).toEqual([['BAD_VALUE', 8, 30, '$.matrix.view[1].direction']]);
    expect(diagnostics[0]?.hint).toBeUndefined();
  });

  it('does not open the circuit: validation is about the recipe only', async () => {
    await writeFile(join(dir, 'r.yaml'), recipe('r'));
    const { plan, diagnostics } = await buildPlan(['r.yaml'], { cwd: dir });
    expect(diagnostics).toEqual([]);
    expect(plan?.scenes[0]?.circuit.path).toBe(join(dir, 'c/BlueConfig'));
  });
});
