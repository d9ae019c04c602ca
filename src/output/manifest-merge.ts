import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { listManifests, readManifest, type Manifest, type ManifestTask } from './manifest.js';

/**
 * The state of one output directory, from all its manifests: the unsharded one, one per job-array
 * shard, and those of earlier plans rendered into the same folder (manifests/), merged per output
 * file. A task counts as done only when its file is still there (or the server wrote it where this
 * machine cannot look). A manifest that cannot be read is a problem, reported, never skipped quietly.
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
  const read: Manifest[] = [];
  for (const path of manifests) {
    try {
      const manifest = await readManifest(path);
      if (manifest) read.push(manifest);
    } catch (error) {
      status.problems.push((error as Error).message);
    }
  }
  // Oldest run first: for one output file, a later run of another plan replaces the record.
  read.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  const byPath = new Map<string, ManifestTask>();
  const shards = new Map<string, { count: number; seen: Set<number> }>();
  for (const manifest of read) {
    if (!status.planHashes.includes(manifest.planHash)) status.planHashes.push(manifest.planHash);
    if (manifest.shard) {
      const key = `${manifest.planHash}/${manifest.shard.count}`;
      const entry = shards.get(key) ?? { count: manifest.shard.count, seen: new Set<number>() };
      entry.seen.add(manifest.shard.index);
      shards.set(key, entry);
    }
    for (const task of manifest.tasks) {
      const known = byPath.get(task.output.path);
      // The same task: a finished record beats a failed or pending one (another shard, an older
      // run). Another task writing the same file: the later run's plan is the one that counts.
      if (!known || known.id !== task.id || rank(task) >= rank(known)) byPath.set(task.output.path, task);
    }
  }
  for (const { count, seen } of shards.values()) {
    const indices = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
    if (indices.length > 0) status.missingShards = { count, indices };
  }
  for (const task of byPath.values()) {
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
