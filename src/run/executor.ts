import { setMaxListeners } from 'node:events';
import { dirname, resolve } from 'node:path';
import PQueue from 'p-queue';
import { RenderRecipesError, isRenderRecipesError, type ErrorCode } from '../errors.js';
import { checkOutputPaths, composeOverlay, encodeWithProvenance, manifestFileName, OutputRoot, overlayFrame, PROVENANCE_KEYWORD, rawPath, sha256, stampOf, sweepTempFiles, TempFiles, withTempFiles } from '../output/index.js';
import { withTextChunk } from '@render-recipes/protocol';
import { checkLoads, describeLoadProblem, type BraynsClient, type LoadProblem } from '../brayns/index.js';
import type { CircuitSpec, Plan, PlanScene, PlanTask } from '../plan/index.js';
import type { RunEffects } from './effects.js';
import type { RunEvent, RunSummary } from './events.js';
import { Instance, breaksConnection, isStall } from './instance.js';
import { ManifestKeeper } from './manifest-keeper.js';
import { buildProvenance, type TaskRecord } from './records.js';
import { checkReceivedImage } from './received-image.js';
import { resolveTask, sendTask, type Resolved } from './render-task.js';
import { resolveRunOptions, type ResolvedRunOptions, type RunOptions } from './run-options.js';
import { Scheduler, type Decision } from './scheduler.js';
import { shardPlan } from './shard.js';
import { finishFigures } from './figures.js';
import { CostEstimate, Signal, isLoopbackUri } from './run-support.js';
import { SnapshotTimes, StallWatch } from './stall.js';
import { previousResults, taskStatus } from './task-status.js';

export type { RunOptions } from './run-options.js';

type RenderDecision = Extract<Decision, { kind: 'task' }>;

/**
 * Executes a plan across Brayns instances. Never prints; see RunEvent. Rejects with a USAGE error
 * on nonsense options, and with the error itself when render-recipes hits a bug (an error that is
 * not a RenderRecipesError or an OS error): that stops the run rather than being retried.
 */
export async function runPlan(fullPlan: Plan, options: RunOptions, effects: RunEffects): Promise<RunSummary> {
  const execution = new Execution(fullPlan, resolveRunOptions(options), effects);
  // This run's own temp files: an interrupted run removes those, never another run's.
  return withTempFiles(execution.temps, () => execution.run());
}

class Execution {
  readonly temps = new TempFiles();
  private readonly plan: Plan;
  private readonly outDir: string;
  /** The folders under --out this run checked (see OutputRoot). */
  private readonly outputRoot: OutputRoot;
  private readonly emit: (event: RunEvent) => void;
  private readonly controller = new AbortController();
  private readonly records: (TaskRecord | undefined)[];
  private readonly scenes: Map<string, PlanScene>;
  private readonly costs = new CostEstimate();
  private readonly changed = new Signal();
  private readonly snapshotTimes = new SnapshotTimes();
  private readonly stalls: StallWatch;
  // Checking, transcoding and writing overlap rendering (see `postConcurrency`).
  private readonly post: PQueue;
  /** A bug met during the run: the run stops and rethrows it. */
  private fatal: { error: unknown } | null = null;
  private readonly failures: RunSummary['failures'] = [];
  private instances: Instance[] = [];
  /** The circuits of the scenes left to render: what each instance is checked against at connect. */
  private circuits: CircuitSpec[] = [];
  private scheduler!: Scheduler;
  private failFastTripped = false;
  private keeper: ManifestKeeper | null = null;
  private periodicStarted = false;

  constructor(
    private readonly fullPlan: Plan,
    private readonly options: ResolvedRunOptions,
    private readonly effects: RunEffects,
  ) {
    this.plan = shardPlan(fullPlan, options.shard);
    this.outDir = resolve(options.outDir);
    this.outputRoot = new OutputRoot(this.outDir);
    const onEvent = options.onEvent ?? (() => undefined);
    this.emit = (event) => {
      // The periodic manifest starts with the first instance up: a run stopped before that
      // (Ctrl-C while servers start) has done nothing and leaves nothing behind.
      if (event.code === 'instance.up' && !this.periodicStarted) {
        this.periodicStarted = true;
        this.keeper?.startPeriodic();
      }
      onEvent(event);
    };
    this.records = new Array<TaskRecord | undefined>(this.plan.tasks.length);
    this.scenes = new Map(this.plan.scenes.map((s) => [s.id, s]));
    this.post = new PQueue({ concurrency: options.postConcurrency });
    this.stalls = new StallWatch(this.snapshotTimes, options.stallFactor, options.stallFloorMs, effects.clock);
    // Every request of every instance listens to this one signal (cancellation reaches them all).
    setMaxListeners(0, this.controller.signal);
    const outer = options.signal;
    if (outer?.aborted) this.controller.abort(outer.reason);
    outer?.addEventListener('abort', () => this.controller.abort(outer.reason), { once: true });
  }

  async run(): Promise<RunSummary> {
    const started = this.effects.clock.now();
    const startedAt = new Date();
    const shard = this.options.shard;
    // Before anything connects: no task may write outside the output directory.
    await checkOutputPaths(this.outDir, this.plan.tasks.map((t) => t.output.path));
    const all = this.options.instances.map((uri, i) => new Instance(i, uri, this.effects, this.emit, this.controller.signal));
    // Checking the outputs reads every existing file: connect meanwhile rather than after.
    const early = this.options.status ? null : all.map((inst) => inst.connect().then(() => null, (error: unknown) => error ?? new Error('connect failed')));
    await sweepTempFiles(this.outDir);
    const status = this.options.status ?? (await taskStatus(this.plan, this.outDir, { force: this.options.force, shard }));
    const byScene = new Map<string, number[]>();
    let skipped = 0;
    this.plan.tasks.forEach((task, i) => {
      const action = status.get(task.id);
      if (action?.action === 'skip') {
        skipped += 1;
        this.emit({ code: 'task.skipped', level: 'debug', message: `skip ${task.output.path} (${action.reason})`, data: { taskId: task.id, output: task.output.path, reason: action.reason } });
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
    this.circuits = [...byScene.keys()].map((id) => this.scene(id).circuit);
    this.scheduler = new Scheduler(byScene, this.instances.length, () => this.costs.current());
    const manifest = new ManifestKeeper({
      path: this.options.manifestPath ?? resolve(this.outDir, manifestFileName(shard)),
      plan: this.plan,
      shard,
      startedAt,
      startClock: started,
      records: this.records,
      instances: this.instances,
      openPrevious: () => previousResults(this.outDir, shard, this.plan.hash),
      status,
      intervalMs: this.options.manifestIntervalMs,
      clock: this.effects.clock,
      toRender,
      onWritten: (path, tasksEnded) =>
        this.emit({ code: 'manifest.written', level: 'debug', message: `manifest updated (${tasksEnded} of ${toRender} tasks ended)`, data: { path, tasksEnded, final: false } }),
    });
    this.keeper = manifest;
    this.emit({ code: 'run.started', level: 'info', message: `${toRender} to render, ${skipped} up to date, on ${this.instances.length} instance(s)${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`, data: { planHash: this.plan.hash, tasks: this.plan.tasks.length, toRender, skipped, instances: this.instances.length, shard: shard && `${shard.index}/${shard.count}` } });
    // Instances that connected while the outputs were checked are up already.
    if (this.instances.some((i) => i.everUp) && !this.periodicStarted) {
      this.periodicStarted = true;
      manifest.startPeriodic();
    }
    try {
      await Promise.all(this.instances.map((inst, i) => this.work(inst, early?.[i] ?? null).catch((error: unknown) => this.stopOnBug(error))));
      await this.post.onIdle();
    } finally {
      await this.temps.removeAll();
      await Promise.all(this.instances.map((i) => i.close()));
      manifest.stopPeriodic();
    }
    const wallMs = this.effects.clock.now() - started;
    const interrupted = this.controller.signal.aborted && !this.failFastTripped && !this.fatal;
    const summary = this.summarize(byScene, toRender, skipped, wallMs, interrupted);
    try {
      // Stopped before any instance was up: nothing happened, so nothing is written (an earlier
      // run's manifest stays as it was, and a new --out is not even created).
      if (!(interrupted && !this.instances.some((i) => i.everUp))) {
        summary.manifestPath = await manifest.write(wallMs, interrupted);
        this.emit({ code: 'manifest.written', level: 'info', message: `manifest: ${summary.manifestPath}`, data: { path: summary.manifestPath, tasksEnded: summary.rendered + summary.failed, final: true } });
      }
    } finally {
      await manifest.close();
    }
    // What finished is on disk and in the manifest; the bug itself goes to the caller.
    if (this.fatal) throw this.fatal.error;
    if (!interrupted) await finishFigures(this.fullPlan, this.outDir, (path, bytes) => this.effects.writeFile(path, bytes), this.emit, { gallery: this.options.gallery !== false });
    this.emit({ code: 'run.finished', level: summary.failed > 0 ? 'error' : 'info', message: 'run finished', data: { summary } });
    return summary;
  }

  /**
   * One instance's life in the run: reach it, render until the work is done or its connection is
   * lost, and when lost reach it again (see `reach`) and rejoin. `early` = a connection attempt
   * started before the outputs were checked (resolves to its error, or null).
   */
  private async work(inst: Instance, early: Promise<unknown> | null): Promise<void> {
    let first: Promise<unknown> | null = early;
    while (!this.controller.signal.aborted && !inst.setAside) {
      if (!(await this.reach(inst, first))) return;
      first = null;
      await this.renderOn(inst);
      if (!inst.down) return;
    }
  }

  /**
   * Connects, and keeps trying with backoff (reconnectDelayMs doubling up to reconnectMaxDelayMs)
   * while the instance is down for less than reconnectWindowMs: a Brayns that restarts rejoins.
   * While it is down its reserved work is free for the others. Gives up at once when the run has
   * nothing left to do, and after the first few attempts when no instance of the run was ever
   * reached (a wrong address should fail fast, not after the window). Resolves to "connected".
   */
  private async reach(inst: Instance, early: Promise<unknown> | null): Promise<boolean> {
    const { signal } = this.controller;
    const clock = this.effects.clock;
    const downSince = clock.now();
    let retired = false;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) this.emit({ code: 'instance.reconnecting', level: 'warn', message: `reconnecting to ${inst.uri} (attempt ${attempt})`, data: { uri: inst.uri, attempt } });
      let error = attempt === 0 && early ? await early : await inst.connect().then(() => null, (e: unknown) => e ?? new Error('connect failed'));
      if (signal.aborted || inst.setAside) return false;
      if (error === null) {
        // Before any task is given to it: will this server accept the loads the plan asks for?
        const checked = await this.checkLoads(inst);
        if (checked === 'refused') return false;
        if (checked !== 'accepted') error = checked.error;
      }
      if (signal.aborted || inst.setAside) return false;
      if (error === null) {
        if (retired) this.scheduler.revive(inst.index);
        this.changed.notify();
        return true;
      }
      const downMs = clock.now() - downSince;
      if (this.scheduler.remaining() === 0) return this.giveUp(inst, `unreachable: ${messageOf(error)}`);
      if (downMs >= this.options.reconnectWindowMs) {
        return this.giveUp(inst, `unreachable for ${Math.round(downMs / 1000)} s (reconnect window ${Math.round(this.options.reconnectWindowMs / 1000)} s): ${messageOf(error)}`);
      }
      if (attempt >= 3 && !this.instances.some((i) => i.everUp)) return this.giveUp(inst, `unreachable: ${messageOf(error)}`);
      if (!retired) {
        retired = true;
        this.scheduler.retire(inst.index);
        this.changed.notify();
        this.emit({ code: 'instance.down', level: 'warn', message: `${inst.uri} is down (${messageOf(error)}); its work goes to the others while it is tried again for ${Math.round(this.options.reconnectWindowMs / 1000)} s`, data: { uri: inst.uri, reason: messageOf(error), setAside: false } });
      }
      const at = clock.now() + Math.min(this.options.reconnectMaxDelayMs, this.options.reconnectDelayMs * 2 ** attempt);
      // Woken by every finished task, to stop trying once nothing is left to do.
      while (clock.now() < at && !signal.aborted && this.scheduler.remaining() > 0) await this.changed.wait(signal, at, clock);
    }
  }

  /**
   * The server's own answers (get-loaders, the schema of add-model and of the loader) against the
   * exact params of every scene left to render. 'refused' = set aside for good (it would refuse
   * every load the same way); `{error}` = the connection failed meanwhile.
   */
  private async checkLoads(inst: Instance): Promise<'accepted' | 'refused' | { error: unknown }> {
    let problems: LoadProblem[];
    try {
      problems = await checkLoads(inst.requireClient(), this.circuits, { signal: this.controller.signal });
    } catch (error) {
      // A run aborted meanwhile (Ctrl-C) rejects the check with the abort's reason: not a bug.
      if (!isRenderRecipesError(error) && !this.controller.signal.aborted) throw error;
      await inst.reset();
      return { error };
    }
    if (problems.length === 0) return 'accepted';
    inst.refused = `cannot load the plan's scenes: ${problems.map(describeLoadProblem).join('; ')}`;
    const hints = [...new Set(problems.flatMap((p) => (p.hint ? [p.hint] : [])))];
    const lines = [`${inst.uri} cannot load the plan's scenes; it renders nothing:`, ...problems.map((p) => `  - ${describeLoadProblem(p)}`), ...hints.map((h) => `  hint: ${h}`)];
    this.setAside(inst, inst.refused, { message: lines.join('\n'), problems });
    return 'refused';
  }

  private giveUp(inst: Instance, reason: string): false {
    if (!this.controller.signal.aborted) this.setAside(inst, reason);
    return false;
  }

  /** Renders on a connected instance until the work is done, the run stops, or the connection is lost. */
  private async renderOn(inst: Instance): Promise<void> {
    // Up to `depth` tasks per instance are under way: the next request waits in the server's own
    // queue while the current one renders, hiding the round trip and the runner's work between
    // two renders. The server still executes one request at a time.
    const depth = this.options.pipelineDepth;
    const limit = this.post.concurrency;
    const underWay = new Set<Promise<void>>();
    while (!this.controller.signal.aborted && !inst.setAside && !inst.down) {
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
      const job = this.attempt(inst, decision)
        .catch((error: unknown) => this.stopOnBug(error))
        .finally(() => underWay.delete(job));
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
      const png = await this.awaitReply(inst, sent);
      const now = this.effects.clock.now();
      // With pipelining the reply also waited for the previous render: count only this one's time.
      const renderMs = now - Math.max(sent.at, inst.lastReplyAt);
      inst.lastReplyAt = now;
      this.costs.addRender(renderMs);
      this.snapshotTimes.add(renderMs);
      void this.post.add(() => this.finish(inst, d, sent.resolved, png, renderMs));
    } catch (error) {
      await this.failed(inst, d, error, inst.client === client ? client : null);
    }
  }

  /** The snapshot's reply, or a stall error when the instance goes silent (see StallWatch). */
  private async awaitReply(inst: Instance, sent: { reply: Promise<Buffer | null>; at: number }): Promise<Buffer | null> {
    const stop = new AbortController();
    // A pipelined request waits behind the one before it: its silence counts from that one's reply.
    const watch = this.stalls.watch(inst.uri, () => Math.max(sent.at, inst.lastReplyAt, inst.lastProgressAt), stop.signal);
    watch.catch(() => undefined);
    try {
      return await Promise.race([sent.reply, watch.then(() => sent.reply)]);
    } finally {
      stop.abort();
    }
  }

  /** Connects, loads and sends the task (one instance at a time); null = handed back unsent. */
  private async send(inst: Instance, d: RenderDecision, task: PlanTask): Promise<{ reply: Promise<Buffer | null>; resolved: Resolved; at: number } | null> {
    const signal = this.controller.signal;
    if (signal.aborted || inst.setAside || inst.down || !inst.client) {
      // Never sent: back to the others without using up an attempt.
      if (signal.aborted) this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, null);
      else this.scheduler.returned(d.task, d.sceneId, d.attempt);
      this.changed.notify();
      return null;
    }
    this.emit({ code: 'task.started', level: 'debug', message: `render ${task.output.path} on ${inst.uri}`, data: { taskId: task.id, uri: inst.uri, output: task.output.path, attempt: d.attempt } });
    if (inst.scene?.sceneId !== d.sceneId) {
      this.costs.addLoad(await inst.load(this.scene(d.sceneId), this.options.loadTimeoutMs));
      inst.lastReplyAt = this.effects.clock.now();
    }
    const scene = inst.scene;
    if (!scene) throw new RenderRecipesError('INTERNAL', 'scene missing after load');
    const resolved = resolveTask(task, scene);
    const serverPath = task.output.transfer === 'server' ? await this.outputRoot.resolve(task.output.path) : null;
    if (serverPath) await this.effects.ensureDir(dirname(serverPath));
    const at = this.effects.clock.now();
    const { reply } = await sendTask(inst.requireClient(), task, scene, resolved, {
      signal,
      timeoutMs: this.options.renderTimeoutMs,
      serverPath,
      onProgress: () => (inst.lastProgressAt = this.effects.clock.now()),
    });
    return { reply, resolved, at };
  }

  /** Post-processing: provenance, transcoding, atomic write (or checking the server's file). */
  private async finish(inst: Instance, d: RenderDecision, resolved: Resolved, png: Buffer | null, renderMs: number): Promise<void> {
    const task = this.task(d.task);
    const start = this.effects.clock.now();
    try {
      if (png) await checkReceivedImage(png, inst.uri, task.output.path);
    } catch (error) {
      // The instance's fault, not the task's: retried elsewhere, counted against the instance.
      await this.failed(inst, d, error, null, { keepConnection: true });
      return;
    }
    inst.consecutiveFailures = 0;
    try {
      const path = await this.outputRoot.resolve(task.output.path);
      let file: { sha256: string; bytes: number } | null;
      if (png) {
        const scene = this.scene(d.sceneId);
        const provenance = buildProvenance(this.plan, task, scene, resolved, inst.identity);
        const frame = overlayFrame(task, scene, resolved.framed);
        let pixels = png;
        if (frame) {
          if (frame.overlay.keepRaw) {
            const raw = withTextChunk(png, PROVENANCE_KEYWORD, JSON.stringify({ ...provenance, raw: true }));
            await this.effects.writeFile(resolve(this.outDir, rawPath(task.output.path)), raw);
          }
          pixels = await composeOverlay(png, frame);
        }
        const bytes = await encodeWithProvenance(pixels, task.image, provenance);
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
      this.emit({ code: 'task.finished', level: 'info', message: `wrote ${task.output.path} (${Math.round(renderMs)} ms on ${inst.uri})`, data: { taskId: task.id, uri: inst.uri, output: task.output.path, renderMs, bytes: file?.bytes ?? null, sha256: file?.sha256 ?? null } });
    } catch (error) {
      this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, null);
      const code = errorCode(error, 'OUTPUT');
      if (code === 'INTERNAL') this.stopOnBug(error);
      else this.recordFailure(inst, d, code, messageOf(error), false);
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

  /**
   * A task failed on `inst`. `client` = the connection it was sent on, when that is still the
   * instance's current one (only the first of several pipelined failures on one connection resets
   * it, and only that one counts against the instance).
   */
  private async failed(inst: Instance, d: RenderDecision, error: unknown, client: BraynsClient | null, how: { keepConnection?: boolean } = {}): Promise<void> {
    if (this.controller.signal.aborted) {
      // Cancelled by Ctrl-C or --fail-fast: the task stays pending, the scheduler just forgets it.
      this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, null);
      return;
    }
    if (client === null && !how.keepConnection && breaksConnection(error) && (inst.down || inst.setAside)) {
      // Queued behind the task that lost the connection (or cut off when the instance was set
      // aside): not this task's fault, so it goes back without using an attempt.
      this.scheduler.returned(d.task, d.sceneId, d.attempt);
      this.changed.notify();
      return;
    }
    const code = errorCode(error, 'RENDER_FAILED');
    if (code === 'INTERNAL') {
      this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, null);
      this.stopOnBug(error);
      return;
    }
    // USAGE/CAPABILITY/CIRCUIT problems come from the task itself and fail the same way everywhere.
    const retryable = !['USAGE', 'CAPABILITY', 'CIRCUIT_INVALID', 'RECIPE_INVALID'].includes(code);
    const willRetry = retryable && d.attempt < this.options.maxAttempts;
    const delay = this.options.retryDelayMs * 2 ** (d.attempt - 1);
    const broken = !how.keepConnection && breaksConnection(error);
    inst.failures += 1;
    if (!broken || client !== null) inst.consecutiveFailures += 1;
    if (broken && client !== null) {
      // Down until reached again (see `work`); a stalled server's queue is stuck, so it goes too.
      inst.down = true;
      await inst.reset();
      this.scheduler.unloaded(inst.index);
    }
    this.scheduler.failed(inst.index, d.task, d.sceneId, d.attempt, willRetry ? this.effects.clock.now() + delay : null);
    this.recordFailure(inst, d, code, messageOf(error), willRetry);
    this.changed.notify();
    if (inst.consecutiveFailures >= this.options.maxInstanceFailures) {
      this.setAside(inst, `failed ${inst.consecutiveFailures} times in a row (last: ${messageOf(error)})`);
    } else if (isStall(error) && client !== null) {
      this.emit({ code: 'instance.down', level: 'warn', message: `${messageOf(error)}; reconnecting`, data: { uri: inst.uri, reason: messageOf(error), setAside: false } });
    }
  }

  /** A bug in render-recipes (not the server's or the user's doing): stop the run and report it. */
  private stopOnBug(error: unknown): void {
    this.fatal ??= { error };
    if (!this.controller.signal.aborted) this.controller.abort(error);
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
    this.emit({ code: 'task.failed', level: willRetry ? 'warn' : 'error', message: `${task.output.path} failed on ${inst.uri} (attempt ${d.attempt}): ${message}${willRetry ? '; retrying elsewhere' : ''}`, data: { taskId: task.id, uri: inst.uri, output: task.output.path, code, error: message, attempt: d.attempt, willRetry } });
    if (!willRetry && this.options.failFast && !this.controller.signal.aborted) {
      this.failFastTripped = true;
      this.controller.abort(new RenderRecipesError('RENDER_FAILED', `--fail-fast: ${task.output.path} failed`));
    }
  }

  private setAside(inst: Instance, reason: string, refusal?: { message: string; problems: LoadProblem[] }): void {
    if (inst.setAside) return;
    inst.setAside = true;
    this.scheduler.retire(inst.index);
    void inst.reset();
    this.changed.notify();
    if (refusal) this.emit({ code: 'instance.down', level: 'error', message: refusal.message, data: { uri: inst.uri, reason, setAside: true, problems: refusal.problems } });
    else this.emit({ code: 'instance.down', level: 'warn', message: `${inst.uri} set aside for this run: ${reason}`, data: { uri: inst.uri, reason, setAside: true } });
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
      instances: this.instances.map((i) => ({ ...i.identity, loads: i.loads, rendered: i.rendered, failures: i.failures, setAside: i.setAside, ...(i.refused ? { refused: i.refused } : {}) })),
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

/**
 * The code of a task's failure: a RenderRecipesError says it; an OS error (a file that cannot be
 * written) is `fallback`; anything else (a TypeError...) is a bug in render-recipes, never retried.
 */
function errorCode(error: unknown, fallback: ErrorCode): ErrorCode {
  if (isRenderRecipesError(error)) return error.code;
  const os = error as NodeJS.ErrnoException | null;
  if (typeof os?.code === 'string' && typeof os.syscall === 'string') return fallback;
  return 'INTERNAL';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
