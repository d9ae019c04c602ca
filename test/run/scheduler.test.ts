import { describe, expect, it } from 'vitest';
import { assignScenes } from '../../src/run/assignment.js';
import { simulate, type Simulation } from './simulate.js';

const L = 1000; // load
const R = 100; // render

function scenes(...counts: number[]): Record<string, number> {
  return Object.fromEntries(counts.map((n, i) => [`s${i}`, n]));
}

const eight = Array.from({ length: 8 }, () => 125);
const total = (s: Record<string, number>): number => Object.values(s).reduce((a, b) => a + b, 0);

describe('scheduler: loads and balance', () => {
  // minLoads = the fewest loads any schedule needs; maxLoads = what this schedule may use at most.
  const table: { name: string; sim: Simulation; maxLoads: number; maxMakespan: number }[] = [
    { name: '1 scene, 1 instance', sim: { scenes: scenes(100), workers: 1, loadMs: L, renderMs: R }, maxLoads: 1, maxMakespan: L + 100 * R },
    { name: '8 equal scenes, 1 instance', sim: { scenes: scenes(...eight), workers: 1, loadMs: L, renderMs: R }, maxLoads: 8, maxMakespan: 8 * L + 1000 * R },
    { name: '8 equal scenes, 2 instances', sim: { scenes: scenes(...eight), workers: 2, loadMs: L, renderMs: R }, maxLoads: 8, maxMakespan: 4 * L + 500 * R },
    { name: '8 equal scenes, 4 instances', sim: { scenes: scenes(...eight), workers: 4, loadMs: L, renderMs: R }, maxLoads: 8, maxMakespan: 2 * L + 250 * R },
    { name: '8 equal scenes, 8 instances', sim: { scenes: scenes(...eight), workers: 8, loadMs: L, renderMs: R }, maxLoads: 8, maxMakespan: L + 125 * R },
    { name: '1 scene, 8 instances: every instance loads it once', sim: { scenes: scenes(1000), workers: 8, loadMs: L, renderMs: R }, maxLoads: 8, maxMakespan: L + 125 * R },
    // 5 scenes over 8 instances cannot balance with 8 loads; wrap-around needs at most 5 + 8 - 1.
    { name: '5 scenes, 8 instances', sim: { scenes: scenes(200, 200, 200, 200, 200), workers: 8, loadMs: L, renderMs: R }, maxLoads: 12, maxMakespan: 2 * L + 125 * R },
    { name: 'one big scene and small ones', sim: { scenes: scenes(500, 10, 10, 10), workers: 4, loadMs: L, renderMs: R }, maxLoads: 7, maxMakespan: 4 * L + 133 * R },
    { name: 'more instances than tasks', sim: { scenes: scenes(3), workers: 8, loadMs: L, renderMs: R }, maxLoads: 3, maxMakespan: L + R },
    { name: 'more scenes than instances, uneven', sim: { scenes: scenes(300, 120, 90, 60, 30, 10), workers: 3, loadMs: L, renderMs: R }, maxLoads: 8, maxMakespan: 3 * L + 204 * R },
  ];

  it.each(table)('$name', ({ sim, maxLoads, maxMakespan }) => {
    const result = simulate(sim);
    expect(result.doneBy.size).toBe(total(sim.scenes));
    expect(result.duplicates).toEqual([]);
    const loads = result.loads.reduce((a, b) => a + b, 0);
    expect(loads).toBeLessThanOrEqual(maxLoads);
    expect(loads).toBeGreaterThanOrEqual(Math.min(Object.keys(sim.scenes).length, total(sim.scenes)));
    expect(result.makespan).toBeLessThanOrEqual(maxMakespan);
  });

  it('does not split a scene when the piece is cheaper to render than to load', () => {
    // 3 scenes x 4 tasks on 2 instances: an even split would cut a scene into 2 + 2 and cost a
    // fourth load (10 renders) to save 2 renders.
    const plan = assignScenes(
      [
        { sceneId: 'a', tasks: 4 },
        { sceneId: 'b', tasks: 4 },
        { sceneId: 'c', tasks: 4 },
      ],
      2,
      10,
    );
    expect(plan.flat().length).toBe(3);
    expect(plan.flat().reduce((n, s) => n + s.quota, 0)).toBe(12);
  });
});

describe('scheduler: takeover', () => {
  it('a fast instance takes over the slow one\'s unstarted scene without extra loads', () => {
    const sim: Simulation = { scenes: scenes(50, 50, 50, 50), workers: 2, loadMs: L, renderMs: R, slowness: [1, 3] };
    const result = simulate(sim);
    expect(result.duplicates).toEqual([]);
    expect(result.doneBy.size).toBe(200);
    // The fast instance rendered most of the work.
    const fast = [...result.doneBy.values()].filter((w) => w === 0).length;
    expect(fast).toBeGreaterThan(120);
    expect(result.loads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
  });

  it('an idle instance joins the scene with most work left when that outlasts a load', () => {
    // One scene each; the slow one would take 3x as long: the fast instance joins it.
    const result = simulate({ scenes: scenes(100, 100), workers: 2, loadMs: L, renderMs: R, slowness: [1, 3] });
    expect(result.loads).toEqual([2, 1]);
    expect(result.makespan).toBeLessThan(L + 300 * R * 0.75);
    expect(result.duplicates).toEqual([]);
  });

  it('does not join when the remaining work is shorter than a load', () => {
    const result = simulate({ scenes: scenes(100, 104), workers: 2, loadMs: L, renderMs: R });
    expect(result.loads).toEqual([1, 1]);
  });
});

describe('scheduler: failures', () => {
  it('a lost instance\'s work is done by the others, each task exactly once', () => {
    const result = simulate({ scenes: scenes(100, 100, 100), workers: 3, loadMs: L, renderMs: R, retire: { worker: 1, at: 3000 } });
    expect(result.doneBy.size).toBe(300);
    expect(result.duplicates).toEqual([]);
    expect([...result.doneBy.values()].filter((w) => w === 1).length).toBeLessThan(30);
  });

  it('a failed task is retried on another instance', () => {
    const result = simulate({
      scenes: scenes(10, 10),
      workers: 2,
      loadMs: L,
      renderMs: R,
      fails: (worker, task, attempt) => task === 3 && attempt === 1 && worker === 0,
    });
    expect(result.failedAttempts).toBe(1);
    expect(result.doneBy.get(3)).toBe(1);
    expect(result.doneBy.size).toBe(20);
  });

  it('each retry goes to an instance the task has not failed on yet, while there is one', () => {
    // Task 3 belongs to instance 0's scene; the first retry leaves it, and the third attempt must not
    // come back to instance 0 (which has the scene loaded) while instance 2 never tried it.
    const triedOn: number[] = [];
    const result = simulate({
      scenes: scenes(10, 10, 10),
      workers: 3,
      loadMs: L,
      renderMs: R,
      fails: (worker, task, attempt) => {
        if (task !== 3) return false;
        triedOn.push(worker);
        return attempt < 3;
      },
    });
    expect(triedOn).toHaveLength(3);
    expect(new Set(triedOn).size).toBe(3);
    expect(result.doneBy.get(3)).toBe(triedOn[2]);
    expect(result.duplicates).toEqual([]);
  });

  it('once every instance failed a task, one of them may try it again', () => {
    const triedOn: number[] = [];
    const result = simulate({
      scenes: scenes(5, 5),
      workers: 2,
      loadMs: L,
      renderMs: R,
      fails: (worker, task, attempt) => {
        if (task !== 1) return false;
        triedOn.push(worker);
        return attempt < 3;
      },
    });
    expect(new Set(triedOn.slice(0, 2)).size).toBe(2);
    expect(triedOn).toHaveLength(3);
    expect(result.doneBy.size).toBe(10);
  });

  it('with a single instance the retry comes back to it', () => {
    const result = simulate({ scenes: scenes(5), workers: 1, loadMs: L, renderMs: R, fails: (_w, task, attempt) => task === 2 && attempt < 3 });
    expect(result.failedAttempts).toBe(2);
    expect(result.doneBy.size).toBe(5);
  });

  it('a task failing on every attempt is given up after 3 attempts', () => {
    const result = simulate({ scenes: scenes(5, 5), workers: 2, loadMs: L, renderMs: R, fails: (_w, task) => task === 1 });
    expect(result.failedAttempts).toBe(3);
    expect(result.doneBy.size).toBe(9);
  });
});
