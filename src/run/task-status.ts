import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve, sep } from 'node:path';
import type { Plan, PlanTask } from '../plan/index.js';
import { archivedManifestPath, checkImageFile, listIndexes, ManifestEntries, manifestFileName, manifestPlanHash, readIndexes, sameStamp, stampOf, type FileStamp, type IndexLookup, type IndexRecord, type ManifestTask } from '../output/index.js';

export type TaskReason = 'up to date' | 'missing' | 'recipe changed' | 'corrupt' | 'forced';

export interface TaskAction {
  action: 'render' | 'skip';
  reason: TaskReason;
  /** Why, in more words (e.g. which check failed); for messages only. */
  detail?: string;
  /** The existing output, when it is kept (with its size and times when this machine sees it). */
  file?: { sha256: string; bytes: number; stamp?: FileStamp };
}

/** Earlier manifest entries by task id, parsed on demand (see PreviousEntries). */
export interface PreviousResults {
  get(id: string): ManifestTask | undefined;
  /** The entry's JSON text, when kept as text (lets a rewrite copy it without parsing). */
  text?(id: string): string | undefined;
  /** Releases the manifest file it reads from. */
  close?(): void;
}

export interface TaskStatusOptions {
  force?: boolean;
  /** Shard whose manifest to consult; null/undefined = the unsharded manifest. */
  shard?: { index: number; count: number } | null;
  /** Earlier results by task id (read from the manifest when omitted). */
  previous?: PreviousResults;
}

/** Absolute path of a task's output under the run's output directory. */
export function outputPath(outDir: string, task: PlanTask): string {
  return resolve(outDir, ...task.output.path.split('/'));
}

/** Files checked at once on the parallel paths: the work is stat/read calls on the disk, not CPU. */
const CHECKS_IN_FLIGHT = 32;
/** Recorded files are stat'ed in batches of this many, each batch the way that was faster lately. */
const BATCH = 512;
/** Every this many batches, the way not in use is measured again (the disk or the load may have changed). */
const PROBE_EVERY = 16;

/** The skip action of a recorded file whose size and times are the recorded ones. */
function upToDate(record: IndexRecord): TaskAction {
  // The record doubles as the stamp: one object less per task on a 100,000-task resume.
  return { action: 'skip', reason: 'up to date', file: { sha256: record.sha256, bytes: record.size, stamp: record } };
}

function unchangedSync(path: string, record: IndexRecord): TaskAction | undefined {
  let stats;
  try {
    stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (!stats || Number(stats.size) !== record.size || String(stats.mtimeNs) !== record.mtimeNs || String(stats.ctimeNs) !== record.ctimeNs) return undefined;
  return upToDate(record);
}

async function unchangedAsync(path: string, record: IndexRecord): Promise<TaskAction | undefined> {
  const stamp = await stampOf(path).catch(() => null);
  return stamp && sameStamp(stamp, record) ? upToDate(record) : undefined;
}

/**
 * Marks up to date every task whose recorded file has its recorded size and times. Each batch is
 * stat'ed one file at a time synchronously or CHECKS_IN_FLIGHT at once asynchronously, whichever
 * took less time per file lately: a stat served from the kernel's cache costs a few µs, less than
 * the promise machinery of an asynchronous one, while on a cold network file system each stat
 * waits on the network and overlapping them wins. Measured, not guessed once: a busy machine slows
 * both ways alike, and only a slow disk makes the parallel one win.
 */
async function checkRecorded(tasks: readonly PlanTask[], root: string, index: IndexLookup, actions: (TaskAction | undefined)[]): Promise<void> {
  const perFile = { sync: 0, parallel: Infinity };
  for (let start = 0, batch = 0; start < tasks.length; start += BATCH, batch += 1) {
    const end = Math.min(tasks.length, start + BATCH);
    const best = perFile.sync <= perFile.parallel ? 'sync' : 'parallel';
    const way = batch % PROBE_EVERY === 1 ? (best === 'sync' ? 'parallel' : 'sync') : best;
    const began = performance.now();
    if (way === 'sync') {
      for (let i = start; i < end; i += 1) {
        const task = tasks[i] as PlanTask;
        const record = index.get(task.output.path, task.id, i);
        if (record) actions[i] = unchangedSync(root + task.output.path, record);
      }
    } else {
      let next = start;
      const worker = async (): Promise<void> => {
        while (next < end) {
          const i = next++;
          const task = tasks[i] as PlanTask;
          const record = index.get(task.output.path, task.id, i);
          if (record) actions[i] = await unchangedAsync(root + task.output.path, record);
        }
      };
      await Promise.all(Array.from({ length: CHECKS_IN_FLIGHT }, worker));
    }
    perFile[way] = (performance.now() - began) / (end - start);
    // Lets other work (connections to the instances) go on between batches.
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Whether each task must render or can be skipped, and why. A task is up to date only when its
 * output holds the bytes render-recipes wrote for this task: with a record in the output index,
 * a file whose size and times are the recorded ones is trusted without being read, any other is
 * hashed and kept only when its sha256 is the recorded one. Without a record the file is decoded
 * in full and must carry this task's hash in its provenance (or, for a file the server wrote, the
 * manifest's sha256).
 */
export async function taskStatus(plan: Plan, outDir: string, options: TaskStatusOptions = {}): Promise<Map<string, TaskAction>> {
  if (options.force) return new Map(plan.tasks.map((t) => [t.id, { action: 'render', reason: 'forced' }]));
  // Only files without an index record need the manifest: read it on the first such file.
  let loading: Promise<PreviousResults> | undefined;
  const previous = options.previous ? () => Promise.resolve(options.previous as PreviousResults) : () => (loading ??= previousResults(outDir, options.shard ?? null, plan.hash));
  const index = await readIndexes(await listIndexes(outDir));
  const actions = new Array<TaskAction | undefined>(plan.tasks.length);
  // Output paths are normalised and relative (checked when the plan was compiled).
  const root = `${resolve(outDir)}${sep}`;
  await checkRecorded(plan.tasks, root, index, actions);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.tasks.length) {
      const i = next++;
      if (actions[i]) continue;
      const task = plan.tasks[i] as PlanTask;
      actions[i] = await statusOf(task, outDir, index.get(task.output.path, task.id, i), previous);
    }
  };
  await Promise.all(Array.from({ length: CHECKS_IN_FLIGHT }, worker));
  if (loading) (await loading).close?.();
  const status = new Map<string, TaskAction>();
  plan.tasks.forEach((t, i) => status.set(t.id, actions[i] ?? { action: 'render', reason: 'missing' }));
  return status;
}

/** Earlier entries read from a manifest file, parsed one at a time when asked for. */
class PreviousEntries implements PreviousResults {
  constructor(private readonly entries: ManifestEntries) {}

  text(id: string): string | undefined {
    return this.entries.text(id);
  }

  get(id: string): ManifestTask | undefined {
    const text = this.entries.text(id);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as ManifestTask;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.entries.close();
  }
}

/**
 * The finished entries of the shard's manifest; when that manifest is another plan's and this
 * plan's was archived (other recipes were rendered into the folder in between), the archived one.
 */
export async function previousResults(outDir: string, shard: { index: number; count: number } | null, planHash?: string): Promise<PreviousResults> {
  try {
    let path = resolve(outDir, manifestFileName(shard));
    if (planHash !== undefined) {
      const current = await manifestPlanHash(path);
      const archived = archivedManifestPath(path, planHash);
      if (current !== planHash && (await stampOf(archived)) !== null) path = archived;
    }
    return new PreviousEntries(ManifestEntries.open(path));
  } catch {
    // An unreadable manifest only loses the shortcut; the index and the images still decide.
    return new PreviousEntries(ManifestEntries.empty());
  }
}

async function statusOf(task: PlanTask, outDir: string, record: IndexRecord | undefined, previousResults: () => Promise<PreviousResults>): Promise<TaskAction> {
  const path = outputPath(outDir, task);
  if (record) {
    const stamp = await stampOf(path).catch(() => null);
    // The record doubles as the stamp: one object less per task on a 100,000-task resume.
    if (stamp && sameStamp(stamp, record)) return { action: 'skip', reason: 'up to date', file: { sha256: record.sha256, bytes: record.size, stamp: record } };
    if (stamp) {
      const digest = await hashFile(path).catch(() => null);
      // Touched but the same bytes (copied with new times): still up to date, with the new times.
      if (digest === record.sha256) return { action: 'skip', reason: 'up to date', detail: 'same bytes as recorded', file: { sha256: digest, bytes: stamp.size, stamp } };
      return { action: 'render', reason: 'corrupt', detail: 'the file changed since render-recipes wrote it (its sha256 is not the recorded one)' };
    }
  }
  const stamp = await stampOf(path).catch(() => null);
  const check = await checkImageFile(path);
  const previous = await previousResults();
  switch (check.state) {
    case 'missing': {
      // The server wrote it on a disk this machine cannot see: trust the manifest.
      if (task.output.transfer === 'server' && previous.get(task.id)) return { action: 'skip', reason: 'up to date', detail: 'recorded in the manifest' };
      return { action: 'render', reason: 'missing' };
    }
    case 'corrupt':
      return { action: 'render', reason: 'corrupt', detail: check.problem };
    case 'ok': {
      const file = { sha256: check.sha256, bytes: check.bytes, ...(stamp && stamp.size === check.bytes ? { stamp } : {}) };
      if (check.provenance) {
        return check.provenance.taskHash === task.id
          ? { action: 'skip', reason: 'up to date', file }
          : { action: 'render', reason: 'recipe changed', detail: `the file was rendered for task ${check.provenance.taskHash}` };
      }
      const earlier = previous.get(task.id);
      if (earlier && earlier.output.sha256 === check.sha256) return { action: 'skip', reason: 'up to date', detail: 'manifest sha256 matches', file };
      return { action: 'render', reason: earlier ? 'corrupt' : 'recipe changed', detail: 'the file carries no render-recipes provenance' };
    }
  }
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
