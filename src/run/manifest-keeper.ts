import { MANIFEST_FORMAT, writeManifest, type ManifestHeader, type ManifestTask } from '../output/manifest.js';
import type { Plan } from '../plan/types.js';
import { VERSION } from '../version.js';
import type { Clock } from './effects.js';
import type { Instance } from './instance.js';
import { manifestEntry, type TaskRecord } from './records.js';
import type { Shard } from './shard.js';
import type { TaskAction } from './task-status.js';

export interface ManifestKeeperOptions {
  path: string;
  plan: Plan;
  shard: Shard | null;
  startedAt: Date;
  /** `clock.now()` at the start of the run. */
  startClock: number;
  records: readonly (TaskRecord | undefined)[];
  instances: readonly Instance[];
  previous: ReadonlyMap<string, ManifestTask>;
  status: ReadonlyMap<string, TaskAction>;
  intervalMs: number;
  clock: Clock;
}

/**
 * Keeps the manifest on disk while the run works, so a run killed without warning (SIGKILL, a
 * node lost) still leaves a recent record beside the images. Rewriting costs O(tasks), so the
 * interval grows with the time a write takes and never eats more than a few percent of the run.
 */
export class ManifestKeeper {
  private readonly stop = new AbortController();
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ManifestKeeperOptions) {}

  startPeriodic(): void {
    const { clock, intervalMs } = this.options;
    const loop = async (): Promise<void> => {
      let interval = intervalMs;
      while (!this.stop.signal.aborted) {
        await clock.sleep(interval, this.stop.signal);
        const start = clock.now();
        this.writing = this.write(clock.now() - this.options.startClock, false, true);
        await this.writing;
        interval = Math.max(intervalMs, 30 * (clock.now() - start));
      }
    };
    loop().catch(() => undefined);
  }

  stopPeriodic(): void {
    this.stop.abort();
  }

  /** Writes the manifest; resolves to its path. */
  async write(wallMs: number, interrupted: boolean, partial = false): Promise<string> {
    if (!partial) await this.writing.catch(() => undefined);
    const { path, plan, shard, startedAt, records, instances, previous, status } = this.options;
    const counts = { tasks: plan.tasks.length, rendered: 0, upToDate: 0, failed: 0, pending: 0 };
    plan.tasks.forEach((task, i) => {
      const record = records[i];
      if (record?.status === 'rendered') counts.rendered += 1;
      else if (record?.status === 'failed') counts.failed += 1;
      else if (status.get(task.id)?.action === 'skip') counts.upToDate += 1;
      else counts.pending += 1;
    });
    const identities = instances.map((inst) => inst.identity);
    const failures: ManifestHeader['failures'] = [];
    plan.tasks.forEach((task, i) => {
      const record = records[i];
      if (record?.status === 'failed' && record.error) {
        failures.push({ taskId: task.id, output: task.output.path, code: record.error.code, message: record.error.message, attempts: record.attempts });
      }
    });
    const entries = function* (): Generator<ManifestTask> {
      for (let i = 0; i < plan.tasks.length; i += 1) {
        const task = plan.tasks[i];
        if (!task) continue;
        const action = status.get(task.id);
        yield manifestEntry(task, records[i], identities, previous.get(task.id), action?.action === 'skip' ? (action.file ?? {}) : undefined);
      }
    };
    const header: ManifestHeader = {
      format: MANIFEST_FORMAT,
      tool: { name: 'render-recipes', version: VERSION },
      planHash: plan.hash,
      shard,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      wallMs: Math.round(wallMs),
      interrupted,
      summary: counts,
      instances: instances.map((inst) => ({
        ...inst.identity,
        loads: inst.loads,
        rendered: inst.rendered,
        failures: inst.failures,
        setAside: inst.setAside,
      })),
      scenes: loadedScenes(plan, instances),
      failures,
    };
    await writeManifest(path, header, entries());
    return path;
  }
}

/** The scenes loaded in this run, in plan order: the cell count the servers gave, or null. */
function loadedScenes(plan: Plan, instances: readonly Instance[]): NonNullable<ManifestHeader['scenes']> {
  return plan.scenes.flatMap((scene) => {
    const counts = instances.filter((inst) => inst.cells.has(scene.id)).map((inst) => inst.cells.get(scene.id) ?? null);
    if (counts.length === 0) return [];
    return [{ id: scene.id, cells: counts.find((c) => c !== null) ?? null, density: scene.circuit.density }];
  });
}
