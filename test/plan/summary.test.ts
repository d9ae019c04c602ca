import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlan, formatPlanSummary, type Plan, type TaskStatus } from '../../src/plan/index.js';

let dir: string;
let plan: Plan;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-summary-'));
  await writeFile(join(dir, 's.yaml'), 'version: 1\nname: s\ncircuit:\n  path: /c/BlueConfig\nframes: [0, 1, 2]\nmatrix:\n  density: [0.1, 0.2]\noutput:\n  path: "{name}/{density}/{frame}.png"\n');
  const built = await buildPlan(['s.yaml'], { cwd: dir });
  if (!built.plan) throw new Error('no plan');
  plan = built.plan;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('formatPlanSummary', () => {
  it('lists recipes with what their matrix expanded to, scenes and their tasks with outputs', () => {
    const text = formatPlanSummary(plan);
    expect(text).toMatch(/^plan [0-9a-f]{16}: 1 recipe, 2 scenes, 6 tasks\n/);
    expect(text).toContain('  s (s.yaml): 6 tasks, matrix: 2 items');
    expect(text).toMatch(/ {4}[0-9a-f]{12} {2}density=0\.1\n/);
    expect(text).toContain('/c/BlueConfig [bbp, density 0.2, no report, radius x1, soma spheres]: 3 tasks');
    expect(text).toContain('-> s/0.2/2.png');
  });

  it('shows the runner’s status per task and counts per action and reason', () => {
    const status = new Map<string, TaskStatus>();
    plan.tasks.forEach((t, i) => status.set(t.id, i < 2 ? { action: 'skip', reason: 'up to date' } : { action: 'render', reason: i < 5 ? 'missing' : 'recipe changed' }));
    const text = formatPlanSummary(plan, { status });
    expect(text).toContain('render 4 (missing 3, recipe changed 1); skip 2 (up to date 2)');
    expect(text).toContain(`skip (up to date)        ${plan.tasks[0]?.id ?? ''}`);
    expect(text).toContain(`render (recipe changed)  ${plan.tasks[5]?.id ?? ''}`);
  });

  it('truncates long lists and says how to see everything', () => {
    const text = formatPlanSummary(plan, { maxRows: 1 });
    expect(text).toContain('... and 1 more item');
    expect(text).toContain('... and 2 more tasks (--all shows every task, --json the full plan)');
  });
});
