import type { LoadedCircuit, RenderRequest } from '../scene/types.js';
import type { Revision } from '@render-recipes/protocol';
import { cameraFrame } from './camera.js';
import { packClipping } from './clipping.js';
import { LINEAR_BYTES } from './color-pipeline.js';
import { PIXEL_CENTRE, braynsSample } from './pixel-sample.js';
import { BuildCancelled, type ModelBvh, modelBvh } from './geometry.js';
import type { JobModel, RenderJob } from './job.js';
import type { FloatPlanes } from './planes.js';
import { resolveLighting } from './lights.js';
import { SharedBufferRing } from './buffer-ring.js';
import { leafOrderColors } from './leaf-colors.js';
import { packMaterial } from './materials.js';
import { isFrozenColors } from './frozen-colors.js';
import { type ShadowGrid, shadowGrid } from './shadow-grid.js';

/** Tiles small enough that cancellation and load balancing stay fine-grained at full HD (2040 tiles). */
export const TILE_SIZE = 32;

/** Buffers for each render's copy of its models' colours (a few models, two renders in flight). */
const colorBuffers = new SharedBufferRing(8);

/**
 * This frame's colours in shared memory for the workers: a copy, so a caller changing its array
 * mid-render cannot mix two frames' colours. Handed back by `releaseJob`.
 */
function sharedCopy(values: Float32Array): Float32Array {
  const copy = new Float32Array(colorBuffers.take(values.length * 4), 0, values.length);
  copy.set(values);
  return copy;
}

/** This frame's colours: frozen ones in place (they never change), others copied. */
function frameColors(values: Float32Array): Float32Array {
  return isFrozenColors(values) ? values : sharedCopy(values);
}

/** Hands a finished (or abandoned) job's colour copies back for the next render's. */
export function releaseJob(job: RenderJob): void {
  for (const model of job.models) {
    if (model.leafColors === undefined && !isFrozenColors(model.colors)) colorBuffers.give(model.colors.buffer as SharedArrayBuffer);
  }
}

const NO_COLORS = new Float32Array(0);

function count(value: number, min: number): number {
  return Number.isFinite(value) ? Math.max(min, Math.floor(value)) : min;
}

/**
 * The cached BVH of a circuit. A build started by another request that was then cancelled is
 * restarted under this request's signal instead of failing it.
 */
export async function sharedBuild(circuit: LoadedCircuit, signal: AbortSignal | undefined): Promise<ModelBvh> {
  for (;;) {
    try {
      return await modelBvh(circuit, signal);
    } catch (error) {
      if (!(error instanceof BuildCancelled) || signal?.aborted === true) throw error;
    }
  }
}

/** Per directional light (7 numbers each, lights.ts), the model's grid along it when the light casts shadows. */
async function shadowGrids(bvh: ModelBvh, directional: readonly number[]): Promise<(ShadowGrid | null)[]> {
  const grids: (ShadowGrid | null)[] = [];
  for (let i = 0; i < directional.length; i += 7) {
    grids.push(directional[i + 6] === 1 ? await shadowGrid(bvh, directional[i]!, directional[i + 1]!, directional[i + 2]!) : null);
  }
  return grids;
}

/** What a render adds to its request: accumulation and float outputs (see RenderJob). */
export interface JobExtras {
  sampleBase?: number;
  planes?: FloatPlanes;
}

/** Where samples sampleBase .. sampleBase + samples - 1 of a Brayns revision lie in every pixel. */
function samplePositions(revision: Revision, sampleBase: number, samples: number): Float64Array {
  const positions = new Float64Array(samples * 2);
  for (let s = 0; s < samples; s++) {
    const p = braynsSample(revision, sampleBase + s);
    positions[s * 2] = p.x;
    positions[s * 2 + 1] = p.y;
  }
  return positions;
}

/** Resolves a request into a RenderJob: camera frame, lights, cached BVHs and this frame's colours. */
export async function prepareJob(req: RenderRequest, signal?: AbortSignal, extras: JobExtras = {}): Promise<RenderJob> {
  const sampleBase = extras.sampleBase ?? 0;
  // One-sample renders put their sample where Brayns does; more samples (or a later accumulation frame) jitter around the centre.
  const first = count(req.renderer.samplesPerPixel, 1) === 1 && sampleBase === 0;
  const camera = cameraFrame(req.camera, req.width, req.height, first ? (req.pixelSample ?? PIXEL_CENTRE) : PIXEL_CENTRE);
  const lighting = resolveLighting(req.lights, camera);
  const r = req.renderer;
  const models: JobModel[] = [];
  let lo = [Infinity, Infinity, Infinity];
  let hi = [-Infinity, -Infinity, -Infinity];
  for (const model of req.models) {
    const bvh = await sharedBuild(model.circuit, signal);
    // A model of infinite planes only has no BVH but still draws.
    if ((bvh.primKind.length === 0 || bvh.nodeInfo.length < 2) && bvh.planes.length === 0) continue;
    const leafColors = leafOrderColors(bvh, model.colors);
    models.push({
      nodeBounds: bvh.nodeBounds,
      nodeInfo: bvh.nodeInfo,
      prims: bvh.prims,
      primStride: bvh.primStride,
      primKind: bvh.primKind,
      primCell: bvh.primCell,
      frame: bvh.frame,
      shapePlanes: bvh.shapePlanes,
      planes: bvh.planes,
      planeBase: bvh.planeBase,
      // Every key always, in this order: the hot loops' optimised code checks the objects'
      // shape, and models of a shape that came and went (keys present or not) made V8 throw that
      // code away at collections and run them unoptimised, boxing every float (24 MB of garbage
      // per morphology frame in a process that had rendered spheres first).
      colors: leafColors === undefined ? frameColors(model.colors) : NO_COLORS,
      leafColors: leafColors?.rgb,
      leafRows: leafColors?.row,
      material: packMaterial(model.material),
      shadowGrids: r.shadows ? await shadowGrids(bvh, lighting.directional) : undefined,
    });
    lo = lo.map((v, a) => Math.min(v, bvh.box[a]!));
    hi = hi.map((v, a) => Math.max(v, bvh.box[a + 3]!));
  }
  // Secondary rays start this far off the surface: relative to the scene's size and position so
  // that neither a 1-unit test scene nor a 2 mm circuit shadows itself.
  const scale = models.length > 0 ? Math.max(...hi.map((v, a) => v - lo[a]!), ...lo.map(Math.abs), ...hi.map(Math.abs)) : 1;
  const bg = r.background;
  const clip = packClipping(req.clipping);
  return {
    width: req.width,
    height: req.height,
    tileSize: TILE_SIZE,
    camera,
    lighting,
    production: r.type === 'production',
    samples: count(r.samplesPerPixel, 1),
    bounces: count(r.maxRayBounces, 0),
    aoSamples: count(r.aoSamples, 0),
    shadows: r.shadows,
    background: [bg[0], bg[1], bg[2], bg[3] ?? 1],
    color: req.colorPipeline ?? LINEAR_BYTES,
    epsilon: Math.max(scale, 1e-6) * 1e-5,
    models,
    sampleBase,
    // Every key always, in this order, as for the models above: jobs of one shape whatever the
    // path (several samples, float planes, clipping), or switching paths throws the hot loops'
    // optimised code away ("wrong map") and runs them unoptimised meanwhile, boxing every float
    // (up to hundreds of MB of garbage in a full-HD frame right after another path's frames).
    samplePositions: req.sampleSequence === undefined ? undefined : samplePositions(req.sampleSequence, sampleBase, count(r.samplesPerPixel, 1)),
    planes: extras.planes,
    clip: clip ?? undefined,
  };
}
