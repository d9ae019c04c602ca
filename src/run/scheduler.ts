import { assignScenes, type SceneWork } from './assignment.js';

/**
 * Which instance renders which task next: pure bookkeeping, no I/O, so scenario tables can drive it
 * step by step. The executor asks `next(worker)` whenever an instance is free.
 *
 * Invariant: for every scene, the quotas of its segments add up to its pending tasks. A worker
 * renders its own segments first (the initial assignment); when it runs out it helps, in order of
 * cost: tasks of the scene it already has loaded (free), a whole segment another instance has not
 * started yet (moves a load, adds none), then the active scene with the most work left per
 * instance, but only when that work outlasts a load (the one extra load pays for itself).
 *
 * Retries: a task remembers every instance it failed on. A retry goes to an instance that has not
 * failed it yet whenever one is alive; only when every live instance has failed it may one of them
 * try again (rather than the task never finishing).
 */
export interface Costs {
  loadMs: number;
  renderMs: number;
}

export type Decision =
  | { kind: 'task'; task: number; sceneId: string; needsLoad: boolean; attempt: number }
  | { kind: 'wait'; until: number | null }
  | { kind: 'done' };

interface Segment {
  worker: number;
  sceneId: string;
  quota: number;
  started: boolean;
}

interface Retry {
  task: number;
  attempt: number;
  notBefore: number;
  /** Every instance this task failed on so far (shared with the task's later retries). */
  exclude: ReadonlySet<number>;
}

interface Scene {
  pending: number[];
  segments: Segment[];
  retries: Retry[];
}

interface Worker {
  alive: boolean;
  loaded: string | null;
  queue: Segment[];
  loads: number;
}

export class Scheduler {
  private readonly scenes = new Map<string, Scene>();
  private readonly workers: Worker[];
  private inFlight = 0;
  /** Task -> the instances it failed on. */
  private readonly triedOn = new Map<number, Set<number>>();

  constructor(
    tasksByScene: ReadonlyMap<string, readonly number[]>,
    workerCount: number,
    private readonly costs: () => Costs = () => ({ loadMs: 1000, renderMs: 100 }),
  ) {
    const work: SceneWork[] = [];
    for (const [sceneId, tasks] of tasksByScene) {
      // Reversed so that pop() hands tasks out in plan order.
      this.scenes.set(sceneId, { pending: [...tasks].reverse(), segments: [], retries: [] });
      work.push({ sceneId, tasks: tasks.length });
    }
    const { loadMs, renderMs } = costs();
    const plan = assignScenes(work, workerCount, Math.floor(loadMs / Math.max(renderMs, 1e-9)));
    this.workers = plan.map((segments, worker) => ({
      alive: true,
      loaded: null,
      loads: 0,
      queue: segments.map((s) => this.addSegment({ worker, sceneId: s.sceneId, quota: s.quota, started: false })),
    }));
  }

  /** Loads done per worker so far. */
  loads(): number[] {
    return this.workers.map((w) => w.loads);
  }

  remaining(): number {
    let n = this.inFlight;
    for (const scene of this.scenes.values()) n += scene.pending.length + scene.retries.length;
    return n;
  }

  next(worker: number, now: number): Decision {
    const w = this.workers[worker];
    if (!w?.alive) return { kind: 'done' };
    return (
      this.retryOnLoaded(worker, w, now) ??
      this.ownSegment(worker, w) ??
      this.helpLoaded(worker, w) ??
      this.stealSegment(worker, w) ??
      this.orphanRetry(worker, w, now) ??
      this.join(worker, w) ??
      this.idle(now)
    );
  }

  /** The task is done (rendered and written). */
  completed(): void {
    this.inFlight -= 1;
  }

  /** The task failed on `worker`; with `retryAt` it goes back for another instance after that time. */
  failed(worker: number, task: number, sceneId: string, attempt: number, retryAt: number | null): void {
    this.inFlight -= 1;
    let tried = this.triedOn.get(task);
    if (!tried) this.triedOn.set(task, (tried = new Set()));
    tried.add(worker);
    if (retryAt === null) return;
    this.scene(sceneId).retries.push({ task, attempt: attempt + 1, notBefore: retryAt, exclude: tried });
  }

  /** The task was handed back before it reached the instance: it goes to anyone, the attempt unused. */
  returned(task: number, sceneId: string, attempt: number): void {
    this.inFlight -= 1;
    this.scene(sceneId).retries.push({ task, attempt, notBefore: 0, exclude: this.triedOn.get(task) ?? new Set() });
  }

  /** The instance lost its scene (reconnected or restarted): the next task reloads. */
  unloaded(worker: number): void {
    const w = this.workers[worker];
    if (w) w.loaded = null;
  }

  /** The instance is down or set aside: its reserved work becomes free for the others to take. */
  retire(worker: number): void {
    const w = this.workers[worker];
    if (!w) return;
    w.alive = false;
    w.loaded = null;
    for (const segment of w.queue) segment.started = false;
  }

  /** The instance is back (reconnected within the window): it helps with whatever is left, loading anew. */
  revive(worker: number): void {
    const w = this.workers[worker];
    if (!w) return;
    w.alive = true;
    w.loaded = null;
  }

  private take(w: Worker, sceneId: string, attempt: number, task: number): Decision {
    const needsLoad = w.loaded !== sceneId;
    if (needsLoad) {
      w.loaded = sceneId;
      w.loads += 1;
    }
    this.inFlight += 1;
    return { kind: 'task', task, sceneId, needsLoad, attempt };
  }

  private retryOnLoaded(worker: number, w: Worker, now: number): Decision | undefined {
    if (w.loaded === null) return undefined;
    const scene = this.scene(w.loaded);
    const i = scene.retries.findIndex((r) => r.notBefore <= now && this.mayRetryOn(r, worker));
    if (i < 0) return undefined;
    const [retry] = scene.retries.splice(i, 1);
    return retry && this.take(w, w.loaded, retry.attempt, retry.task);
  }

  private ownSegment(worker: number, w: Worker): Decision | undefined {
    while (w.queue.length > 0) {
      const segment = w.queue[0];
      if (segment && segment.quota > 0) {
        segment.started = true;
        return this.pull(w, segment);
      }
      w.queue.shift();
    }
    void worker;
    return undefined;
  }

  private helpLoaded(worker: number, w: Worker): Decision | undefined {
    if (w.loaded === null) return undefined;
    const victim = this.victimSegment(this.scene(w.loaded), worker);
    return victim && this.pull(w, victim);
  }

  /** A whole not-yet-started segment of a busy or retired instance: moving it adds no load. */
  private stealSegment(worker: number, w: Worker): Decision | undefined {
    let best: Segment | undefined;
    for (const scene of this.scenes.values()) {
      for (const s of scene.segments) {
        if (s.started || s.quota === 0 || s.worker === worker) continue;
        const owner = this.workers[s.worker];
        // The owner's next segment on the scene it has loaded costs it nothing: leave it.
        if (owner?.alive && owner.loaded === s.sceneId) continue;
        if (!best || s.quota > best.quota) best = s;
      }
    }
    if (!best) return undefined;
    const owner = this.workers[best.worker];
    if (owner) owner.queue = owner.queue.filter((s) => s !== best);
    best.worker = worker;
    best.started = true;
    w.queue.push(best);
    return this.pull(w, best);
  }

  private orphanRetry(worker: number, w: Worker, now: number): Decision | undefined {
    for (const [sceneId, scene] of this.scenes) {
      const i = scene.retries.findIndex(
        (r) => r.notBefore <= now && this.mayRetryOn(r, worker) && !this.someoneElseCanRetry(r, sceneId, worker),
      );
      if (i < 0) continue;
      const [retry] = scene.retries.splice(i, 1);
      if (retry) return this.take(w, sceneId, retry.attempt, retry.task);
    }
    return undefined;
  }

  /** Joins the active scene with most work left per instance, if that work outlasts a load. */
  private join(worker: number, w: Worker): Decision | undefined {
    const { loadMs, renderMs } = this.costs();
    let best: { sceneId: string; share: number } | undefined;
    for (const [sceneId, scene] of this.scenes) {
      const active = scene.segments.filter((s) => s.started && s.quota > 0 && this.workers[s.worker]?.alive);
      if (active.length === 0) continue;
      const left = active.reduce((n, s) => n + s.quota, 0);
      const k = new Set(active.map((s) => s.worker)).size;
      // While this instance loads, the k others keep rendering; what is left then is shared by k + 1.
      const share = Math.floor((left - (loadMs / Math.max(renderMs, 1e-9)) * k) / (k + 1));
      if (share >= 1 && (!best || share > best.share)) best = { sceneId, share };
    }
    if (!best) return undefined;
    const scene = this.scene(best.sceneId);
    const mine = this.addSegment({ worker, sceneId: best.sceneId, quota: 0, started: true });
    for (let i = 0; i < best.share; i += 1) {
      const donor = scene.segments.filter((s) => s !== mine && s.started && s.quota > 0).sort((a, b) => b.quota - a.quota)[0];
      if (!donor) break;
      donor.quota -= 1;
      mine.quota += 1;
    }
    w.queue.push(mine);
    return this.ownSegment(worker, w);
  }

  private idle(now: number): Decision {
    let until: number | null = null;
    for (const scene of this.scenes.values()) {
      for (const r of scene.retries) if (until === null || r.notBefore < until) until = Math.max(r.notBefore, now);
    }
    if (this.remaining() === 0) return { kind: 'done' };
    return { kind: 'wait', until };
  }

  private pull(w: Worker, segment: Segment): Decision {
    const scene = this.scene(segment.sceneId);
    const task = scene.pending.pop();
    segment.quota -= 1;
    if (task === undefined) throw new Error(`scheduler invariant broken: no pending task for ${segment.sceneId}`);
    if (segment.quota === 0) scene.segments = scene.segments.filter((s) => s !== segment);
    return this.take(w, segment.sceneId, 1, task);
  }

  /** The reservation to take from when helping: unstarted ones first (that saves their owner a load). */
  private victimSegment(scene: Scene, worker: number): Segment | undefined {
    let best: Segment | undefined;
    for (const s of scene.segments) {
      if (s.quota === 0 || s.worker === worker) continue;
      if (!best || (!s.started && best.started) || (s.started === best.started && s.quota > best.quota)) best = s;
    }
    return best;
  }

  private mayRetryOn(retry: Retry, worker: number): boolean {
    if (!retry.exclude.has(worker)) return true;
    // Every live instance failed it already: let any of them try again rather than never.
    return this.workers.every((w, i) => !w.alive || retry.exclude.has(i));
  }

  private someoneElseCanRetry(retry: Retry, sceneId: string, worker: number): boolean {
    return this.workers.some((w, i) => i !== worker && w.alive && w.loaded === sceneId && !retry.exclude.has(i));
  }

  private addSegment(segment: Segment): Segment {
    this.scene(segment.sceneId).segments.push(segment);
    return segment;
  }

  private scene(sceneId: string): Scene {
    const scene = this.scenes.get(sceneId);
    if (!scene) throw new Error(`unknown scene ${sceneId}`);
    return scene;
  }
}
