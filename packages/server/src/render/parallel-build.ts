import { type BvhNodes, type NodeArrays, type Subtree, buildBvh, fitNodes, spliceSubtree } from './bvh.js';
import type { BuildStep, BuildStepResult } from './build-steps.js';
import { mortonGrid } from './morton.js';
import { bucketGroups, bucketOffsets } from './morton-parallel.js';
import type { BuildScratch } from './build-scratch.js';
import type { BoxSources } from './prim-boxes.js';
import type { PrimArrays } from './prims.js';

/** Threads that run the steps of a build (index.ts passes the render workers). */
export interface BuildThreads {
  threads(): number;
  run(steps: BuildStep[]): Promise<BuildStepResult[]>;
}

/** Steps per thread in each slice-wise step and subtree batch: threads that finish early take more. */
const STEPS_PER_THREAD = 8;

/**
 * Nodes per primitive the shared tree first has room for. The SAH trees of circuits take 0.36-0.55
 * (scattered somata 0.42, the bench's morphologies 0.45, tiny far-apart spheres 0.55); subtrees
 * that find no room left send their nodes back, and the tree grows once. Room for as many nodes
 * as a tree can have (2 per primitive) was 64 MB at 1,000,000 spheres, of which the tree used 13,
 * and the model kept the whole buffer.
 */
export const ROOM_PER_PRIM = 0.625;

/** A shared array of exactly `length` elements (an empty one too: loops over it run zero times). */
export function shared<T extends Float64Array | Float32Array | Uint32Array | Uint8Array>(
  Ctor: { new (buffer: SharedArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT), 0, length);
}

/**
 * Builds the tree a one-thread build makes (numbered differently) with the threads doing the
 * work over the primitives: the Morton sort (boxes computed on the fly, sliced, then bucketed by
 * top digit), then, after the top of the tree is split here (a binary search per node in the
 * sorted codes), the subtrees (a few per thread, largest first), which the threads splice in and
 * whose primitives they fill into `out`.
 *
 * Memory held during the build besides the tree and `out`: 8 bytes per primitive (codes,
 * order, from `scratch`, which the caller gives back afterwards), plus on each thread the boxes and nodes of the largest subtree it builds (88 bytes per
 * primitive of it; a subtree holds at most 1/STEPS_PER_THREAD of a thread's share).
 */
export async function parallelBuild(
  threads: BuildThreads,
  scratch: BuildScratch,
  src: BoxSources,
  n: number,
  checkpoint: () => Promise<void>,
  out: PrimArrays,
  roomPerPrim = ROOM_PER_PRIM,
): Promise<BvhNodes> {
  const parts = threads.threads() * STEPS_PER_THREAD;
  const slices = Array.from({ length: parts }, (_, i) => [Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)] as const);
  const centres = (await threads.run(slices.map(([start, end]) => ({ kind: 'centres', src, start, end })))) as Float64Array[];
  const centre = Float64Array.of(Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity);
  for (const c of centres) {
    for (let a = 0; a < 3; a++) {
      centre[a] = Math.min(centre[a]!, c[a]!);
      centre[a + 3] = Math.max(centre[a + 3]!, c[a + 3]!);
    }
  }
  await checkpoint();
  const grid = mortonGrid(centre);
  // The unsorted codes live in the primitives' cell array until the subtrees fill it.
  const raw = out.primCell.subarray(0, n);
  const counts = (await threads.run(slices.map(([start, end]) => ({ kind: 'codes', src, start, end, grid, raw })))) as Uint32Array[];
  await checkpoint();
  const { offsets, buckets } = bucketOffsets(counts);
  const codes = scratch.uint32(n);
  const order = scratch.uint32(n);
  await threads.run(slices.map(([start, end], i) => ({ kind: 'scatter', raw, start, end, offsets: offsets[i]!, codes, order })));
  await checkpoint();
  const groups = bucketGroups(buckets, parts).filter((b) => b[b.length - 1]! > b[0]!);
  await threads.run(groups.map((bounds) => ({ kind: 'buckets', codes, order, bounds })));
  await checkpoint();

  // The top reads only the codes.
  const top = await buildBvh(new Float32Array(0), n, { checkpoint, order, codes, deferAtMost: Math.ceil(n / parts) });
  const deferred = [...top.deferred].sort((a, b) => b.end - b.start - (a.end - a.start));
  // The threads put their subtrees' nodes straight into the shared arrays the renders read, each
  // after the nodes claimed before it (ROOM_PER_PRIM).
  const room = deferred.reduce((sum, at) => sum + Math.min(2 * (at.end - at.start) - 2, Math.ceil((at.end - at.start) * roomPerPrim)), top.count);
  let whole: NodeArrays = { bounds: shared(Float32Array, room * 6), info: shared(Uint32Array, room * 2) };
  whole.bounds.set(top.bounds);
  whole.info.set(top.info);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  claim[0] = top.count;
  const answers = await threads.run(deferred.map((at) => ({ kind: 'subtree', src, codes, order, at, tree: whole, claim, out })));
  await checkpoint();
  const count = claim[0];
  if (count > room) whole = grownTree(whole, count, deferred, answers);
  const tree = { bounds: whole.bounds.subarray(0, count * 6), info: whole.info.subarray(0, count * 2) };
  fitNodes(tree, top.unfitted);
  return { bounds: tree.bounds, info: tree.info, count, order };
}

/** The tree with room for all `count` nodes: the nodes spliced so far, then the subtrees that found no room. */
function grownTree(whole: NodeArrays, count: number, deferred: Subtree[], answers: BuildStepResult[]): NodeArrays {
  const tree = { bounds: shared(Float32Array, count * 6), info: shared(Uint32Array, count * 2) };
  tree.bounds.set(whole.bounds);
  tree.info.set(whole.info);
  answers.forEach((answer, i) => {
    if (answer !== undefined && !ArrayBuffer.isView(answer)) spliceSubtree(tree, answer.base, deferred[i]!, answer, answer.count);
  });
  return tree;
}
