import { archiveOtherPlanManifest, dropSupersededArchive, indexDigest, indexPathFor, MANIFEST_FORMAT, readIndexHeader, sameIndexRecords, sameStamp, stampOf, writeIndex, writeManifest, type IndexRecord, type ManifestHeader, type ManifestTask } from '../output/index.js';
import type { Plan, PlanTask } from '../plan/index.js';
import { VERSION } from '../version.js';
import type { Clock } from './effects.js';
import type { Instance } from './instance.js';
import { manifestEntry, type TaskRecord } from './records.js';
import type { Shard } from './shard.js';
import type { PreviousResults, TaskAction } from './task-status.js';

export interface ManifestKeeperOptions {
  path: string;
  plan: Plan;
  shard: Shard | null;
  startedAt: Date;
  /** `clock.now()` at the start of the run. */
  startClock: number;
  records: readonly (TaskRecord | undefined)[];
  instances: readonly Instance[];
  /** The earlier manifest's entries, opened on the first write (a resume that writes nothing never reads them). */
  openPrevious: () => Promise<PreviousResults>;
  status: ReadonlyMap<string, TaskAction>;
  intervalMs: number;
  clock: Clock;
  /** Tasks this run renders: the manifest is also written each time another 5 % of them end. */
  toRender: number;
  /** After each write while the run goes on, with the number of tasks ended by then. */
  onWritten?: (path: string, tasksEnded: number) => void;
}

/**
 * Keeps the manifest and the output index on disk while the run works, so a run killed without
 * warning (SIGKILL, a node lost) still leaves a recent record beside the images: written once when
 * the run starts, then every `intervalMs` and each time another 5 % of the tasks have ended.
 * Rewriting costs O(tasks), so writes are spaced by at least 3 times the last write's duration
 * (the interval by 30 times): never more than a quarter of the time, and far less on long runs.
 * A 5 % mark reached while a write is under way, or too soon after one, is written as soon as
 * that spacing allows.
 */
export class ManifestKeeper {
  private readonly stop = new AbortController();
  private writing: Promise<unknown> = Promise.resolve();
  private busy = false;
  /** A 5 % mark passed that no write has covered yet. */
  private markPending = false;
  private deferred: ReturnType<Clock['sleep']> | null = null;
  private ended = 0;
  private nextMark: number;
  private lastWrite = { at: -Infinity, ms: 0 };
  private archived = false;
  private previous: Promise<PreviousResults> | null = null;

  constructor(private readonly options: ManifestKeeperOptions) {
    this.nextMark = this.step();
  }

  startPeriodic(): void {
    const { clock, intervalMs, toRender } = this.options;
    // Nothing to render: nothing changes before the final write (a 100,000-task resume would
    // otherwise write the manifest twice).
    if (toRender === 0) return;
    const loop = async (): Promise<void> => {
      this.writePartial();
      await this.writing;
      while (!this.stop.signal.aborted) {
        await clock.sleep(Math.max(intervalMs, 30 * this.lastWrite.ms), this.stop.signal);
        this.writePartial();
        await this.writing;
      }
    };
    loop().catch(() => undefined);
  }

  stopPeriodic(): void {
    this.stop.abort();
  }

  /** One more task ended (rendered, or failed for good). */
  taskEnded(): void {
    this.ended += 1;
    if (this.ended < this.nextMark) return;
    while (this.nextMark <= this.ended) this.nextMark += this.step();
    this.markPending = true;
    this.writeMark();
  }

  private writeMark(): void {
    if (!this.markPending || this.busy || this.deferred || this.stop.signal.aborted) return;
    const { clock } = this.options;
    const wait = this.lastWrite.at + 3 * this.lastWrite.ms - clock.now();
    if (wait <= 0) {
      this.writePartial();
      return;
    }
    this.deferred = clock.sleep(wait, this.stop.signal);
    this.deferred.then(
      () => {
        this.deferred = null;
        this.writeMark();
      },
      () => (this.deferred = null),
    );
  }

  private step(): number {
    return Math.max(1, Math.ceil(this.options.toRender / 20));
  }

  /** A write while the run goes on; skipped when one is under way, failures left to the final write. */
  private writePartial(): void {
    if (this.busy || this.stop.signal.aborted) return;
    this.busy = true;
    this.markPending = false;
    const ended = this.ended;
    this.writing = this.writeNow(this.options.clock.now() - this.options.startClock, false, false)
      .then((path) => this.options.onWritten?.(path, ended))
      .catch(() => undefined)
      .finally(() => {
        this.busy = false;
        this.writeMark();
      });
  }

  /**
   * Writes the manifest, then the output index beside it; resolves to the manifest's path. A run
   * that rendered nothing and found every file as recorded writes neither, when the manifest on
   * disk is the complete one written with that index (see `unchangedOnDisk`): it still describes
   * these files exactly, and a 100,000-task resume is spared rewriting 100 MB.
   */
  async write(wallMs: number, interrupted: boolean): Promise<string> {
    await this.writing.catch(() => undefined);
    return this.writeNow(wallMs, interrupted, true);
  }

  /** Releases the earlier manifest, when a write opened it. */
  async close(): Promise<void> {
    const previous = this.previous;
    this.previous = null;
    (await previous?.catch(() => null))?.close?.();
  }

  /** `final`: the end-of-run write, flushed to the disk (the others only need to survive the process). */
  private async writeNow(wallMs: number, interrupted: boolean, final: boolean): Promise<string> {
    const { path, plan, shard, startedAt, records, instances, status, clock } = this.options;
    const start = clock.now();
    const indexRecords = function* (): Generator<IndexRecord> {
      for (let i = 0; i < plan.tasks.length; i += 1) {
        const task = plan.tasks[i];
        if (!task) continue;
        const record = records[i];
        const file = record ? (record.status === 'rendered' && record.sha256 !== null ? { sha256: record.sha256, stamp: record.stamp } : null) : status.get(task.id)?.file;
        const stamp = file?.stamp;
        if (file && stamp) yield { path: task.output.path, size: stamp.size, mtimeNs: stamp.mtimeNs, ctimeNs: stamp.ctimeNs, sha256: file.sha256, taskId: task.id };
      }
    };
    let recorded = 0;
    for (const _ of indexRecords()) recorded += 1;
    const indexPath = indexPathFor(path);
    if (final && !interrupted && this.options.toRender === 0 && recorded === plan.tasks.length && (await this.unchangedOnDisk(indexPath, () => indexDigest(indexRecords())))) {
      this.lastWrite = { at: clock.now(), ms: clock.now() - start };
      return path;
    }
    // Opened before the manifest is archived or replaced: its entries are copied into the new one.
    this.previous ??= this.options.openPrevious();
    const previous = await this.previous;
    const first = !this.archived;
    if (first) {
      // The manifest of another plan in this slot (an earlier run of other recipes into this
      // folder) is kept under manifests/, for `status`, instead of being overwritten.
      await archiveOtherPlanManifest(path, plan.hash);
      this.archived = true;
    }
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
    const entries = function* (): Generator<ManifestTask | string> {
      for (let i = 0; i < plan.tasks.length; i += 1) {
        const task = plan.tasks[i];
        if (!task) continue;
        const action = status.get(task.id);
        const skipped = action?.action === 'skip';
        const kept = skipped && !records[i] ? keptEntryText(task, previous.text?.(task.id), action.file?.sha256) : undefined;
        if (kept !== undefined) {
          yield kept;
          continue;
        }
        yield manifestEntry(task, records[i], identities, skipped && !records[i] ? previous.get(task.id) : undefined, skipped ? (action.file ?? {}) : undefined);
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
        ...(inst.refused ? { refused: inst.refused } : {}),
      })),
      scenes: loadedScenes(plan, instances),
      failures,
    };
    await writeManifest(path, header, entries(), { sync: final });
    const written = await stampOf(path);
    const complete = !interrupted && counts.pending === 0 && counts.failed === 0 && recorded === plan.tasks.length;
    await writeIndex(indexPath, written && { planHash: plan.hash, complete, ...written }, indexRecords(), { sync: final });
    if (first) await dropSupersededArchive(path, plan.hash);
    this.lastWrite = { at: clock.now(), ms: clock.now() - start };
    return path;
  }

  /**
   * Whether the manifest and index on disk already say what this run would write: the index was
   * written with a complete manifest of this plan that nobody has replaced or touched since (same
   * size and times), and holds exactly this run's records.
   */
  private async unchangedOnDisk(indexPath: string, digest: () => string): Promise<boolean> {
    const link = (await readIndexHeader(indexPath))?.manifest;
    if (!link?.complete || link.planHash !== this.options.plan.hash) return false;
    const stamp = await stampOf(this.options.path).catch(() => null);
    if (!stamp || !sameStamp(stamp, link)) return false;
    return sameIndexRecords(indexPath, digest());
  }
}

/**
 * The earlier entry of a task kept up to date, as text: the earlier JSON with its status set to
 * `up to date`, without parsing it (a resume of 100,000 tasks rewrites 100,000 entries). Only when
 * the entry starts with exactly this task's fields in manifestEntry's key order and records the
 * sha256 the file has now (`sha256`, when known); else undefined (the entry is then rebuilt).
 */
function keptEntryText(task: PlanTask, text: string | undefined, sha256: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (sha256 !== undefined && !text.includes(`"sha256":"${sha256}"`)) return undefined;
  const head = JSON.stringify({ id: task.id, sceneId: task.sceneId, recipe: task.recipe, item: task.item, frame: task.frame }).slice(0, -1);
  if (!text.startsWith(`${head},"status":"`)) return undefined;
  const from = head.length + 11;
  const end = text.indexOf('"', from);
  return `${head},"status":"up to date${text.slice(end)}`;
}

/** The scenes loaded in this run, in plan order: the cell count the servers gave, or null. */
function loadedScenes(plan: Plan, instances: readonly Instance[]): NonNullable<ManifestHeader['scenes']> {
  return plan.scenes.flatMap((scene) => {
    const counts = instances.filter((inst) => inst.cells.has(scene.id)).map((inst) => inst.cells.get(scene.id) ?? null);
    if (counts.length === 0) return [];
    return [{ id: scene.id, cells: counts.find((c) => c !== null) ?? null, density: scene.circuit.density }];
  });
}
