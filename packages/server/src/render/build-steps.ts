import { type SubtreeNodes, buildBvh } from './bvh.js';
import { scatterSlice, sliceCentres, sliceCodes, sortBuckets } from './morton-parallel.js';
import { type BoxSources, boxesInOrder } from './prim-boxes.js';
import { type PrimArrays, fillPrims } from './prims.js';
import { CANCEL, NEXT_TILE } from './tiles.js';

/**
 * The steps of a parallel BVH build that the render workers run (parallel-build.ts sends them),
 * all over shared memory: the Morton sort in slices and buckets (morton-parallel.ts), then the
 * subtrees below the top of the tree.
 */
export type BuildStep =
  | { kind: 'centres'; src: BoxSources; start: number; end: number }
  | { kind: 'codes'; src: BoxSources; start: number; end: number; grid: Float64Array; raw: Uint32Array }
  | { kind: 'scatter'; raw: Uint32Array; start: number; end: number; offsets: Uint32Array; codes: Uint32Array; order: Uint32Array }
  | { kind: 'buckets'; codes: Uint32Array; order: Uint32Array; bounds: Uint32Array }
  | { kind: 'subtree'; src: BoxSources; codes: Uint32Array; order: Uint32Array; start: number; end: number; out: PrimArrays };

/** A step's answer: centre box, top-digit counts, a subtree, or nothing. */
export type BuildStepResult = Float64Array | Uint32Array | SubtreeNodes | undefined;

export async function runBuildStep(step: BuildStep): Promise<BuildStepResult> {
  switch (step.kind) {
    case 'centres':
      return sliceCentres(step.src, step.start, step.end);
    case 'codes':
      return sliceCodes(step.src, step.start, step.end, step.grid, step.raw);
    case 'scatter':
      scatterSlice(step.raw, step.start, step.end, step.offsets, step.codes, step.order);
      return undefined;
    case 'buckets':
      sortBuckets(step.codes, step.order, step.bounds);
      return undefined;
    case 'subtree': {
      const nodes = await buildSubtree(step.src, step.codes, step.order, step.start, step.end);
      fillPrims(step.src, step.order, step.start, step.end, step.out);
      return nodes;
    }
  }
}

/** The results' buffers, to transfer rather than copy back. */
export function transferOf(results: [number, BuildStepResult][]): ArrayBuffer[] {
  return results.flatMap(([, r]) => (r === undefined ? [] : 'count' in r ? [r.bounds.buffer as ArrayBuffer, r.info.buffer as ArrayBuffer] : [r.buffer as ArrayBuffer]));
}

/**
 * Builds the subtree of sorted primitives [start, end) (the same decisions as a whole build makes
 * for that range, so the tree comes out the same): its boxes, computed in sorted order into
 * memory of its own, then the build, which reorders `order` in the range.
 */
export async function buildSubtree(src: BoxSources, codes: Uint32Array, order: Uint32Array, start: number, end: number): Promise<SubtreeNodes> {
  const boxes = new Float32Array((end - start) * 6);
  boxesInOrder(src, order, start, end, boxes);
  const built = await buildBvh(boxes, end - start, { order: order.subarray(start, end), codes: codes.subarray(start, end) });
  return { bounds: built.bounds.slice(), info: built.info.slice(), count: built.count };
}

/** A batch of steps for one worker: it claims them one by one from the shared counter (control[NEXT_TILE]). */
export interface BuildBatch {
  kind: 'build';
  steps: BuildStep[];
  control: Int32Array;
}

/**
 * Runs steps claimed from the batch's counter until none are left or the cancel flag is set;
 * answers [step index, result] pairs. Threads that finish early take more, without a round trip.
 */
export async function drainBuildSteps(batch: BuildBatch): Promise<[number, BuildStepResult][]> {
  const { steps, control } = batch;
  const results: [number, BuildStepResult][] = [];
  while (Atomics.load(control, CANCEL) === 0) {
    const i = Atomics.add(control, NEXT_TILE, 1);
    if (i >= steps.length) break;
    results.push([i, await runBuildStep(steps[i]!)]);
  }
  return results;
}
