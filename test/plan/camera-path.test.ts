import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blendViews, orbitView, resolveCamera } from '../../src/brayns/framing.js';
import { buildPlan, canonicalJson, planHash, readPlanFile, type Plan } from '../../src/plan/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-camera-path-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function planOf(text: string): Promise<Plan> {
  await writeFile(join(dir, 'movie.yaml'), text);
  const { plan, diagnostics } = await buildPlan(['movie.yaml'], { cwd: dir });
  expect(diagnostics).toEqual([]);
  if (!plan) throw new Error('no plan');
  return plan;
}

const recipe = (camera: string, frames = '{start: 0, stop: 4}', output = '  movie: {path: "{name}.mp4"}'): string =>
  `version: 1\nname: m\ncircuit:\n  path: /gpfs/circuit/BlueConfig\ncamera:\n${camera}\nresolution: [64, 48]\nframes: ${frames}\noutput:\n  path: "{name}/{frame:03}.png"\n${output}\n`;

const bounds = { min: [0, 0, 0] as [number, number, number], max: [100, 200, 50] as [number, number, number] };

describe('camera paths in the plan', () => {
  it('an orbit gives each frame its own camera; the full turn is frame 0’s camera exactly', async () => {
    const plan = await planOf(recipe('  view: front\n  path: {orbit: {degrees: 360, axis: y}}'));
    const views = plan.tasks.map((t) => t.camera.view);
    expect(views).toEqual([
      { kind: 'direction', direction: 'front', distance: 1 },
      { kind: 'orbit', around: { kind: 'direction', direction: 'front', distance: 1 }, axis: 'y', degrees: 90 },
      { kind: 'orbit', around: { kind: 'direction', direction: 'front', distance: 1 }, axis: 'y', degrees: 180 },
      { kind: 'orbit', around: { kind: 'direction', direction: 'front', distance: 1 }, axis: 'y', degrees: 270 },
      { kind: 'direction', direction: 'front', distance: 1 },
    ]);
    // Distinct task ids (the frame differs), five distinct cameras but the ends.
    expect(new Set(plan.tasks.map((t) => t.id)).size).toBe(5);
    // The compiler's fast plan hash agrees with hashing the plan's plain JSON.
    expect(plan.hash).toBe(planHash(JSON.parse(canonicalJson(plan)) as Plan));
  });

  it('smooth easing starts and ends slowly', async () => {
    const plan = await planOf(recipe('  path: {orbit: {degrees: 100}, easing: smooth}'));
    const degrees = plan.tasks.map((t) => (t.camera.view.kind === 'orbit' ? t.camera.view.degrees : 0));
    expect(degrees[1]).toBeCloseTo(15.625, 9);
    expect(degrees[2]).toBeCloseTo(50, 9);
    expect(degrees[3]).toBeCloseTo(84.375, 9);
    expect(degrees[4]).toBeCloseTo(100, 9);
  });

  it('keyframes pass exactly through their views and blend between them', async () => {
    const plan = await planOf(recipe('  path:\n    keyframes: [{at: 0, view: front}, {at: 0.5, view: top}, {at: 1, view: right}]'));
    const views = plan.tasks.map((t) => t.camera.view);
    expect(views[0]).toEqual({ kind: 'direction', direction: 'front', distance: 1 });
    expect(views[1]).toEqual({ kind: 'blend', from: views[0], to: { kind: 'direction', direction: 'top', distance: 1 }, weight: 0.5 });
    expect(views[2]).toEqual({ kind: 'direction', direction: 'top', distance: 1 });
    expect(views[4]).toEqual({ kind: 'direction', direction: 'right', distance: 1 });
  });

  it('the movie is a plan artifact whose id changes with one frame or a setting, not with its path', async () => {
    const a = await planOf(recipe('  path: {orbit: {}}'));
    expect(a.movies).toHaveLength(1);
    const movie = a.movies?.[0];
    expect(movie).toMatchObject({ recipe: 'm', path: 'm.mp4', fps: 25, codec: 'h264', crf: 18, size: [64, 48] });
    expect(movie?.frames.map((f) => f.path)).toEqual(['m/000.png', 'm/001.png', 'm/002.png', 'm/003.png', 'm/004.png']);
    expect(movie?.frames.map((f) => f.task)).toEqual(a.tasks.map((t) => t.id));
    const oneFrame = await planOf(recipe('  path: {orbit: {}}', '[0, 1, 2, 3, 5]'));
    expect(oneFrame.movies?.[0]?.id).not.toBe(movie?.id);
    expect(oneFrame.tasks.filter((t) => a.tasks.some((u) => u.id === t.id))).toHaveLength(4);
    const fps = await planOf(recipe('  path: {orbit: {}}', undefined, '  movie: {path: "{name}.mp4", fps: 30}'));
    expect(fps.movies?.[0]?.id).not.toBe(movie?.id);
    const moved = await planOf(recipe('  path: {orbit: {}}', undefined, '  movie: {path: "elsewhere/{name}.mp4"}'));
    expect(moved.movies?.[0]?.id).toBe(movie?.id);
    const webm = await planOf(recipe('  path: {orbit: {}}', undefined, '  movie: {path: "{name}.webm"}'));
    expect(webm.movies?.[0]?.codec).toBe('vp9');
  });

  it('a saved movie plan (orbit and keyframe cameras, movies) passes the plan schema of `run --plan`', async () => {
    for (const camera of ['  path: {orbit: {}}', '  path:\n    keyframes: [{at: 0, view: front}, {at: 1, view: top}]']) {
      const plan = await planOf(recipe(camera));
      const file = join(dir, 'plan.json');
      await writeFile(file, canonicalJson(plan));
      expect(await readPlanFile(file)).toEqual(plan);
    }
  });

  it('a plan without movies has no movies key (plan hashes of still recipes do not change)', async () => {
    const plan = await planOf(recipe('  view: top', '0', ''));
    expect('movies' in plan).toBe(false);
  });
});

describe('resolving orbit and blend views', () => {
  it('an orbit turns the framed view about the axis through its target', () => {
    const front = resolveCamera({ type: 'perspective', fovy: 45, view: { kind: 'direction', direction: 'front', distance: 1 } }, bounds, 4 / 3);
    const quarter = resolveCamera({ type: 'perspective', fovy: 45, view: { kind: 'orbit', around: { kind: 'direction', direction: 'front', distance: 1 }, axis: 'y', degrees: 90 } }, bounds, 4 / 3);
    expect(quarter.view.target).toEqual(front.view.target);
    const d = front.view.position[2] - front.view.target[2];
    // +90 degrees about y takes +z to +x.
    expect(quarter.view.position[0] - quarter.view.target[0]).toBeCloseTo(d, 9);
    expect(quarter.view.position[2] - quarter.view.target[2]).toBeCloseTo(0, 9);
    expect(orbitView(front.view, 'y', 0)).toEqual(front.view);
  });

  it('a blend swings around the target at a blended distance, with up kept perpendicular', () => {
    const a = { position: [0, 0, 10] as [number, number, number], target: [0, 0, 0] as [number, number, number], up: [0, 1, 0] as [number, number, number] };
    const b = { position: [20, 0, 0] as [number, number, number], target: [0, 0, 0] as [number, number, number], up: [0, 1, 0] as [number, number, number] };
    const mid = blendViews(a, b, 0.5);
    expect(Math.hypot(...mid.position)).toBeCloseTo(15, 9);
    expect(mid.position[0]).toBeCloseTo(mid.position[2], 9);
    expect(mid.up[1]).toBeCloseTo(1, 9);
    // Opposite directions still give a defined path (turning about up).
    const behind = blendViews(a, { ...a, position: [0, 0, -10] }, 0.5);
    expect(Math.hypot(...behind.position)).toBeCloseTo(10, 9);
    expect(Math.abs(behind.position[0])).toBeCloseTo(10, 9);
  });
});
