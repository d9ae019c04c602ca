import type { LoadedCircuit, RenderCamera } from '../scene/types.js';
import { cameraFrame, cameraRay } from './camera.js';
import { PIXEL_CENTRE } from './pixel-sample.js';
import { sharedBuild } from './prepare.js';
import { Tracer } from './tracer.js';

export interface PickModel {
  id: number;
  /** The model's geometry in world space (its transform applied). */
  circuit: LoadedCircuit;
}

export interface PickHit {
  modelId: number;
  /** World position of the hit. */
  position: [number, number, number];
  /** Index of the hit cell (primitive) in the model. */
  cell: number;
}

/**
 * The first surface the camera sees through a point of its image (OSPRay's framebuffer pick):
 * `u` from the left, `v` from the top, both in [0, 1] of the full camera window. Casts one ray
 * against the same BVHs the renderer uses; null when it hits nothing.
 */
export async function pick(models: readonly PickModel[], camera: RenderCamera, width: number, height: number, u: number, v: number): Promise<PickHit | null> {
  const frame = cameraFrame({ ...camera, region: { x: [0, 1], yTop: [0, 1] } }, width, height, PIXEL_CENTRE);
  const ray = new Float64Array(6);
  ray[0] = u;
  ray[1] = v;
  cameraRay(frame, ray, 0);
  let best: PickHit | null = null;
  let bestT = Infinity;
  for (const model of models) {
    const bvh = await sharedBuild(model.circuit, undefined);
    if (bvh.primKind.length === 0 || bvh.nodeInfo.length < 2) continue;
    const tracer = new Tracer([bvh]);
    if (!tracer.closest(ray[0], ray[1], ray[2]!, ray[3]!, ray[4]!, ray[5]!, 0, bestT)) continue;
    bestT = tracer.t;
    best = {
      modelId: model.id,
      position: [ray[0] + ray[3]! * tracer.t, ray[1] + ray[4]! * tracer.t, ray[2]! + ray[5]! * tracer.t],
      cell: bvh.primCell[tracer.prim]!,
    };
  }
  return best;
}
