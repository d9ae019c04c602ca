import { open, readFile, readdir, rename, rm, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ErrorCode } from '../errors.js';
import type { ResolvedLight, SnapshotCamera, View } from '../brayns/types.js';
import type { ImageFormat, RendererSpec } from '../plan/types.js';
import { tempPathFor } from './atomic.js';

export const MANIFEST_FORMAT = 'render-recipes/manifest@1';

/** `rendered` now, `up to date` from an earlier run, `failed`, or `pending` (not reached: interrupted). */
export type ManifestTaskStatus = 'rendered' | 'up to date' | 'failed' | 'pending';

export interface ManifestTask {
  id: string;
  sceneId: string;
  recipe: string;
  item: string;
  frame: number;
  status: ManifestTaskStatus;
  output: { path: string; transfer: 'download' | 'server'; sha256: string | null; bytes: number | null };
  /** What was actually sent to Brayns; null when the task never reached an instance. */
  resolved: {
    camera: SnapshotCamera;
    view: View;
    lights: ResolvedLight[];
    renderer: RendererSpec;
    resolution: [number, number];
    image: { format: ImageFormat; quality: number | null };
  } | null;
  instance: { uri: string; version: string; revision: string } | null;
  timings: { renderMs: number; postMs: number; attempts: number } | null;
  error: { code: ErrorCode; message: string } | null;
}

export interface ManifestHeader {
  format: typeof MANIFEST_FORMAT;
  tool: { name: 'render-recipes'; version: string };
  planHash: string;
  shard: { index: number; count: number } | null;
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  interrupted: boolean;
  summary: { tasks: number; rendered: number; upToDate: number; failed: number; pending: number };
  instances: { uri: string; version: string | null; revision: string | null; loads: number; rendered: number; failures: number; setAside: boolean }[];
  /** Cells each scene loaded in this run, as the servers counted them, with the density asked for. */
  scenes?: { id: string; cells: number | null; density: number }[];
  /** Tasks that failed for good in this run (each task's entry has the same error). */
  failures: { taskId: string; output: string; code: ErrorCode; message: string; attempts: number }[];
}

export interface Manifest extends ManifestHeader {
  tasks: ManifestTask[];
}

export function manifestFileName(shard: { index: number; count: number } | null): string {
  return shard ? `manifest.shard-${shard.index}-of-${shard.count}.json` : 'manifest.json';
}

/**
 * Streams the manifest to a temp file beside it and renames it into place: a reader (or a run
 * killed mid-write) never sees half a manifest, and 100,000 tasks never become one huge string.
 */
export async function writeManifest(path: string, header: ManifestHeader, tasks: Iterable<ManifestTask>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const file = await open(temp, 'w');
  try {
    const head = JSON.stringify(header, null, 2);
    await file.write(`${head.slice(0, -2)},\n  "tasks": [`);
    let batch: string[] = [];
    let first = true;
    for (const task of tasks) {
      batch.push(`${first ? '' : ','}\n    ${JSON.stringify(task)}`);
      first = false;
      if (batch.length >= 500) {
        await file.write(batch.join(''));
        batch = [];
      }
    }
    await file.write(`${batch.join('')}\n  ]\n}\n`);
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/** Reads a manifest; null when absent. A manifest that is not ours or not JSON is reported, not trusted. */
export async function readManifest(path: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const value = JSON.parse(text) as Partial<Manifest>;
  if (value.format !== MANIFEST_FORMAT || !Array.isArray(value.tasks)) {
    throw new Error(`${path} is not a render-recipes manifest (format ${JSON.stringify(value.format)})`);
  }
  return value as Manifest;
}

/** Every manifest file in a directory (the unsharded one and one per shard). */
export async function listManifests(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^manifest(\.shard-\d+-of-\d+)?\.json$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}
