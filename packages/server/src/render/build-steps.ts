import { type NodeArrays, type Subtree, buildBvh, spliceSubtree } from './bvh.js';
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
  | { kind: 'subtree'; src: BoxSources; codes: Uint32Array; order: Uint32Array; at: Subtree; tree: NodeArrays; claim: Int32Array; out: PrimArrays };

/**
 * A subtree's nodes that found no room left in the shared tree (numbered from 0 at its root, as
 * spliceSubtree reads them): the thread that sent the steps grows the tree and splices them from
 * node `base` on, which the subtree claimed.
 */
export interface SubtreeNodes extends NodeArrays {
  base: number;
  count: number;
}

/** A step's answer: centre box, top-digit counts, a subtree's nodes, or nothing. */
export type BuildStepResult = Float64Array | Uint32Array | SubtreeNodes | undefined;

/** A thread's memory for the subtrees it builds: boxes and nodes of the largest one so far. */
interface Scratch {
  boxes: Float32Array;
  nodes: NodeArrays;
}

/**
 * Kept for the thread's life, build after build, rather than made per batch: a render worker's
 * own heap barely grows, so V8 collected a batch's dropped scratch only at its rare full
 * collections, and a worker kept every build's (88 bytes per primitive of its largest subtree):
 * ~6 MB per worker after the ten builds of 1,000,000 spheres sent as ten messages to `serve`
 * (issue 16's memory goal). Now a worker holds at most one largest subtree's worth.
 */
const threadScratch: Partial<Scratch> = {};
let scratchBytes = 0;

/** Memory this thread has allocated for subtree scratch so far, in bytes (diagnostics, tests). */
export function subtreeScratchBytes(): number {
  return scratchBytes;
}

export async function runBuildStep(step: BuildStep, scratch: Partial<Scratch> = threadScratch): Promise<BuildStepResult> {
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
      const overflow = await buildSubtree(step, scratch);
      fillPrims(step.src, step.order, step.at.start, step.at.end, step.out);
      return overflow;
    }
  }
}

/** The results' buffers, to transfer rather than copy back. */
export function transferOf(results: [number, BuildStepResult][]): ArrayBuffer[] {
  return results.flatMap(([, r]) => (r === undefined ? [] : ArrayBuffer.isView(r) ? [r.buffer as ArrayBuffer] : [r.bounds.buffer as ArrayBuffer, r.info.buffer as ArrayBuffer]));
}

/**
 * Builds the subtree of sorted primitives [start, end) (the same decisions as a whole build makes
 * for that range, so the tree comes out the same): its boxes, computed in sorted order, then the
 * build, which reorders `order` in the range, both in the thread's scratch memory; then its nodes
 * go straight into the whole tree, after the nodes other subtrees have claimed (`claim`), or, when
 * the tree has no room left for them, back to the sender in a copy.
 */
async function buildSubtree(step: Extract<BuildStep, { kind: 'subtree' }>, scratch: Partial<Scratch>): Promise<SubtreeNodes | undefined> {
  const { src, codes, order, at, tree, claim } = step;
  const count = at.end - at.start;
  if (scratch.boxes === undefined || scratch.boxes.length < count * 6) {
    scratch.boxes = new Float32Array(count * 6);
    scratch.nodes = { bounds: new Float32Array((2 * count - 1) * 6), info: new Uint32Array((2 * count - 1) * 2) };
    // Whatever arrays the node layout has.
    const nodes = Object.values(scratch.nodes) as ArrayBufferView[];
    for (const array of [scratch.boxes, ...nodes]) scratchBytes += array.byteLength;
  }
  boxesInOrder(src, order, at.start, at.end, scratch.boxes);
  const built = await buildBvh(scratch.boxes, count, { order: order.subarray(at.start, at.end), codes: codes.subarray(at.start, at.end), scratch: scratch.nodes });
  const base = Atomics.add(claim, 0, built.count - 1);
  if (base + built.count - 1 <= tree.info.length / 2) {
    spliceSubtree(tree, base, at, built, built.count);
    return undefined;
  }
  return { base, count: built.count, bounds: built.bounds.slice(0, built.count * 6), info: built.info.slice(0, built.count * 2) };
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
