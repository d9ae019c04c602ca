import type { LoadedCircuit, RenderCamera } from '../scene/types.js';
import { cameraFrame, cameraRay } from './camera.js';
import { modelBvh } from './geometry.js';
import { Tracer, type TraceModel } from './tracer.js';

/** What a ray through one screen position hits first. */
export interface PickHit {
  /** Index into the `circuits` list handed to `pick`. */
  index: number;
  /** World-space hit point. */
  position: [number, number, number];
  /** The hit primitive's cell (its index into the circuit's cells). */
  cell: number;
}

/**
 * Casts the primary ray through normalized screen position (x, y), origin at the lower left as
 * OSPRay's framebuffer pick takes it, against world-space circuits (transforms already applied).
 */
export async function pick(circuits: readonly LoadedCircuit[], camera: RenderCamera, width: number, height: number, x: number, y: number): Promise<PickHit | null> {
  const models: TraceModel[] = [];
  const owners: number[] = [];
  const cells: Uint32Array[] = [];
  for (const [i, circuit] of circuits.entries()) {
    const bvh = await modelBvh(circuit);
    if (bvh.primKind.length === 0 || bvh.nodeInfo.length < 2) continue;
    models.push(bvh);
    owners.push(i);
    cells.push(bvh.primCell);
  }
  if (models.length === 0) return null;
  const ray = new Float64Array(6);
  ray[0] = x;
  ray[1] = 1 - y;
  cameraRay(cameraFrame(camera, width, height), ray, 0);
  const [ox = 0, oy = 0, oz = 0, dx = 0, dy = 0, dz = 1] = ray;
  const tracer = new Tracer(models);
  if (!tracer.closest(ox, oy, oz, dx, dy, dz, 0, Infinity)) return null;
  const t = tracer.t;
  return {
    index: owners[tracer.model]!,
    position: [ox + t * dx, oy + t * dy, oz + t * dz],
    cell: cells[tracer.model]![tracer.prim]!,
  };
}
