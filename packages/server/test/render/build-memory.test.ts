import { afterAll, describe, expect, it } from 'vitest';
import { scratchAllocatedBytes } from '../../src/render/build-scratch.js';
import { type BuildStepResult, drainBuildSteps, subtreeScratchBytes } from '../../src/render/build-steps.js';
import { freezeColors } from '../../src/render/frozen-colors.js';
import { PARALLEL_BUILD_MIN, buildModelBvh, useSubtreeBuilder } from '../../src/render/geometry.js';
import { disposeRenderer } from '../../src/render/index.js';
import { prepareJob, releaseJob } from '../../src/render/prepare.js';
import { createControl } from '../../src/render/tiles.js';
import { sphereModel } from '../../src/scene/core/primitives.js';
import { type Ball, model, request } from './scene.js';

/**
 * What the renderer keeps in shared memory. V8 never counts SharedArrayBuffers towards collecting
 * garbage, and a render worker frees one only at its own (rare) collection: shared scratch left to
 * the collector piled up build after build (a 1,000,000-sphere `serve` peaked at 539 MB).
 */

function grid(count: number, seed: number): Ball[] {
  const side = Math.ceil(Math.cbrt(count));
  return Array.from({ length: count }, (_, i) => ({
    at: [(i % side) * 3 + seed, Math.floor(i / side) % side * 3, Math.floor(i / side / side) * 3] as [number, number, number],
    r: 1,
  }));
}

afterAll(() => disposeRenderer());

describe('render memory', () => {
  it('keeps a tree of a scattered circuit to under half a node per sphere: leaves of several spheres, in parallel and serial builds', async () => {
    // Soma-like spheres scattered in a slab, as somaCircuit in bench/scenes.js: a node visit costs
    // about four sphere tests, so the SAH stops splitting at a few spheres (a 1M-sphere tree: 13 MB, not 39).
    let s = 7;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    for (const count of [5000, PARALLEL_BUILD_MIN + 1000]) {
      const side = 60 * Math.sqrt(count);
      const balls: Ball[] = Array.from({ length: count }, () => ({ at: [rnd() * side, rnd() * side, rnd() * 300], r: 20 }));
      const { circuit } = model(balls);
      const bvh = await buildModelBvh(circuit.spheres, circuit.cones);
      const nodes = bvh.nodeInfo.length / 2;
      expect(nodes).toBeLessThan(count / 2);
      // Leaves still hold at most MAX_LEAF (8) spheres.
      for (let n = 0; n < nodes; n++) expect(bvh.nodeInfo[n * 2 + 1]!).toBeLessThanOrEqual(8);
    }
  });

  it('stores a model of spheres only in 4 floats per primitive (8 once it has cones), in parallel and serial builds', async () => {
    for (const count of [200, PARALLEL_BUILD_MIN + 1000]) {
      const balls = grid(count, 0.5);
      const spheres = await buildModelBvh(model(balls).circuit.spheres, model(balls).circuit.cones);
      expect(spheres.primStride).toBe(4);
      expect(spheres.prims.length).toBe(count * 4);
      // Leaf slot k holds the sphere its cell names: centre and radius.
      for (const k of [0, 1, count >> 1, count - 1]) {
        const ball = balls[spheres.primCell[k]!]!;
        expect([...spheres.prims.subarray(k * 4, k * 4 + 4)]).toEqual([...ball.at, ball.r]);
      }
      const mixed = model(balls, [{ a: [0, 0, 0], b: [1, 1, 1], ra: 0.5, rb: 0.25 }]).circuit;
      const withCone = await buildModelBvh(mixed.spheres, mixed.cones);
      expect(withCone.primStride).toBe(8);
      expect(withCone.prims.length).toBe((count + 1) * 8);
    }
  });

  it('gives a parallel build\'s shared scratch back: the next build of that size creates no shared scratch', async () => {
    // Plain (not shared) geometry: the build also takes shared copies of it from the scratch.
    const first = model(grid(PARALLEL_BUILD_MIN + 1000, 0)).circuit;
    const second = model(grid(PARALLEL_BUILD_MIN + 1000, 1)).circuit;
    await buildModelBvh(first.spheres, first.cones);
    const after = scratchAllocatedBytes();
    expect(after).toBeGreaterThan(0);
    const bvh = await buildModelBvh(second.spheres, second.cones);
    expect(scratchAllocatedBytes()).toBe(after);
    // The tree itself is not scratch: it is still intact after its scratch went to another build.
    await buildModelBvh(first.spheres, first.cones);
    const leaves = bvh.nodeInfo.filter((_, i) => i % 2 === 1).reduce((sum, c) => sum + c, 0);
    expect(leaves).toBe(PARALLEL_BUILD_MIN + 1000);
  });

  it('keeps a build thread\'s subtree scratch for the next builds: a build no larger allocates none', async () => {
    // The steps run on this thread with the code a render worker runs (drainBuildSteps), so the
    // thread's scratch counter is the one a worker would keep.
    const previous = useSubtreeBuilder({
      threads: () => 2,
      run: async (steps) => {
        const results = new Array<BuildStepResult>(steps.length);
        for (const [i, r] of await drainBuildSteps({ kind: 'build', steps, control: createControl() })) results[i] = r;
        return results;
      },
    });
    try {
      const large = model(grid(PARALLEL_BUILD_MIN + 8000, 0)).circuit;
      await buildModelBvh(large.spheres, large.cones);
      const after = subtreeScratchBytes();
      expect(after).toBeGreaterThan(0);
      // Ten builds as `serve` makes for ten add-spheres messages: before, each batch of subtree
      // steps made its own scratch, which a worker kept until its rare full collection.
      for (let seed = 1; seed <= 10; seed++) {
        const next = model(grid(PARALLEL_BUILD_MIN + 1000 * (seed % 3), seed)).circuit;
        const bvh = await buildModelBvh(next.spheres, next.cones);
        const leaves = bvh.nodeInfo.filter((_, i) => i % 2 === 1).reduce((sum, c) => sum + c, 0);
        expect(leaves).toBe(PARALLEL_BUILD_MIN + 1000 * (seed % 3));
      }
      expect(subtreeScratchBytes()).toBe(after);
    } finally {
      useSubtreeBuilder(previous);
    }
  });

  it('keeps core spheres in shared memory (workers read them in place) with one id array for cells and gids', () => {
    const circuit = sphereModel([{ center: [0, 0, 0], radius: 1 }, { center: [3, 0, 0], radius: 2 }]);
    expect(circuit.spheres.centers.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(circuit.spheres.radii.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(circuit.gids).toBe(circuit.spheres.cell);
    expect([...circuit.gids]).toEqual([0, 1]);
  });

  it('reads frozen colours in place and copies any other colours per render', async () => {
    const plain = model([{ at: [0, 0, 0], r: 1, color: [1, 0, 0, 1] }]);
    const frozen = { circuit: plain.circuit, colors: freezeColors(Float32Array.of(0, 1, 0, 1)) };
    const job = await prepareJob(request({ models: [plain, frozen] }));
    try {
      expect(job.models[0]!.colors).not.toBe(plain.colors);
      expect([...job.models[0]!.colors]).toEqual([1, 0, 0, 1]);
      expect(job.models[1]!.colors).toBe(frozen.colors);
    } finally {
      releaseJob(job);
    }
    // Released jobs hand back only their copies: the frozen array never goes to another render.
    const next = await prepareJob(request({ models: [{ circuit: plain.circuit, colors: Float32Array.of(0, 0, 1, 1) }] }));
    expect(next.models[0]!.colors.buffer).not.toBe(frozen.colors.buffer);
    expect([...frozen.colors]).toEqual([0, 1, 0, 1]);
    releaseJob(next);
  });
});
