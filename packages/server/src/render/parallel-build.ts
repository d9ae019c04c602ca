import { type BvhNodes, type SubtreeNodes, buildBvh, fitNodes, spliceSubtree } from './bvh.js';
import type { BuildStep, BuildStepResult } from './build-steps.js';
import { mortonGrid } from './morton.js';
import { bucketGroups, bucketOffsets } from './morton-parallel.js';
import type { BoxSources } from './prim-boxes.js';
import type { PrimArrays } from './prims.js';

/** Threads that run the steps of a build (index.ts passes the render workers). */
export interface BuildThreads {
  threads(): number;
  run(steps: BuildStep[]): Promise<BuildStepResult[]>;
}

/** Steps per thread in each slice-wise step and subtree batch: threads that finish early take more. */
const STEPS_PER_THREAD = 4;

export function shared<T extends Float32Array | Uint32Array | Uint8Array>(
  Ctor: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Ctor(new SharedArrayBuffer(Math.max(1, length) * Ctor.BYTES_PER_ELEMENT));
}

/**
 * Builds the tree a one-thread build makes (numbered differently) with the threads doing the
 * work over the primitives: the Morton sort (boxes computed on the fly, sliced, then bucketed by
 * top digit), then, after the top of the tree is split here (a binary search per node in the
 * sorted codes), the subtrees (a few per thread, largest first), each into memory of its own,
 * with its primitives filled into `out`. This thread only splices the subtrees in.
 *
 * Memory held during the build: 12 bytes per primitive (codes, order, unsorted codes), plus on
 * each thread the boxes and nodes of the subtree it builds.
 */
export async function parallelBuild(threads: BuildThreads, src: BoxSources, n: number, checkpoint: () => Promise<void>, out: PrimArrays): Promise<BvhNodes> {
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
  const raw = shared(Uint32Array, n);
  const counts = (await threads.run(slices.map(([start, end]) => ({ kind: 'codes', src, start, end, grid, raw })))) as Uint32Array[];
  await checkpoint();
  const { offsets, buckets } = bucketOffsets(counts);
  const codes = shared(Uint32Array, n);
  const order = shared(Uint32Array, n);
  await threads.run(slices.map(([start, end], i) => ({ kind: 'scatter', raw, start, end, offsets: offsets[i]!, codes, order })));
  await checkpoint();
  const groups = bucketGroups(buckets, parts).filter((b) => b[b.length - 1]! > b[0]!);
  await threads.run(groups.map((bounds) => ({ kind: 'buckets', codes, order, bounds })));
  await checkpoint();

  // The top reads only the codes.
  const top = await buildBvh(new Float32Array(0), n, { checkpoint, order, codes, deferAtMost: Math.ceil(n / parts) });
  const deferred = [...top.deferred].sort((a, b) => b.end - b.start - (a.end - a.start));
  const subtrees = (await threads.run(deferred.map(({ start, end }) => ({ kind: 'subtree', src, codes, order, start, end, out })))) as SubtreeNodes[];
  await checkpoint();
  // Straight into the shared arrays the renders read: the top's arrays have room for 2n - 1
  // nodes, and filling those first would touch (and then copy) tens of MB for nothing.
  const total = subtrees.reduce((sum, sub) => sum + sub.count - 1, top.count);
  const tree = { bounds: shared(Float32Array, total * 6), info: shared(Uint32Array, total * 2) };
  tree.bounds.set(top.bounds);
  tree.info.set(top.info);
  let count = top.count;
  deferred.forEach((at, i) => {
    count = spliceSubtree(tree, count, at, subtrees[i]!);
  });
  fitNodes(tree, top.unfitted);
  return { bounds: tree.bounds, info: tree.info, count, order };
}
