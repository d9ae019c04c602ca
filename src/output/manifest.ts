import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ErrorCode } from '../errors.js';
import type { ResolvedLight, SnapshotCamera, View } from '@render-recipes/protocol';
import type { ImageFormat, RendererSpec } from '../plan/index.js';
import { writeChunksAtomic } from './atomic.js';
import { readFileHead } from './file-head.js';
import { indexPathFor } from './output-index.js';

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
  instances: { uri: string; version: string | null; revision: string | null; loads: number; rendered: number; failures: number; setAside: boolean; refused?: string }[];
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
 * killed mid-write, or a full disk) never sees half a manifest, and 100,000 tasks never become one
 * huge string. Each task sits on a line of its own, so a reader can take the file line by line.
 */
export async function writeManifest(path: string, header: ManifestHeader, tasks: Iterable<ManifestTask | string>, options: { sync?: boolean } = { sync: true }): Promise<void> {
  const head = JSON.stringify(header, null, 2);
  function* chunks(): Generator<string> {
    yield `${head.slice(0, -2)},\n  "tasks": [`;
    let batch: string[] = [];
    let first = true;
    for (const task of tasks) {
      batch.push(`${first ? '' : ','}\n    ${typeof task === 'string' ? task : JSON.stringify(task)}`);
      first = false;
      if (batch.length >= 500) {
        yield batch.join('');
        batch = [];
      }
    }
    yield `${batch.join('')}\n  ]\n}\n`;
  }
  await writeChunksAtomic(path, chunks(), options);
}

/**
 * Reads a manifest; null when absent. A manifest that is not ours, not JSON or cut short (a full
 * disk under an older version) throws an error saying so: it is reported, never taken as empty.
 */
export async function readManifest(path: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}; ${text.length} bytes, cut short?)`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || value.format !== MANIFEST_FORMAT || !Array.isArray(value.tasks)) {
    throw new Error(`${path} is not a render-recipes manifest (format ${JSON.stringify(value?.format)})`);
  }
  return value as Manifest;
}

/** Where earlier plans' manifests are kept, inside the output directory. */
export const ARCHIVE_DIR = 'manifests';

/**
 * Every manifest of an output directory: the unsharded one and one per shard, then those of earlier
 * plans run into the same folder (kept under manifests/ by archiveOtherPlanManifest).
 */
export async function listManifests(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of [dir, join(dir, ARCHIVE_DIR)]) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    found.push(
      ...names
        .filter((n) => /^manifest(\.shard-\d+-of-\d+)?(\.[0-9a-f]{16})?\.json$/.test(n) && (folder === dir) === !/\.[0-9a-f]{16}\.json$/.test(n))
        .sort()
        .map((n) => join(folder, n)),
    );
  }
  return found;
}

/** The plan hash a manifest names, read from its first lines (null when absent or not a manifest). */
export async function manifestPlanHash(path: string): Promise<string | null> {
  const head = await readFileHead(path);
  return head === null ? null : (/"planHash":\s*"([0-9a-f]+)"/.exec(head)?.[1] ?? null);
}

/**
 * Before a run writes its manifest at `path`: when the manifest there is another plan's (other
 * recipes rendered into the same folder before), moves it and its output index to
 * `manifests/<name>.<plan hash>.json` so that no run ever loses an earlier run's record. A run
 * of the same plan replaces its own manifest (it carries the earlier entries forward).
 */
export async function archiveOtherPlanManifest(path: string, planHash: string): Promise<string | null> {
  const other = await manifestPlanHash(path);
  if (other === null || other === planHash) return null;
  const target = archivedManifestPath(path, other);
  await mkdir(dirname(target), { recursive: true });
  await rename(path, target);
  await rename(indexPathFor(path), indexPathFor(target)).catch(() => undefined);
  return target;
}

/** Where archiveOtherPlanManifest keeps the manifest of `planHash` that was at `path`. */
export function archivedManifestPath(path: string, planHash: string): string {
  return join(dirname(path), ARCHIVE_DIR, `${basename(path).replace(/\.json$/, '')}.${planHash.slice(0, 16)}.json`);
}

/**
 * Once a run of a plan has written its manifest at `path` (carrying the earlier entries forward),
 * that plan's archived manifest is superseded: removed, so each plan has one manifest.
 */
export async function dropSupersededArchive(path: string, planHash: string): Promise<void> {
  const archived = archivedManifestPath(path, planHash);
  await rm(indexPathFor(archived), { force: true });
  await rm(archived, { force: true });
}
