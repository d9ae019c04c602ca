import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import { sha256 } from '../../src/output/image-file.js';
import { readManifest } from '../../src/output/manifest.js';
import { buildPlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/types.js';
import { defaultEffects } from '../../src/run/effects.js';
import type { RunEvent } from '../../src/run/events.js';
import { runPlan, type RunOptions } from '../../src/run/executor.js';
import { startServer, type RunningServer } from '@render-recipes/server';
import { listFiles, writeRecipe } from './helpers/e2e.js';
import { startTamperingProxy, type Tamper, type TamperingProxy } from './helpers/tampering-proxy.js';

/**
 * Instances that misbehave over real sockets: a proxy in front of a real built-in server damages,
 * withholds or cuts off what the server says. The run must end with every image whole.
 */
let dir: string;
let servers: RunningServer[] = [];
const proxies: TamperingProxy[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-faults-'));
  servers = await Promise.all([startServer(), startServer(), startServer({ latency: { loadMs: 0, renderMs: 400 } })]);
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close().catch(() => undefined)));
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function plan(name: string, frames: number): Promise<Plan> {
  const recipe = await writeRecipe(dir, { frames, name });
  const { plan: built, diagnostics } = await buildPlan([recipe], { cwd: dir });
  if (!built) throw new Error(`recipe did not compile: ${JSON.stringify(diagnostics)}`);
  return built;
}

async function proxy(upstream: RunningServer, tamper: (n: number) => Tamper): Promise<TamperingProxy> {
  const p = await startTamperingProxy(upstream.url, tamper);
  proxies.push(p);
  return p;
}

async function run(p: Plan, out: string, instances: string[], options: Partial<RunOptions> = {}, onEvent: (e: RunEvent) => void = () => undefined) {
  const events: RunEvent[] = [];
  const summary = await runPlan(
    p,
    { outDir: out, instances, retryDelayMs: 10, reconnectDelayMs: 50, onEvent: (e) => (events.push(e), onEvent(e)), ...options },
    defaultEffects((uri, { signal }) => connect(uri, { signal, retries: 0, timeoutMs: 5_000 })),
  );
  return { summary, events };
}

/** Every image decodes in full, and the manifest's hash is the file's. */
async function expectWholeImages(p: Plan, out: string): Promise<void> {
  const manifest = await readManifest(join(out, 'manifest.json'));
  for (const task of p.tasks) {
    const bytes = await readFile(join(out, task.output.path));
    const { info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual(task.resolution);
    expect(manifest?.tasks.find((t) => t.id === task.id)?.output.sha256).toBe(sha256(bytes));
  }
  expect((await listFiles(out)).filter((f) => f.includes('.rr-tmp-'))).toEqual([]);
}

const failuresOn = (events: RunEvent[], uri: string) => events.flatMap((e) => (e.code === 'task.failed' && e.data.uri === uri ? [e.data] : []));

describe('bad bytes from a server', () => {
  it('a truncated PNG or non-PNG bytes are never written: the task is rendered elsewhere and the instance set aside', async () => {
    const p = await plan('bad-bytes', 6);
    const out = join(dir, 'bad-bytes');
    const bad = await proxy(servers[0]!, (n) => (n % 2 === 0 ? 'truncate' : 'not-png'));
    const { summary, events } = await run(p, out, [bad.uri, servers[1]!.url]);
    expect(summary).toMatchObject({ rendered: 12, failed: 0, pending: 0 });
    const failures = failuresOn(events, bad.uri);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.every((f) => f.code === 'PROTOCOL' && f.willRetry)).toBe(true);
    expect(failures.some((f) => /sent a PNG that does not decode/.test(f.error))).toBe(true);
    expect(failures.some((f) => /bytes that are not a PNG/.test(f.error))).toBe(true);
    expect(summary.instances.find((i) => i.uri === bad.uri)).toMatchObject({ rendered: 0, setAside: true });
    expect(events.some((e) => e.code === 'instance.down' && e.data.uri === bad.uri && e.data.setAside && /3 times in a row/.test(e.data.reason))).toBe(true);
    await expectWholeImages(p, out);
  });
});

describe('stalled and flapping servers', () => {
  it('a server that takes a snapshot and never answers loses the task to another instance long before the render timeout', async () => {
    const p = await plan('stall', 6);
    const out = join(dir, 'stall');
    // Its third snapshot is never answered (the run has a median by then).
    const stalling = await proxy(servers[0]!, (n) => (n === 2 ? 'stall' : 'pass'));
    const { summary, events } = await run(p, out, [stalling.uri, servers[1]!.url], { stallFloorMs: 1_000, stallFactor: 5, renderTimeoutMs: 600_000 });
    expect(summary).toMatchObject({ rendered: 12, failed: 0, pending: 0 });
    const stalled = failuresOn(events, stalling.uri).filter((f) => f.code === 'TIMEOUT');
    expect(stalled).toHaveLength(1);
    expect(stalled[0]!.error).toMatch(/stalled: no reply and no progress for \d+\.\d s/);
    expect(stalled[0]!.willRetry).toBe(true);
    const redone = events.find((e) => e.code === 'task.finished' && e.data.taskId === stalled[0]!.taskId);
    expect(redone?.code === 'task.finished' && redone.data.uri).toBe(servers[1]!.url);
    await expectWholeImages(p, out);
  });

  it('a server down for more than 5 s is tried again and rejoins the run', async () => {
    // 2 x 16 frames; the healthy instance renders at 400 ms a frame, so work is left for well over 6 s.
    const p = await plan('flap', 16);
    const out = join(dir, 'flap');
    const flapping = await proxy(servers[1]!, () => 'pass');
    let downAt = 0;
    let upAgainAt = 0;
    const { summary, events } = await run(p, out, [flapping.uri, servers[2]!.url], { reconnectDelayMs: 250, reconnectMaxDelayMs: 1_000 }, (e) => {
      if (e.code === 'task.finished' && e.data.uri === flapping.uri && downAt === 0) {
        downAt = performance.now();
        void flapping.down();
      }
      // The runner's own reconnect attempts say how long it has been down: 0.25 + 0.5 + 5 x 1 s.
      if (e.code === 'instance.reconnecting' && e.data.uri === flapping.uri && e.data.attempt === 8 && upAgainAt === 0) {
        upAgainAt = performance.now();
        void flapping.up();
      }
    });
    expect(upAgainAt - downAt).toBeGreaterThan(5_000);
    expect(summary).toMatchObject({ rendered: 32, failed: 0, pending: 0 });
    expect(summary.instances.find((i) => i.uri === flapping.uri)?.setAside).toBe(false);
    const ups = events.flatMap((e, i) => (e.code === 'instance.up' && e.data.uri === flapping.uri ? [i] : []));
    expect(ups).toHaveLength(2);
    const rejoined = events.slice(ups[1]).filter((e) => e.code === 'task.finished' && e.data.uri === flapping.uri);
    expect(rejoined.length).toBeGreaterThan(0);
    expect(events.some((e) => e.code === 'instance.down' && e.data.uri === flapping.uri && !e.data.setAside)).toBe(true);
    await expectWholeImages(p, out);
  });
});
