import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import PQueue from 'p-queue';
import { RenderRecipesError, isRenderRecipesError, type ErrorCode } from '../errors.js';
import { removeLiveTempFiles, sweepTempFiles } from '../output/atomic.js';
import { encodeImage, sha256 } from '../output/image-file.js';
import { manifestFileName } from '../output/manifest.js';
import { stampOf } from '../output/output-index.js';
import { checkOutputPaths, resolveOutputPath } from '../output/safe-path.js';
import type { BraynsClient } from '../brayns/types.js';
import type { Plan, PlanScene, PlanTask } from '../plan/types.js';
import type { RunEffects } from './effects.js';
import type { RunEvent, RunSummary } from './events.js';
import { Instance, breaksConnection } from './instance.js';
import { ManifestKeeper } from './manifest-keeper.js';
import { buildProvenance, type TaskRecord } from './records.js';
import { resolveTask, sendTask, type Resolved } from './render-task.js';
import { Scheduler, type Decision } from './scheduler.js';
import { shardPlan, type Shard } from './shard.js';
import { CostEstimate, Signal, isLoopbackUri } from './run-support.js';
import { previousResults, taskStatus, type TaskAction } from './task-status.js';

export interface RunOptions {
  outDir: string;
  instances: readonly string[];
  shard?: Shard | null;
  force?: boolean;
  failFast?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Default `<outDir>/manifest.json` (or `manifest.shard-i-of-n.json`). */
  manifestPath?: string;
  loadTimeoutMs?: number;
  renderTimeoutMs?: number;
  /** Attempts per task, each on another instance when there is one. */
  maxAttempts?: number;
  /** Consecutive failures after which an instance is set aside for the rest of the run. */
  maxInstanceFailures?: number;
  retryDelayMs?: number;
  reconnectDelaysMs?: readonly number[];
  postConcurrency?: number;
  /** Tasks under way per instance (sent, or queued in the server behind the one rendering). Default 2. */
  pipelineDepth?: number;
  manifestIntervalMs?: number;
  /** Precomputed `taskStatus` (e.g. already shown to the user). */
  status?: ReadonlyMap<string, TaskAction>;
}

type RenderDecision = Extract<Decision, { kind: 'task' }>;

/** Executes a plan across Brayns instances. Never prints; see RunEvent. */
export async function runPlan(fullPlan: Plan, options: RunOptions, effects: RunEffects): Promise<RunSummary> {
  return new Execution(fullPlan, options, effects).run();
}

class Execution {
  private readonly plan: Plan;
  private readonly outDir: string;
  private readonly emit: (event: RunEvent) => void;
  private readonly controller = new AbortController();
  private readonly records: (TaskRecord | undefined)[];
  private readonly scenes: Map<string, PlanScene>;
  private readonly costs = new CostEstimate();
  private readonly changed = new Signal();
  // Transcoding and writing overlap rendering. sharp runs on libuv's thread pool (4 threads by
  // default), so more concurrent jobs than that only queue inside libvips; at least 2 so a write
  // waiting on disk never stalls encoding.
  private readonly post: PQueue;
  private readonly failures: RunSummary['failures'] = [];
  private instances: Instance[] = [];
  private scheduler!: Scheduler;
  private failFastTripped = false;
  private keeper: ManifestKeeper | null = null;

  constructor(
    fullPlan: Plan,
    private readonly options: RunOptions,
    private readonly effects: RunEffects,
  ) {
    this.plan = shardPlan(fullPlan, options.shard ?? null);
    this.outDir = resolve(options.outDir);
    this.emit = options.onEvent ?? (() => undefined);
    this.records = new Array<TaskRecord | undefined>(this.plan.tasks.length);
    this.scenes = new Map(this.plan.scenes.map((s) => [s.id, s]));
    this.post = new PQueue({ concurrency: options.postConcurrency ?? Math.max(2, Math.min(4, availableParallelism())) });
    // Every request of every instance listens to this one signal (cancellation reaches them all).
    setMaxListeners(0, this.controller.signal);
    const outer = options.signal;
    if (outer?.aborted) this.controller.abort(outer.reason);
    outer?.addEventListener('abort', () => this.controller.abort(outer.reason), { once: true });
  }

  async run(): Promise<RunSummary> {
    const started = this.effects.clock.now();
    const startedAt = new Date();
    const shard = this.options.shard ?? null;
    // Before anything connects: no task may write outside the output directory.
    await checkOutputPaths(this.outDir, this.plan.tasks.map((t) => t.output.path));
    const all = this.options.instances.map(
      (uri, i) => new Instance(i, uri, this.effects, this.emit, this.controller.signal, this.options.reconnectDelaysMs ?? [250, 1000, 3000]),
    );
    // Checking the outputs reads every existing file: connect meanwhile rather than after.
    const early = this.options.status ? null : all.map((inst) => inst.connect().then(() => null, (error: unknown) => error ?? new Error('connect failed')));
    await sweepTempFiles(this.outDir);
    const status = this.options.status ?? (await taskStatus(this.plan, this.outDir, { force: this.options.force ?? false, shard }));
    const previous = await previousResults(this.outDir, shard, this.plan.hash);
    const byScene = new Map<string, number[]>();
    let skipped = 0;
    this.plan.tasks.forEach((task, i) => {
      const action = status.get(task.id);
      if (action?.action === 'skip') {
        skipped += 1;
        this.emit({ type: 'task-skipped', level: 'debug', taskId: task.id, output: task.output.path, reason: action.reason, message: `skip ${task.output.path} (${action.reason})` });
        return;
      }
      const list = byScene.get(task.sceneId) ?? [];
      list.push(i);
      byScene.set(task.sceneId, list);
    });
    const toRender = this.plan.tasks.length - skipped;
    if (toRender > 0 && all.length === 0) throw new RenderRecipesError('USAGE', 'no Brayns instance to render on', { hint: 'pass --instance URI' });
    if (toRender === 0 && early) {
      await Promise.all(early);
      await Promise.all(all.map((inst) => inst.close()));
    }
    this.instances = toRender === 0 ? [] : all;
    this.scheduler = new Scheduler(byScene, this.instances.length, () => this.costs.current());
    const manifest = new ManifestKeeper({
      path: this.options.manifestPath ?? resolve(this.outDir, manifestFileName(shard)),
      plan: this.plan,
      shard,
      startedAt,
      startClock: started,
      records: this.records,
      instances: this.instances,
      previous,
      status,
      intervalMs: this.options.manifestIntervalMs ?? 10_000,
      clock: this.effects.clock,
      toRender,
      onWritten: (path, tasksEnded) =>
        this.emit({ type: 'manifest-written', level: 'debug', path, tasksEnded, final: false, message: `manifest updated (${tasksEnded} of ${toRender} tasks ended)` }),
    });
    this.keeper = manifest;
    this.emit({
      type: 'run-started',
      level: 'info',
      planHash: this.plan.hash,
      tasks: this.plan.tasks.length,
      toRender,
      skipped,
      instances: this.instances.length,
      shard: shard && `${shard.index}/${shard.count}`,
      message: `${toRender} to render, ${skipped} up to date, on ${this.instances.length} instance(s)${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`,
    });
    manifest.startPeriodic();
    try {
      await Promise.all(this.instances.map((inst, i) => this.work(inst, early?.[i] ?? null)));
      await this.post.onIdle();
    } finally {
      await removeLiveTempFiles();
      await Promise.all(this.instances.map((i) => i.close()));
      manifest.stopPeriodic();
    }
    const wallMs = this.effects.clock.now() - started;
    const interrupted = this.controller.signal.aborted && !this.failFastTripped;
    const summary = this.summarize(byScene, toRender, skipped, wallMs, interrupted);
    try {
      summary.manifestPath = await manifest.write(wallMs, interrupted);
    } finally {
      previous.close?.();
    }
    this.emit({ type: 'manifest-written', level: 'info', path: summary.manifestPath, tasksEnded: summary.rendered + summary.failed, final: true, message: `manifest: ${summary.manifestPath}` });
    this.emit({ type: 'run-finished', level: summary.failed > 0 ? 'error' : 'info', summary, message: 'run finished' });
    return summary;
  }

  /** One instance's loop: take the scheduler's next task, render it, hand the image to post-processing. */
  /** `connected` = an early connection attempt (resolves to its error, or null). */
  private async work(inst: Instance, connected: Promise<unknown> | null): Promise<void> {
    const error = await (connected ?? inst.connect().then(() => null, (e: unknown) => e ?? new Error('connect failed')));
    if (error !== null) {
      if (!this.controller.signal.aborted) this.setAside(inst, `unreachable: ${messageOf(error)}`);
      return;
    }
    // Up to `depth` tasks per instance are under way: the next request waits in the server's own
    // queue while the current one renders, hiding the round trip and the runner's work between
    // two renders. The server still executes one request at a time.
    const depth = this.options.pipelineDepth ?? 2;
    const limit = this.post.concurrency;
    const underWay = new Set<Promise<void>>();
    while (!this.controller.signal.aborted && !inst.setAside) {
      if (underWay.size >= depth) {
        await Promise.race(underWay);
        continue;
      }
      const decision = this.scheduler.next(inst.index, this.effects.clock.now());
      if (decision.kind === 'done') break;
      if (decision.kind === 'wait') {
        await this.changed.wait(this.controller.signal, decision.until, this.effects.clock);
        continue;
      }
      // Backpressure: never more finished images in memory than the post queue can work on.
      await this.post.onSizeLessThan(limit);
      const job = this.attempt(inst, decision).finally(() => underWay.delete(job));
      underWay.add(job);
    }
    await Promise.all(underWay);
  }

  private async attempt(inst: Instance, d: RenderDecision): Promise<void> {
    const task = this.task(d.task);
    const client = inst.client;
    try {
      const sent = await inst.queue.add(() => this.send(inst, d, task));
      if (sent === null) return;
      const png = await sent.reply;
      const now = this.effects.clock.now();
      // With pipelining the reply also waited for the previous render: count only this one's time.
      const renderMs = now - Math.max(sent.at, inst.lastReplyAt);
      inst.lastReplyAt = now;
      this.costs.addRender(renderMs);
      inst.consecutiveFailures = 0;
      void this.post.add(() => this.finish(inst, d, sent.resolved, png, renderMs));
    } catch (error) {
      await this.failed(inst, d, error, client);
    }
  }

  /** Connects, loads and sends the task (one instance at a time); null = handed back unsent. */
  private async send(inst: Instance, d: RenderDecision, task: PlanTask): Promise<{ reply: Promise<Buffer | null>; resolved: Resolved; at: number } | null> {
    const signal = this.controller.signal;
    if (signal.aborted || inst.setAside) {
      // Never sent: back to the others without using up an attempt.
      this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt - 1, signal.aborted ? null : this.effects.clock.now());
      this.changed.notify();
      return null;
    }
    this.emit({ type: 'task-started', level: 'debug', taskId: task.id, uri: inst.uri, output: task.output.path, attempt: d.attempt, message: `render ${task.output.path} on ${inst.uri}` });
    if (!inst.client) await inst.connect();
    if (inst.scene?.sceneId !== d.sceneId) {
      this.costs.addLoad(await inst.load(this.scene(d.sceneId), this.options.loadTimeoutMs ?? 30 * 60_000));
      inst.lastReplyAt = this.effects.clock.now();
    }
    const scene = inst.scene;
    if (!scene) throw new RenderRecipesError('INTERNAL', 'scene missing after load');
    const resolved = resolveTask(task, scene);
    const serverPath = task.output.transfer === 'server' ? await resolveOutputPath(this.outDir, task.output.path) : null;
    if (serverPath) await this.effects.ensureDir(dirname(serverPath));
    const at = this.effects.clock.now();
    const { reply } = await sendTask(inst.requireClient(), task, scene, resolved, { signal, timeoutMs: this.options.renderTimeoutMs ?? 10 * 60_000, serverPath });
    return { reply, resolved, at };
  }

  /** Post-processing: provenance, transcoding, atomic write (or checking the server's file). */
  private async finish(inst: Instance, d: RenderDecision, resolved: Resolved, png: Buffer | null, renderMs: number): Promise<void> {
    const task = this.task(d.task);
    const start = this.effects.clock.now();
    try {
      const path = await resolveOutputPath(this.outDir, task.output.path);
      let file: { sha256: string; bytes: number } | null;
      if (png) {
        const provenance = buildProvenance(this.plan, task, this.scene(d.sceneId), resolved, inst.identity);
        const bytes = await encodeImage(png, task.image, provenance);
        await this.effects.writeFile(path, bytes);
        file = { sha256: sha256(bytes), bytes: bytes.length };
      } else {
        file = await this.serverFile(inst, path);
      }
      this.records[d.task] = {
        status: 'rendered', instance: inst.index, resolved, renderMs, postMs: this.effects.clock.now() - start,
        attempts: d.attempt, sha256: file?.sha256 ?? null, bytes: file?.bytes ?? null, stamp: file ? await stampOf(path) : null, error: null,
      };
      this.keeper?.taskEnded();
      inst.rendered += 1;
      this.scheduler.completed();
      this.emit({
        type: 'task-finished', level: 'info', taskId: task.id, uri: inst.uri, output: task.output.path, renderMs,
        bytes: file?.bytes ?? null, sha256: file?.sha256 ?? null, message: `wrote ${task.output.path} (${Math.round(renderMs)} ms on ${inst.uri})`,
      });
    } catch (error) {
      this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, null);
      this.recordFailure(inst, d, errorCode(error, 'OUTPUT'), messageOf(error), false);
    } finally {
      this.changed.notify();
    }
  }

  /** A file the server wrote: checked when this machine sees it (same host or shared disk). */
  private async serverFile(inst: Instance, path: string): Promise<{ sha256: string; bytes: number } | null> {
    for (let i = 0; i < 20; i += 1) {
      const file = await this.effects.hashFile(path);
      if (file) return file;
      if (!isLoopbackUri(inst.uri)) return null;
      await this.effects.clock.sleep(100);
    }
    throw new RenderRecipesError('OUTPUT', `${inst.uri} reported writing ${path}, but the file did not appear`, {
      hint: 'check that the Brayns process can write to the output directory',
    });
  }

  private async failed(inst: Instance, d: RenderDecision, error: unknown, client: BraynsClient | null): Promise<void> {
    if (this.controller.signal.aborted) {
      // Cancelled by Ctrl-C or --fail-fast: the task stays pending, the scheduler just forgets it.
      this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, null);
      return;
    }
    const code = errorCode(error, 'RENDER_FAILED');
    // USAGE/CAPABILITY/CIRCUIT problems come from the task itself and fail the same way everywhere.
    const retryable = !['USAGE', 'CAPABILITY', 'CIRCUIT_INVALID', 'RECIPE_INVALID'].includes(code);
    const willRetry = retryable && d.attempt < (this.options.maxAttempts ?? 3);
    const delay = (this.options.retryDelayMs ?? 250) * 2 ** (d.attempt - 1);
    inst.failures += 1;
    inst.consecutiveFailures += 1;
    const broken = breaksConnection(error);
    // Only the first of several pipelined failures on one connection resets it.
    if (broken && client !== null && inst.client === client) {
      await inst.reset();
      this.scheduler.unloaded(inst.index);
    }
    this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, willRetry ? this.effects.clock.now() + delay : null);
    this.recordFailure(inst, d, code, messageOf(error), willRetry);
    this.changed.notify();
    if (inst.consecutiveFailures >= (this.options.maxInstanceFailures ?? 3)) {
      this.setAside(inst, `failed ${inst.consecutiveFailures} times in a row (last: ${messageOf(error)})`);
    } else if (broken && !inst.setAside) {
      try {
        if (!inst.client) await inst.connect();
      } catch (reconnectError) {
        if (!this.controller.signal.aborted) this.setAside(inst, `connection lost and reconnecting failed: ${messageOf(reconnectError)}`);
      }
    }
  }

  private recordFailure(inst: Instance, d: RenderDecision, code: ErrorCode, message: string, willRetry: boolean): void {
    const task = this.task(d.task);
    if (!willRetry) {
      this.records[d.task] = {
        status: 'failed', instance: inst.index, resolved: null, renderMs: 0, postMs: 0, attempts: d.attempt,
        sha256: null, bytes: null, stamp: null, error: { code, message },
      };
      this.keeper?.taskEnded();
      this.failures.push({ taskId: task.id, output: task.output.path, code, error: message, attempts: d.attempt });
    }
    this.emit({
      type: 'task-failed', level: willRetry ? 'warn' : 'error', taskId: task.id, uri: inst.uri, output: task.output.path, code, error: message,
      attempt: d.attempt, willRetry, message: `${task.output.path} failed on ${inst.uri} (attempt ${d.attempt}): ${message}${willRetry ? '; retrying elsewhere' : ''}`,
    });
    if (!willRetry && this.options.failFast && !this.controller.signal.aborted) {
      this.failFastTripped = true;
      this.controller.abort(new RenderRecipesError('RENDER_FAILED', `--fail-fast: ${task.output.path} failed`));
    }
  }

  private setAside(inst: Instance, reason: string): void {
    if (inst.setAside) return;
    inst.setAside = true;
    this.scheduler.retire(inst.index);
    void inst.reset();
    this.changed.notify();
    this.emit({ type: 'instance-down', level: 'warn', uri: inst.uri, reason, setAside: true, message: `${inst.uri} set aside for this run: ${reason}` });
  }

  private summarize(byScene: Map<string, number[]>, toRender: number, skipped: number, wallMs: number, interrupted: boolean): RunSummary {
    let rendered = 0;
    let failed = 0;
    for (const r of this.records) {
      if (r?.status === 'rendered') rendered += 1;
      else if (r?.status === 'failed') failed += 1;
    }
    const loads = this.instances.map((i) => i.loads);
    return {
      planHash: this.plan.hash,
      tasks: this.plan.tasks.length,
      rendered,
      skipped,
      failed,
      pending: toRender - rendered - failed,
      wallMs,
      throughput: wallMs > 0 ? (rendered * 1000) / wallMs : 0,
      loads: loads.reduce((a, b) => a + b, 0),
      minLoads: byScene.size === 0 ? 0 : Math.max(byScene.size, Math.min(this.instances.length, toRender)),
      instances: this.instances.map((i) => ({ ...i.identity, loads: i.loads, rendered: i.rendered, failures: i.failures, setAside: i.setAside })),
      interrupted,
      manifestPath: null,
      failures: this.failures,
    };
  }

  private task(index: number): PlanTask {
    const task = this.plan.tasks[index];
    if (!task) throw new RenderRecipesError('INTERNAL', `no task ${index}`);
    return task;
  }

  private scene(id: string): PlanScene {
    const scene = this.scenes.get(id);
    if (!scene) throw new RenderRecipesError('INTERNAL', `task refers to unknown scene ${id}`);
    return scene;
  }
}

function errorCode(error: unknown, fallback: ErrorCode): ErrorCode {
  return isRenderRecipesError(error) ? error.code : fallback;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
