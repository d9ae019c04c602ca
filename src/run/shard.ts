import { createHash } from 'node:crypto';
import { RenderRecipesError } from '../errors.js';
import type { Plan } from '../plan/index.js';

/**
 * Splitting one plan over job-array tasks. A task belongs to shard `hash(id) mod n`, so every array
 * task computes the same split on its own, the shards are disjoint, their union is the plan, and
 * adding a task to the plan never moves the others between shards.
 */
export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

export function shardOfTask(taskId: string, count: number): number {
  const digest = createHash('sha256').update(taskId).digest();
  // 48 bits are plenty for an even split and stay exact in a double.
  return digest.readUIntBE(0, 6) % count;
}

export function inShard(taskId: string, shard: Shard | null): boolean {
  return shard === null || shard.count === 1 || shardOfTask(taskId, shard.count) === shard.index;
}

/** The plan restricted to one shard: its tasks, and only the scenes they use. */
export function shardPlan(plan: Plan, shard: Shard | null): Plan {
  if (shard === null) return plan;
  const tasks = plan.tasks.filter((t) => inShard(t.id, shard));
  const used = new Set(tasks.map((t) => t.sceneId));
  return { ...plan, scenes: plan.scenes.filter((s) => used.has(s.id)), tasks };
}

/** Parses `i/n` (0 <= i < n). */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new RenderRecipesError('USAGE', `expected --shard as i/n with 0 <= i < n (e.g. 0/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** The shard of a Slurm job-array task, when both variables are set (ids are assumed to start at 0 or at SLURM_ARRAY_TASK_MIN). */
export function shardFromEnv(env: NodeJS.ProcessEnv): Shard | null {
  const id = env.SLURM_ARRAY_TASK_ID;
  const count = env.SLURM_ARRAY_TASK_COUNT;
  if (id === undefined || count === undefined || id === '' || count === '') return null;
  const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
  return parseShard(`${Number(id) - (Number.isFinite(min) ? min : 0)}/${count}`);
}
