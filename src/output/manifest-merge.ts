import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { listManifests, readManifest, type ManifestTask } from './manifest.js';

/**
 * The state of one output directory, from all its manifests (the unsharded one and one per job-array
 * shard). A task counts as done only when its file is still there (or the server wrote it where
 * this machine cannot look).
 */
export interface OutputStatus {
  dir: string;
  manifests: string[];
  planHashes: string[];
  /** Shards of `count` that have no manifest yet (never started). */
  missingShards: { count: number; indices: number[] } | null;
  done: ManifestTask[];
  failed: ManifestTask[];
  /** Not rendered yet, or recorded as done but the file is gone. */
  missing: { task: ManifestTask; why: string }[];
  problems: string[];
}

export async function outputStatus(dir: string): Promise<OutputStatus> {
  const manifests = await listManifests(dir);
  const status: OutputStatus = { dir, manifests, planHashes: [], missingShards: null, done: [], failed: [], missing: [], problems: [] };
  const byId = new Map<string, ManifestTask>();
  const shards = new Map<number, Set<number>>();
  for (const path of manifests) {
    let manifest;
    try {
      manifest = await readManifest(path);
    } catch (error) {
      status.problems.push(`${path}: ${(error as Error).message}`);
      continue;
    }
    if (!manifest) continue;
    if (!status.planHashes.includes(manifest.planHash)) status.planHashes.push(manifest.planHash);
    if (manifest.shard) {
      const seen = shards.get(manifest.shard.count) ?? new Set<number>();
      seen.add(manifest.shard.index);
      shards.set(manifest.shard.count, seen);
    }
    for (const task of manifest.tasks) {
      const known = byId.get(task.id);
      // A finished record beats a failed or pending one from another (older or other-shard) manifest.
      if (!known || rank(task) > rank(known)) byId.set(task.id, task);
    }
  }
  for (const [count, seen] of shards) {
    const indices = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
    if (indices.length > 0) status.missingShards = { count, indices };
  }
  for (const task of byId.values()) {
    if (task.status === 'failed') status.failed.push(task);
    else if (task.status === 'pending') status.missing.push({ task, why: 'not rendered yet' });
    else if (task.output.transfer === 'download' && !(await exists(resolve(dir, task.output.path)))) {
      status.missing.push({ task, why: 'recorded as done, but the file is gone' });
    } else status.done.push(task);
  }
  return status;
}

function rank(task: ManifestTask): number {
  return task.status === 'rendered' || task.status === 'up to date' ? 2 : task.status === 'failed' ? 1 : 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
