import { Scheduler } from '../../src/run/scheduler.js';

/**
 * A discrete-event simulation of instances driving the scheduler: each instance asks for work when
 * free, loads take `loadMs`, renders `renderMs` times its slowness. No timers, no I/O: the result
 * is exact, so scenario tables can assert loads and makespans.
 */
export interface Simulation {
  scenes: Record<string, number>;
  workers: number;
  loadMs: number;
  renderMs: number;
  /** Per-worker slowness factor (default 1). */
  slowness?: number[];
  /** Worker retired (instance lost) at this time. */
  retire?: { worker: number; at: number };
  /** Returns true when this attempt fails. */
  fails?: (worker: number, task: number, attempt: number) => boolean;
}

export interface SimulationResult {
  makespan: number;
  loads: number[];
  doneBy: Map<number, number>;
  /** Tasks completed more than once (must stay empty). */
  duplicates: number[];
  failedAttempts: number;
}

export function simulate(sim: Simulation): SimulationResult {
  const byScene = new Map<string, number[]>();
  let next = 0;
  for (const [scene, count] of Object.entries(sim.scenes)) {
    byScene.set(scene, Array.from({ length: count }, () => next++));
  }
  const scheduler = new Scheduler(byScene, sim.workers, () => ({ loadMs: sim.loadMs, renderMs: sim.renderMs }));
  const doneBy = new Map<number, number>();
  const duplicates: number[] = [];
  let failedAttempts = 0;
  // [time, worker, finishing task or null]
  type Event = { t: number; w: number; finish: { task: number; scene: string; attempt: number; ok: boolean } | null };
  const events: Event[] = Array.from({ length: sim.workers }, (_, w) => ({ t: 0, w, finish: null }));
  const waiting = new Set<number>();
  let makespan = 0;
  let retired = false;
  while (events.length > 0) {
    events.sort((a, b) => a.t - b.t || a.w - b.w);
    const event = events.shift()!;
    const { t, w } = event;
    if (sim.retire && !retired && t >= sim.retire.at) {
      retired = true;
      scheduler.retire(sim.retire.worker);
    }
    if (event.finish) {
      const { task, scene, attempt } = event.finish;
      // The lost instance's in-flight render never completes.
      const ok = event.finish.ok && !(retired && sim.retire?.worker === w);
      if (ok) {
        if (doneBy.has(task)) duplicates.push(task);
        doneBy.set(task, w);
        scheduler.completed();
        makespan = Math.max(makespan, t);
      } else {
        failedAttempts += 1;
        scheduler.failed(w, task, scene, attempt, attempt < 3 ? t : null);
      }
      // Work appeared or ended: waiting workers ask again.
      for (const other of waiting) events.push({ t, w: other, finish: null });
      waiting.clear();
    }
    const d = scheduler.next(w, t);
    if (d.kind === 'done') continue;
    if (d.kind === 'wait') {
      if (d.until !== null && d.until > t) events.push({ t: d.until, w, finish: null });
      else waiting.add(w);
      continue;
    }
    const slow = sim.slowness?.[w] ?? 1;
    const duration = (d.needsLoad ? sim.loadMs : 0) + sim.renderMs * slow;
    const ok = !(sim.fails?.(w, d.task, d.attempt) ?? false);
    events.push({ t: t + duration, w, finish: { task: d.task, scene: d.sceneId, attempt: d.attempt, ok } });
  }
  return { makespan, loads: scheduler.loads(), doneBy, duplicates, failedAttempts };
}
