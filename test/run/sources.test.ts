import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCount } from '../../src/run/acquire.js';
import { namedInstances } from '../../src/run/instance-sources.js';
import { inShard, parseShard, shardFromEnv, shardOfTask, shardPlan } from '../../src/run/shard.js';
import { makePlan } from './helpers/plan.js';

describe('instances the user names', () => {
  it('merges --instance, --instances-file (with comments) and RENDER_RECIPES_INSTANCES, without duplicates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-src-'));
    try {
      await writeFile(join(dir, 'hosts.txt'), '# cluster\nnode1:5000\n\n  node2:5000   # second\nnode1:5000\n');
      const uris = await namedInstances({ instance: ['ws://a:1'], instancesFile: 'hosts.txt' }, { RENDER_RECIPES_INSTANCES: 'b:2, c:3 node2:5000' }, dir);
      expect(uris).toEqual(['ws://a:1', 'node1:5000', 'node2:5000', 'b:2', 'c:3']);
      await expect(namedInstances({ instancesFile: 'nope.txt' }, {}, dir)).rejects.toMatchObject({ code: 'USAGE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ scenes: 1, tasks: 1 }, 8, 1],
    [{ scenes: 1, tasks: 100 }, 2, 2],
    [{ scenes: 20, tasks: 1000 }, 8, 8],
  ])('built-in servers for %o on %i cores: %i', (work, cores, expected) => {
    expect(builtinCount(work, cores)).toBe(expected);
  });
});

describe('shards', () => {
  const plan = makePlan({ scenes: 3, tasksPerScene: 40 });

  it('split a plan into disjoint parts whose union is the plan, the same way every time', () => {
    const parts = [0, 1, 2].map((index) => shardPlan(plan, { index, count: 3 }));
    const ids = parts.flatMap((p) => p.tasks.map((t) => t.id));
    expect(ids.sort()).toEqual(plan.tasks.map((t) => t.id).sort());
    for (const part of parts) {
      expect(part.tasks.length).toBeGreaterThan(20);
      expect(part.scenes.every((s) => part.tasks.some((t) => t.sceneId === s.id))).toBe(true);
    }
    expect(plan.tasks.map((t) => shardOfTask(t.id, 3))).toEqual(plan.tasks.map((t) => shardOfTask(t.id, 3)));
    expect(inShard(plan.tasks[0]!.id, null)).toBe(true);
  });

  it('parses i/n and reads the Slurm array variables', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['5/5', '1', 'a/b', '-1/3', '0/0']) expect(() => parseShard(bad)).toThrow(/--shard as i\/n/);
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 3, count: 4 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '2' })).toEqual({ index: 2, count: 3 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3' })).toBeNull();
  });
});
