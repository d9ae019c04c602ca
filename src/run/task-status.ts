import { resolve } from 'node:path';
import PQueue from 'p-queue';
import type { Plan, PlanTask } from '../plan/types.js';
import { checkImageFile } from '../output/image-file.js';
import { manifestFileName, readManifest, type ManifestTask } from '../output/manifest.js';

export type TaskReason = 'up to date' | 'missing' | 'recipe changed' | 'corrupt' | 'forced';

export interface TaskAction {
  action: 'render' | 'skip';
  reason: TaskReason;
  /** Why, in more words (e.g. which check failed); for messages only. */
  detail?: string;
  /** The existing output, when it is kept. */
  file?: { sha256: string; bytes: number };
}

export interface TaskStatusOptions {
  force?: boolean;
  /** Shard whose manifest to consult; null/undefined = the unsharded manifest. */
  shard?: { index: number; count: number } | null;
  /** Earlier results by task id (read from the manifest when omitted). */
  previous?: ReadonlyMap<string, ManifestTask>;
}

/** Absolute path of a task's output under the run's output directory. */
export function outputPath(outDir: string, task: PlanTask): string {
  return resolve(outDir, ...task.output.path.split('/'));
}

/**
 * Whether each task must render or can be skipped, and why. A task is up to date when its output
 * exists, is complete, and carries this task's hash (in the image's provenance, or, for files the
 * server wrote, in the manifest with a matching sha256). Files are checked a few at a time: the
 * work is disk-bound and a plan can have 100,000 of them.
 */
export async function taskStatus(plan: Plan, outDir: string, options: TaskStatusOptions = {}): Promise<Map<string, TaskAction>> {
  const previous = options.previous ?? (await previousResults(outDir, options.shard ?? null));
  const status = new Map<string, TaskAction>();
  const queue = new PQueue({ concurrency: 8 });
  for (const task of plan.tasks) {
    if (options.force) {
      status.set(task.id, { action: 'render', reason: 'forced' });
      continue;
    }
    // Queue a few at a time: 100,000 pending closures would cost more memory than the checks.
    await queue.onSizeLessThan(64);
    void queue.add(async () => {
      status.set(task.id, await statusOf(task, outDir, previous.get(task.id)));
    });
  }
  await queue.onIdle();
  // Map iteration order = plan order, whatever order the checks finished in.
  return new Map(plan.tasks.map((t) => [t.id, status.get(t.id) ?? { action: 'render', reason: 'missing' }]));
}

export async function previousResults(outDir: string, shard: { index: number; count: number } | null): Promise<Map<string, ManifestTask>> {
  const byId = new Map<string, ManifestTask>();
  try {
    const manifest = await readManifest(resolve(outDir, manifestFileName(shard)));
    for (const t of manifest?.tasks ?? []) if (t.status === 'rendered' || t.status === 'up to date') byId.set(t.id, t);
  } catch {
    // An unreadable manifest only loses the shortcut; the images' own provenance still decides.
  }
  return byId;
}

async function statusOf(task: PlanTask, outDir: string, previous: ManifestTask | undefined): Promise<TaskAction> {
  const check = await checkImageFile(outputPath(outDir, task), previous?.output.sha256 ?? undefined);
  switch (check.state) {
    case 'missing':
      // The server wrote it on a disk this machine cannot see: trust the manifest.
      if (task.output.transfer === 'server' && previous) return { action: 'skip', reason: 'up to date', detail: 'recorded in the manifest' };
      return { action: 'render', reason: 'missing' };
    case 'corrupt':
      return { action: 'render', reason: 'corrupt', detail: check.problem };
    case 'ok':
      if (check.provenance) {
        return check.provenance.taskHash === task.id
          ? { action: 'skip', reason: 'up to date', file: { sha256: check.sha256, bytes: check.bytes } }
          : { action: 'render', reason: 'recipe changed', detail: `the file was rendered for task ${check.provenance.taskHash}` };
      }
      if (previous && previous.output.sha256 === check.sha256) return { action: 'skip', reason: 'up to date', detail: 'manifest sha256 matches', file: { sha256: check.sha256, bytes: check.bytes } };
      return { action: 'render', reason: previous ? 'corrupt' : 'recipe changed', detail: 'the file carries no render-recipes provenance' };
  }
}
