import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderRecipesError } from '../../src/errors.js';
import { checkImageFile } from '../../src/output/image-file.js';
import { readManifest } from '../../src/output/manifest.js';
import { defaultEffects } from '../../src/run/effects.js';
import type { RunEvent } from '../../src/run/events.js';
import { runPlan, type RunOptions } from '../../src/run/executor.js';
import { taskStatus } from '../../src/run/task-status.js';
import type { Plan } from '../../src/plan/types.js';
import { fakeConnect, fakeServer, type FakeServer } from './helpers/fake-client.js';
import { makePlan } from './helpers/plan.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'rr-exec-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

async function run(plan: Plan, servers: FakeServer[], options: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const summary = await runPlan(
    plan,
    { outDir: out, instances: servers.map((s) => s.uri), reconnectDelayMs: 1, retryDelayMs: 1, onEvent: (e) => events.push(e), ...options },
    defaultEffects(fakeConnect(servers)),
  );
  return { summary, events };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('runPlan with fake instances', () => {
  it('renders every task once, with provenance, and a manifest naming each', async () => {
    const plan = makePlan({ scenes: 4, tasksPerScene: 5 });
    // Loads cost 30 renders here, so joining a 5-task scene never pays: exactly one load per scene.
    const latencyMs = { load: 30, render: 1 };
    const servers = [fakeServer('ws://a:1', { latencyMs }), fakeServer('ws://b:1', { latencyMs })];
    const { summary } = await run(plan, servers);
    expect(summary).toMatchObject({ rendered: 20, failed: 0, skipped: 0, pending: 0, loads: 4, minLoads: 4 });
    expect(servers.flatMap((s) => s.snapshots)).toHaveLength(20);
    for (const task of plan.tasks) {
      const check = await checkImageFile(join(out, task.output.path));
      expect(check.state).toBe('ok');
      if (check.state === 'ok') expect(check.provenance?.taskHash).toBe(task.id);
    }
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.planHash).toBe(plan.hash);
    expect(manifest?.tasks.map((t) => t.id)).toEqual(plan.tasks.map((t) => t.id));
    expect(manifest?.tasks.every((t) => t.status === 'rendered' && t.output.sha256?.length === 64 && t.instance?.version === '3.10.1')).toBe(true);
    expect(manifest?.tasks[0]?.resolved?.view.target).toEqual([0, 0, 0]);
    expect((await listFiles(out)).filter((f) => f.includes('.rr-tmp-'))).toEqual([]);
  });

  it('sends lights only when they change', async () => {
    const plan = makePlan({ scenes: 1, tasksPerScene: 6 });
    const server = fakeServer('ws://a:1');
    await run(plan, [server]);
    expect(server.lightCalls).toBe(1);
  });

  it('sets an unreachable instance aside and renders everything on the others', async () => {
    const plan = makePlan({ scenes: 2, tasksPerScene: 4 });
    const servers = [fakeServer('ws://a:1'), fakeServer('ws://down:1', { unreachable: true })];
    const { summary, events } = await run(plan, servers);
    expect(summary.rendered).toBe(8);
    expect(events.some((e) => e.code === 'instance.down' && e.data.uri === 'ws://down:1' && e.data.setAside)).toBe(true);
  });

  it('reconnects after a dropped connection, reloads the scene and loses nothing', async () => {
    const plan = makePlan({ scenes: 2, tasksPerScene: 6 });
    let dropped = false;
    const flaky = fakeServer('ws://a:1', {
      beforeSnapshot: () => {
        if (!dropped && flaky.snapshots.length >= 2) {
          dropped = true;
          throw new RenderRecipesError('CONNECTION', 'connection lost');
        }
      },
    });
    const servers = [flaky, fakeServer('ws://b:1')];
    const { summary } = await run(plan, servers);
    expect(summary).toMatchObject({ rendered: 12, failed: 0 });
    expect(flaky.connects).toBe(2);
    const all = servers.flatMap((s) => s.snapshots);
    expect(all).toHaveLength(12);
    // Reconnected instance reloaded its scene before rendering again.
    expect(flaky.loads.length).toBeGreaterThanOrEqual(2);
  });

  it('sets aside an instance that keeps failing; its tasks are retried elsewhere', async () => {
    const plan = makePlan({ scenes: 2, tasksPerScene: 10 });
    const bad = fakeServer('ws://bad:1', {
      beforeSnapshot: () => {
        throw new RenderRecipesError('JSONRPC', 'GPU on fire');
      },
    });
    const { summary, events } = await run(plan, [bad, fakeServer('ws://good:1')]);
    expect(summary).toMatchObject({ rendered: 20, failed: 0 });
    expect(summary.instances.find((i) => i.uri === 'ws://bad:1')?.setAside).toBe(true);
    // Set aside at the 3rd consecutive failure; the task pipelined behind it may fail too.
    const failed = events.filter((e) => e.code === 'task.failed').length;
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(failed).toBeLessThanOrEqual(4);
  });

  it('keeps going past a task that fails everywhere, reporting it; --fail-fast stops', async () => {
    const plan = makePlan({ scenes: 1, tasksPerScene: 8 });
    const poison = plan.tasks[2]!.output.path;
    const failing = (): FakeServer[] =>
      ['ws://a:1', 'ws://b:1'].map((uri) =>
        fakeServer(uri, {
          beforeSnapshot: async (request, _signal, server) => {
            await new Promise((r) => setTimeout(r, 2));
            if (server.snapshots.length >= 0 && request.frame === 2) throw new RenderRecipesError('JSONRPC', 'bad frame');
          },
        }),
      );
    const keepGoing = await run(plan, failing(), { maxInstanceFailures: 10 });
    expect(keepGoing.summary).toMatchObject({ rendered: 7, failed: 1 });
    expect(keepGoing.summary.failures[0]).toMatchObject({ output: poison, attempts: 3, code: 'JSONRPC' });
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.tasks.find((t) => t.output.path === poison)).toMatchObject({ status: 'failed', error: { message: 'bad frame' } });
    expect(manifest?.failures).toEqual([expect.objectContaining({ output: poison, code: 'JSONRPC', message: 'bad frame', attempts: 3 })]);

    await rm(out, { recursive: true, force: true });
    const fast = await run(plan, failing(), { maxInstanceFailures: 10, failFast: true });
    expect(fast.summary.failed).toBe(1);
    expect(fast.summary.interrupted).toBe(false);
    expect(fast.summary.rendered + fast.summary.pending).toBe(7);
  });

  it('an abort cancels in-flight requests, keeps finished files and records the rest as pending', async () => {
    const plan = makePlan({ scenes: 2, tasksPerScene: 10 });
    const controller = new AbortController();
    const slow = (uri: string): FakeServer =>
      fakeServer(uri, {
        latencyMs: { load: 0, render: 5 },
        beforeSnapshot: (_r, _s, server) => {
          if (server.snapshots.length >= 3) controller.abort(new Error('interrupted by SIGINT'));
        },
      });
    const { summary } = await run(plan, [slow('ws://a:1'), slow('ws://b:1')], { signal: controller.signal });
    expect(summary.interrupted).toBe(true);
    expect(summary.rendered).toBeGreaterThanOrEqual(3);
    expect(summary.rendered + summary.pending).toBe(20);
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.interrupted).toBe(true);
    expect(manifest?.tasks.filter((t) => t.status === 'rendered')).toHaveLength(summary.rendered);
    const files = await listFiles(out);
    expect(files.filter((f) => f.includes('.rr-tmp-'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(summary.rendered);
  });

  it('an abort while an instance checks its loaders (at connect) is an interruption, not an internal error', async () => {
    const plan = makePlan({ scenes: 2, tasksPerScene: 10 });
    const controller = new AbortController();
    // B's check is in flight when Ctrl-C comes: a real client rejects it with the abort's reason.
    const checking = fakeServer('ws://b:1', {
      beforeLoadCheck: (signal) =>
        new Promise<void>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
          controller.abort(new Error('interrupted by SIGINT'));
        }),
    });
    const { summary } = await run(plan, [checking], { signal: controller.signal });
    expect(summary.interrupted).toBe(true);
    expect(summary.rendered).toBe(0);
    expect(summary.pending).toBe(20);
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.interrupted).toBe(true);
    expect((await listFiles(out)).filter((f) => f.includes('.rr-tmp-'))).toEqual([]);
  });

  it('resumes: skips up-to-date outputs, re-renders corrupt, changed and forced ones', async () => {
    const plan = makePlan({ scenes: 2, tasksPerScene: 3 });
    await run(plan, [fakeServer('ws://a:1')]);

    const again = fakeServer('ws://a:1');
    const second = await run(plan, [again]);
    expect(second.summary).toMatchObject({ rendered: 0, skipped: 6 });
    expect(again.snapshots).toHaveLength(0);
    expect(again.loads).toHaveLength(0);
    // Nothing changed: the manifest of the run that rendered them is left as it was, still recording every file.
    expect((await readManifest(join(out, 'manifest.json')))?.tasks.every((t) => t.status === 'rendered' && t.output.sha256)).toBe(true);

    const first = plan.tasks[0]!;
    const bytes = await readFile(join(out, first.output.path));
    await writeFile(join(out, first.output.path), bytes.subarray(0, bytes.length - 20));
    expect((await taskStatus(plan, out)).get(first.id)).toMatchObject({ action: 'render', reason: 'corrupt' });
    const third = await run(plan, [fakeServer('ws://a:1')]);
    expect(third.summary).toMatchObject({ rendered: 1, skipped: 5 });

    // A different camera changes every task id; the old files are "recipe changed".
    const changed = makePlan({ scenes: 2, tasksPerScene: 3, variant: 1 });
    const status = await taskStatus(changed, out);
    expect([...status.values()].every((s) => s.reason === 'recipe changed')).toBe(true);

    expect([...(await taskStatus(plan, out, { force: true })).values()].every((s) => s.reason === 'forced')).toBe(true);
    expect((await run(plan, [fakeServer('ws://a:1')], { force: true })).summary.rendered).toBe(6);
  });

  it('writes webp, tiff and jpg with provenance in their metadata', async () => {
    for (const format of ['webp', 'tiff', 'jpg'] as const) {
      const plan = makePlan({ scenes: 1, tasksPerScene: 1, format });
      await run(plan, [fakeServer('ws://a:1')]);
      const task = plan.tasks[0]!;
      const check = await checkImageFile(join(out, task.output.path));
      expect(check.state, format).toBe('ok');
      if (check.state === 'ok') expect(check.provenance?.taskHash).toBe(task.id);
    }
  });

  it('transfer: server passes the absolute output path and checks the file appeared', async () => {
    const plan = makePlan({ scenes: 1, tasksPerScene: 2, transfer: 'server' });
    const server = fakeServer('ws://127.0.0.1:1');
    const { summary } = await run(plan, [server]);
    expect(summary.rendered).toBe(2);
    expect(server.snapshots.map((s) => s.filePath)).toEqual(plan.tasks.map((t) => join(out, t.output.path)));
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.tasks.every((t) => t.output.sha256?.length === 64)).toBe(true);
    // The next run trusts the manifest for files the server wrote.
    expect((await run(plan, [server])).summary.skipped).toBe(2);
  });

  it('a bug (a TypeError) stops the run at once with that error: not retried, not a render failure', async () => {
    const plan = makePlan({ scenes: 1, tasksPerScene: 6 });
    const buggy = (uri: string): FakeServer =>
      fakeServer(uri, {
        beforeSnapshot: (_r, _s, server) => {
          // A bug of the kind a refactoring leaves behind: reading a property of undefined.
          if (server.snapshots.length >= 1) void (undefined as unknown as { size: number }).size.toFixed();
        },
      });
    const servers = [buggy('ws://a:1'), buggy('ws://b:1')];
    const events: RunEvent[] = [];
    const running = runPlan(plan, { outDir: out, instances: servers.map((s) => s.uri), retryDelayMs: 1, onEvent: (e) => events.push(e) }, defaultEffects(fakeConnect(servers)));
    await expect(running).rejects.toBeInstanceOf(TypeError);
    expect(events.some((e) => e.code === 'task.failed')).toBe(false);
    // At most one TypeError per instance: nothing was tried again after the first.
    expect(servers.reduce((n, s) => n + s.snapshots.length, 0)).toBeLessThanOrEqual(2 + 2);
    // What finished is recorded.
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.tasks.filter((t) => t.status === 'rendered').length).toBe((await listFiles(out)).filter((f) => f.endsWith('.png')).length);
  });
});

describe('runPlan options', () => {
  const plan = makePlan({ scenes: 1, tasksPerScene: 2 });
  const effects = defaultEffects(fakeConnect([fakeServer('ws://a:1')]));

  it.each([
    [{ pipelineDepth: 0 }, 'expected `pipelineDepth` to be an integer from 1 up, got 0'],
    [{ maxAttempts: 1.5 }, 'expected `maxAttempts` to be an integer from 1 up, got 1.5'],
    [{ retryDelayMs: -1 }, 'expected `retryDelayMs` to be a finite number of milliseconds, 0 or more, got -1'],
    [{ renderTimeoutMs: Number.NaN }, 'expected `renderTimeoutMs` to be a finite number of milliseconds above 0, got NaN'],
    [{ stallFactor: '10' }, "expected `stallFactor` to be a number from 1 up, got '10' (string)"],
    [{ instances: 'ws://a:1' }, 'expected `instances` to be a list of URIs'],
  ])('rejects %o with a clear USAGE error instead of hanging', async (bad, message) => {
    const running = runPlan(plan, { outDir: out, instances: ['ws://a:1'], ...(bad as Partial<RunOptions>) }, effects);
    await expect(running).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining(message) as string });
  });

  it('reports every bad option at once', async () => {
    const running = runPlan(plan, { outDir: out, instances: ['ws://a:1'], pipelineDepth: 0, postConcurrency: -2 }, effects);
    await expect(running).rejects.toThrow(/expected `postConcurrency` to be an integer from 1 up, got -2; expected `pipelineDepth`/);
  });
});
