import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlan, DEFAULT_LIGHTS, RESOLUTION_PRESETS, type Plan } from '../../src/plan/index.js';
import { schemaAt } from '../../src/recipe/schema.js';

/**
 * The schema documents each default (editors show it); the compiler applies them. This checks that
 * the two say the same thing, so the documentation cannot drift from what is rendered.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-defaults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function minimal(extra = '', circuitExtra = ''): Promise<Plan> {
  await writeFile(join(dir, 'm.yaml'), `version: 1\nname: m\ncircuit:\n  path: /c/BlueConfig\n${circuitExtra}${extra}`);
  const { plan, diagnostics } = await buildPlan(['m.yaml'], { cwd: dir });
  expect(diagnostics).toEqual([]);
  if (!plan) throw new Error('no plan');
  return plan;
}

const schemaDefault = (path: string): unknown => schemaAt(path.split('.'))?.default;

describe('defaults', () => {
  it('of the schema are the ones the plan applies', async () => {
    const plan = await minimal('', '  report:\n    type: spikes\n');
    const task = plan.tasks[0];
    const circuit = plan.scenes[0]?.circuit;
    expect(circuit?.loader).toBe(schemaDefault('circuit.loader'));
    expect(circuit?.density).toBe(schemaDefault('circuit.cells.density'));
    expect(circuit?.radiusMultiplier).toBe(schemaDefault('circuit.radius_multiplier'));
    expect(circuit?.report).toEqual({ type: 'spikes', transitionTime: schemaDefault('circuit.report.transition_time') });
    expect(circuit?.morphology).toBeNull();
    expect(task?.camera).toEqual({ type: schemaDefault('camera.type'), fovy: schemaDefault('camera.fovy'), view: { kind: schemaDefault('camera.view') } });
    expect(task?.renderer).toEqual({
      type: schemaDefault('renderer.type'),
      samplesPerPixel: schemaDefault('renderer.samples_per_pixel'),
      maxRayBounces: schemaDefault('renderer.max_ray_bounces'),
      background: schemaDefault('renderer.background'),
      shadows: schemaDefault('renderer.shadows'),
      aoSamples: schemaDefault('renderer.ao_samples'),
    });
    expect(task?.lights).toEqual(DEFAULT_LIGHTS);
    expect(schemaDefault('lights')).toEqual(DEFAULT_LIGHTS.map((l) => ({ ...l })));
    expect(task?.resolution).toEqual(RESOLUTION_PRESETS[schemaDefault('resolution') as string]);
    expect(task?.frame).toBe(schemaDefault('frames'));
    expect(task?.output.transfer).toBe(schemaDefault('output.transfer'));
    expect(task?.output.path).toBe('m/frame-00000.png'); // the default template with an empty {item}
    expect(schemaDefault('output.path')).toBe('{name}/{item}/frame-{frame:05}.png');
  });

  it('of lossy formats use the documented quality; morphology sections default to the soma', async () => {
    const plan = await minimal('output:\n  path: "{name}.webp"\n', '  morphology: {}\n');
    expect(plan.tasks[0]?.image).toEqual({ format: 'webp', quality: schemaDefault('output.quality') });
    expect(plan.scenes[0]?.circuit.morphology).toEqual({
      soma: schemaDefault('circuit.morphology.soma'),
      axon: schemaDefault('circuit.morphology.axon'),
      dendrites: schemaDefault('circuit.morphology.dendrites'),
    });
  });

  it('of production renderers follow Brayns’ ProductionRenderer.default()', async () => {
    const plan = await minimal('renderer:\n  type: production\n');
    expect(plan.tasks[0]?.renderer).toMatchObject({ samplesPerPixel: 128, maxRayBounces: 7 });
  });
});
