import { createHash } from 'node:crypto';
import type { CircuitSpec, ImageFormat, Plan, PlanScene, PlanTask } from '../../../src/plan/types.js';
import { PLAN_FORMAT } from '../../../src/plan/types.js';

/** Hand-built plans for runner tests (the recipe compiler has its own tests). */
export interface PlanShape {
  scenes: number;
  tasksPerScene: number;
  format?: ImageFormat;
  transfer?: 'download' | 'server';
  resolution?: [number, number];
  circuitPath?: string;
  /** Changes the pixels (and ids) of every task. */
  variant?: number;
}

const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

export function circuit(path: string, density: number): CircuitSpec {
  return { path, loader: 'bbp', density, targets: null, gids: null, report: { type: 'none' }, radiusMultiplier: 10, morphology: null };
}

export function makePlan(shape: PlanShape): Plan {
  const format = shape.format ?? 'png';
  const scenes: PlanScene[] = [];
  const tasks: PlanTask[] = [];
  for (let s = 0; s < shape.scenes; s += 1) {
    const c = circuit(shape.circuitPath ?? '/data/circuit/BlueConfig', Math.round(((s + 1) / (shape.scenes + 1)) * 1000) / 1000);
    const scene: PlanScene = { id: hash(c), circuit: c };
    scenes.push(scene);
    for (let f = 0; f < shape.tasksPerScene; f += 1) {
      const body: Omit<PlanTask, 'id'> = {
        sceneId: scene.id,
        recipe: 'test',
        item: `d${s}`,
        frame: f,
        camera: { type: 'perspective', fovy: 45 + (shape.variant ?? 0), view: { kind: 'full-screen' } },
        renderer: { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 1, background: [0, 0, 0, 1], shadows: false, aoSamples: 0 },
        lights: [{ type: 'directional', color: [1, 1, 1], intensity: 1, direction: [0, 0, -1], space: 'camera' }],
        resolution: shape.resolution ?? [8, 6],
        image: { format, quality: format === 'png' ? null : 80 },
        output: { path: `test/d${s}/frame-${String(f).padStart(3, '0')}.${format}`, transfer: shape.transfer ?? 'download' },
        values: { name: 'test', frame: f },
      };
      tasks.push({ id: hash(body), ...body });
    }
  }
  const content = { format: PLAN_FORMAT, recipes: [{ name: 'test', file: 'recipes/test.yaml', hash: 'r', items: [] }], scenes, tasks };
  return { ...content, hash: hash(content) } as Plan;
}
