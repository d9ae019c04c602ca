import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compilePlan, contentId, formatPlanSummary, type Plan } from '../../src/plan/index.js';
import { loadRecipes } from '../../src/recipe/index.js';

/**
 * Plan snapshots of the example recipes. Plans hold absolute circuit paths (the Brayns host needs
 * them), so the checkout's location is replaced by a fixed root before compiling: the snapshot,
 * ids and hashes are then the same on every machine and any change to them shows up in review.
 */
const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixed = '/fixed/render-recipes/';

let plan: Plan;
beforeAll(async () => {
  const loaded = await loadRecipes(['recipes'], { cwd: repo });
  expect(loaded.diagnostics).toEqual([]);
  const recipes = loaded.recipes.map((r) => {
    const raw = { ...r.raw, circuit: { ...r.raw.circuit, path: r.raw.circuit.path.replace(repo, fixed) } };
    // The recipe hash covers the absolute circuit path too, so it is taken again after the move.
    return { ...r, raw, hash: contentId(raw) };
  });
  const compiled = compilePlan(recipes, { cwd: repo });
  expect(compiled.diagnostics).toEqual([]);
  plan = compiled.plan;
});

describe('example recipes', () => {
  it('compile to the reviewed plan', async () => {
    // Pretty-printed from the canonical form, so keys stay sorted and diffs stay readable.
    await expect(`${JSON.stringify(JSON.parse(canonicalJson(plan)), null, 1)}\n`).toMatchFileSnapshot('__snapshots__/examples.plan.json');
  });

  it('summarise to the reviewed text', async () => {
    await expect(formatPlanSummary(plan, { maxRows: 5, outDir: '/renders' })).toMatchFileSnapshot('__snapshots__/examples.summary.txt');
  });

  it('expand as their comments say', () => {
    const count = (name: string): number => plan.tasks.filter((t) => t.recipe === name).length;
    expect([count('seed'), count('sweep'), count('movie'), count('figure')]).toEqual([1, 27, 101, 6]);
    expect(plan.recipes.find((r) => r.name === 'sweep')?.items).toHaveLength(27);
    expect(plan.scenes.map((s) => s.circuit.path)).toEqual(plan.scenes.map(() => `${fixed}samples/circuit/BlueConfig`));
    const movie = plan.tasks.filter((t) => t.recipe === 'movie');
    expect(movie.map((t) => t.frame)).toEqual(Array.from({ length: 101 }, (_, i) => i * 10));
    expect(movie[0]?.output.path).toBe('movie/frame-00000.png');
  });
});
