import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlan, canonicalHash, canonicalJson, DEFAULT_LIGHTS, sha256Hex, type Plan } from '../../src/plan/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-plan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function planOf(files: Record<string, string>, paths = Object.keys(files)): Promise<Plan> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const { plan, diagnostics } = await buildPlan(paths, { cwd: dir });
  expect(diagnostics).toEqual([]);
  if (!plan) throw new Error('no plan');
  return plan;
}

const base = (name: string, extra = ''): string => `version: 1\nname: ${name}\ncircuit:\n  path: /gpfs/circuit/BlueConfig\n${extra}`;

describe('compilePlan', () => {
  it('fills every default the way Brayns’ Python client would render the usage example', async () => {
    const { plan } = await buildPlan(['recipes/seed.yaml'], { cwd: repo });
    expect(plan?.scenes).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        circuit: { path: join(repo, 'samples/circuit/BlueConfig'), loader: 'bbp', density: 0.1, targets: null, gids: null, report: { type: 'spikes', transitionTime: 1 }, radiusMultiplier: 20, morphology: null },
      },
    ]);
    const task = plan?.tasks[0];
    expect(plan?.tasks).toHaveLength(1);
    expect(task?.camera).toEqual({ type: 'perspective', fovy: 45, view: { kind: 'full-screen' } });
    expect(task?.renderer).toEqual({ type: 'interactive', samplesPerPixel: 1, maxRayBounces: 3, background: [0.004, 0.016, 0.102, 0], shadows: true, aoSamples: 0 });
    expect(task?.lights).toEqual(DEFAULT_LIGHTS);
    expect(task?.resolution).toEqual([1920, 1080]);
    expect(task?.frame).toBe(0);
    expect(task?.image).toEqual({ format: 'png', quality: null });
    expect(task?.output).toEqual({ path: 'seed/snapshot.png', transfer: 'download' });
  });

  it('gives production renderers their own defaults and converts colours', async () => {
    const plan = await planOf({ 'p.yaml': base('p', 'renderer:\n  type: production\n  background: "#ff8000"\noutput:\n  path: "{name}.jpg"\n') });
    expect(plan.tasks[0]?.renderer).toMatchObject({ samplesPerPixel: 128, maxRayBounces: 7, background: [1, 0.501961, 0, 1] });
    expect(plan.tasks[0]?.image).toEqual({ format: 'jpg', quality: 90 });
  });

  it('turns times in ms into frames at 0.01 ms per frame, ranges included', async () => {
    const plan = await planOf({
      't.yaml': base('t', 'frames:\n  start_ms: 0.5\n  stop_ms: 1\n  step_ms: 0.25\noutput:\n  path: "{name}/{frame:05}-{time}ms.png"\n'),
      'u.yaml': base('u', 'frames:\n  times_ms: [0.07, 0.1]\noutput:\n  path: "{name}/{frame}.png"\n'),
      'v.yaml': base('v', 'frames:\n  start: 0\n  stop: 25\n  step: 10\noutput:\n  path: "{name}/{frame}.png"\n'),
    });
    const frames = (recipe: string): [number, string][] => plan.tasks.filter((t) => t.recipe === recipe).map((t) => [t.frame, t.output.path]);
    expect(frames('t')).toEqual([
      [50, 't/00050-0.5ms.png'],
      [75, 't/00075-0.75ms.png'],
      [100, 't/00100-1ms.png'],
    ]);
    expect(frames('u')).toEqual([
      [7, 'u/7.png'],
      [10, 'u/10.png'],
    ]);
    expect(frames('v').map(([f]) => f)).toEqual([0, 10, 20]);
  });

  it('deduplicates scenes by circuit and sorts tasks by scene, frame and id', async () => {
    const plan = await planOf({
      'a.yaml': base('a', 'frames: [1, 3]\noutput:\n  path: "{name}/{frame}.png"\n'),
      'b.yaml': base('b', 'frames: 2\noutput:\n  path: "{name}/{frame}.png"\n'),
      'c.yaml': base('c').replace('/gpfs/circuit/', '/gpfs/other/'),
    });
    expect(plan.scenes).toHaveLength(2);
    const keys = plan.tasks.map((t) => [t.sceneId, t.frame, t.id]);
    expect(keys).toEqual([...keys].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1]) || String(x[2]).localeCompare(String(y[2]))));
    expect(plan.tasks.filter((t) => t.sceneId === plan.tasks.find((u) => u.recipe === 'a')?.sceneId).map((t) => t.frame)).toEqual([1, 2, 3]);
  });

  it('task ids hash what changes pixels, and only that', async () => {
    const plan = await planOf({
      'a.yaml': base('a', 'output:\n  path: "one/{frame}.png"\n'),
      'b.yaml': base('b', 'output:\n  path: "two/{frame}.png"\n'),
      'c.yaml': base('c', 'renderer:\n  samples_per_pixel: 2\noutput:\n  path: "three/{frame}.png"\n'),
    });
    const id = (recipe: string): string | undefined => plan.tasks.find((t) => t.recipe === recipe)?.id;
    expect(id('a')).toBe(id('b')); // another name and output path: same pixels
    expect(id('c')).not.toBe(id('a'));
    // The fast path equals the documented definition: sha256 of the canonical JSON, 16 hex digits.
    for (const t of plan.tasks) {
      const pixels = { camera: t.camera, frame: t.frame, image: t.image, lights: t.lights, renderer: t.renderer, resolution: t.resolution, scene: t.sceneId, v: 1 };
      expect(t.id).toBe(sha256Hex(canonicalJson(pixels)).slice(0, 16));
    }
    for (const s of plan.scenes) expect(s.id).toBe(sha256Hex(canonicalJson(s.circuit)).slice(0, 16));
  });

  it('is byte-identical across compilations and argument orders, and carries its own hash', async () => {
    await cp(join(repo, 'recipes'), join(dir, 'recipes'), { recursive: true });
    const one = await buildPlan(['recipes/seed.yaml', 'recipes/sweep.yaml', 'recipes/movie.yaml', 'recipes/figure.yaml'], { cwd: dir });
    const two = await buildPlan(['recipes/movie.yaml', 'recipes'], { cwd: dir });
    expect(canonicalJson(one.plan)).toBe(canonicalJson(two.plan));
    const { hash, ...body } = one.plan as Plan;
    expect(hash).toBe(canonicalHash(body));
    expect(hash).toBe(sha256Hex(canonicalJson(body)));
  });

  it('has a plan hash that does not depend on the machine (absolute circuit path, no cwd in it)', async () => {
    const plan = await planOf({ 'fixed.yaml': base('fixed', 'frames: [0, 100]\noutput:\n  path: "{name}/{frame}.png"\n') });
    expect(plan.tasks.map((t) => t.id)).toMatchInlineSnapshot(`
      [
        "51945089ff68137f",
        "610f48ea6e17a70a",
      ]
    `);
    expect(plan.hash).toMatchInlineSnapshot(`"d48e36014ad199dc5d68a0e780720013083a22dc589c61f6850f309f2e5f542b"`);
  });
});

describe('matrix', () => {
  const sweep = (densities: string, key = 'density'): string =>
    base('sweep', `matrix:\n  ${key}: ${densities}\n  view: [front, top]\noutput:\n  path: "{name}/{item}/{view}.png"\n`);

  it('expands the cartesian product and reports what each item is', async () => {
    const plan = await planOf({ 's.yaml': sweep('[0.1, 0.2]') });
    expect(plan.tasks).toHaveLength(4);
    expect(plan.recipes[0]?.items.map((i) => i.values)).toEqual([
      { density: 0.1, view: 'front' },
      { density: 0.1, view: 'top' },
      { density: 0.2, view: 'front' },
      { density: 0.2, view: 'top' },
    ]);
    expect(plan.scenes).toHaveLength(2);
    expect(new Set(plan.tasks.map((t) => t.output.path)).size).toBe(4);
  });

  it('keeps item and task ids when a value is added, reordered, or the key is spelt out', async () => {
    const before = await planOf({ 's.yaml': sweep('[0.1, 0.2]') });
    await rm(join(dir, 's.yaml'));
    const after = await planOf({ 's.yaml': sweep('[0.3, 0.2, 0.1]') });
    await rm(join(dir, 's.yaml'));
    const spelt = await planOf({ 's.yaml': sweep('[0.1, 0.2]', 'circuit.cells.density') });
    const ids = (p: Plan): string[] => p.recipes[0]?.items.map((i) => i.id) ?? [];
    expect(ids(after)).toEqual(expect.arrayContaining(ids(before)));
    expect(ids(after)).toHaveLength(6);
    expect(ids(spelt).sort()).toEqual(ids(before).sort());
    const taskIds = (p: Plan): string[] => p.tasks.map((t) => t.id);
    expect(taskIds(after)).toEqual(expect.arrayContaining(taskIds(before)));
    expect(before.tasks.map((t) => t.output.path)).toEqual(expect.arrayContaining(after.tasks.filter((t) => before.tasks.some((b) => b.id === t.id)).map((t) => t.output.path)));
  });

  it('sweeps frames, explicit views and renderer settings, with safe placeholder values', async () => {
    const plan = await planOf({
      'x.yaml': base(
        'x',
        'matrix:\n  frames: [0, { start: 10, stop: 12 }]\n  view: [{ position: [0, 0, 10], target: [0, 0, 0] }]\n  renderer.samples_per_pixel: [1, 8]\noutput:\n  path: "{name}/{view}/spp{renderer.samples_per_pixel:03}/{frame}.png"\n',
      ),
    });
    expect(plan.tasks).toHaveLength(2 * (1 + 3));
    const paths = plan.tasks.map((t) => t.output.path).sort();
    expect(paths[0]).toMatch(/^x\/view-[0-9a-f]{8}\/spp001\/0\.png$/);
    expect(paths.filter((p) => p.includes('spp008'))).toHaveLength(4);
    // The compiler's fast task serialisation gives exactly the canonical bytes.
    const { hash, ...body } = plan;
    expect(hash).toBe(canonicalHash(body));
  });
});
