import { mkdir, mkdtemp, readdir, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeChunksAtomic } from '../../src/output/atomic.js';
import { checkImageFile } from '../../src/output/image-file.js';
import { defaultEffects } from '../../src/run/effects.js';
import type { RunEvent } from '../../src/run/events.js';
import { runPlan } from '../../src/run/executor.js';
import { fakeConnect, fakeServer } from './helpers/fake-client.js';
import { makePlan } from './helpers/plan.js';

/**
 * What a run keeps while it works (its temp files, the folders under --out it checked) belongs to
 * that run, not to the process: a library user may run several plans in one process, at once or
 * one after the other.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-per-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('two runPlan calls in one process', () => {
  it('an interrupted run removes its own temp files, never the file another run is writing', async () => {
    const stopA = new AbortController();
    const planA = makePlan({ scenes: 1, tasksPerScene: 20 });
    const a = runPlan(
      planA,
      { outDir: join(dir, 'a'), instances: ['ws://a:1'], signal: stopA.signal },
      defaultEffects(fakeConnect([fakeServer('ws://a:1', { latencyMs: { load: 0, render: 20 } })])),
    );
    const aDone = a.then(() => undefined);
    // Run B's first image is written in two halves, and run A is interrupted and finishes in
    // between: B's temp file exists (and is registered) all the while A cleans up.
    let held = false;
    const events: RunEvent[] = [];
    const effectsB = defaultEffects(fakeConnect([fakeServer('ws://b:1')]));
    const planB = makePlan({ scenes: 1, tasksPerScene: 2 });
    const b = runPlan(planB, { outDir: join(dir, 'b'), instances: ['ws://b:1'], onEvent: (e) => events.push(e), postConcurrency: 1 }, {
      ...effectsB,
      writeFile: (path, bytes) => {
        if (held) return effectsB.writeFile(path, bytes);
        held = true;
        return writeChunksAtomic(path, (async function* () {
          yield bytes.subarray(0, 10);
          stopA.abort(new Error('interrupted'));
          await aDone;
          yield bytes.subarray(10);
        })());
      },
    });
    const [summaryA, summaryB] = await Promise.all([a, b]);
    expect(summaryA.interrupted).toBe(true);
    expect(events.filter((e) => e.code === 'task.failed').map((e) => e.message)).toEqual([]);
    expect(summaryB).toMatchObject({ rendered: 2, failed: 0, pending: 0 });
    for (const task of planB.tasks) expect((await checkImageFile(join(dir, 'b', task.output.path))).state).toBe('ok');
    const leftovers = (await readdir(join(dir, 'a'), { recursive: true })).filter((f) => f.includes('.rr-tmp-'));
    expect(leftovers).toEqual([]);
  });

  it('a later run sees --out as it is now, not as an earlier run found it', async () => {
    const out = join(dir, 'out');
    const connect = (): ReturnType<typeof defaultEffects> => defaultEffects(fakeConnect([fakeServer('ws://a:1')]));
    const first = await runPlan(makePlan({ scenes: 1, tasksPerScene: 2 }), { outDir: out, instances: ['ws://a:1'] }, connect());
    expect(first.rendered).toBe(2);
    // --out now leads elsewhere (a link to another disk), where test/d1 is a link that stays inside it.
    const real = join(dir, 'real');
    await mkdir(join(real, 'test'), { recursive: true });
    await mkdir(join(real, 'store'));
    await symlink(join(real, 'store'), join(real, 'test', 'd1'));
    await rename(out, join(dir, 'old'));
    await symlink(real, out);
    const second = await runPlan(makePlan({ scenes: 2, tasksPerScene: 2 }), { outDir: out, instances: ['ws://a:1'], force: true }, connect());
    expect(second.failures).toEqual([]);
    expect(second).toMatchObject({ rendered: 4, failed: 0 });
    expect((await readdir(join(real, 'store'))).sort()).toEqual(['frame-000.png', 'frame-001.png']);
  });
});
