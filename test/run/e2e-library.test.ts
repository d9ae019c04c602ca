import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import { checkImageFile } from '../../src/output/image-file.js';
import { readManifest } from '../../src/output/manifest.js';
import { buildPlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/types.js';
import { defaultEffects } from '../../src/run/effects.js';
import type { RunEvent } from '../../src/run/events.js';
import { runPlan } from '../../src/run/executor.js';
import { startServer, type RunningServer } from '@render-recipes/server';
import { listFiles, startChildServers, writeRecipe } from './helpers/e2e.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-e2e-lib-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function plan(options: Parameters<typeof writeRecipe>[1] = {}): Promise<Plan> {
  const recipe = await writeRecipe(dir, options);
  const { plan: built, diagnostics } = await buildPlan([recipe], { cwd: dir });
  if (!built) throw new Error(`recipe did not compile: ${JSON.stringify(diagnostics)}`);
  return built;
}

const effects = defaultEffects((uri, { signal }) => connect(uri, { signal, retries: 1 }));

describe('run on in-process built-in servers (real sockets, real rendering)', () => {
  let servers: RunningServer[] = [];
  beforeAll(async () => {
    servers = await Promise.all([startServer(), startServer(), startServer()]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('renders every task into its file with provenance; the manifest records each', async () => {
    const p = await plan({ frames: 4 });
    const out = join(dir, 'out-a');
    const summary = await runPlan(p, { outDir: out, instances: servers.map((s) => s.url) }, effects);
    expect(summary).toMatchObject({ tasks: 8, rendered: 8, failed: 0, pending: 0 });
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.planHash).toBe(p.hash);
    for (const [i, task] of p.tasks.entries()) {
      const path = join(out, task.output.path);
      const check = await checkImageFile(path);
      expect(check.state).toBe('ok');
      if (check.state !== 'ok') continue;
      expect(check.provenance?.taskHash).toBe(task.id);
      const entry = manifest?.tasks[i];
      expect(entry).toMatchObject({ id: task.id, status: 'rendered', output: { path: task.output.path, sha256: check.sha256 } });
      expect(servers.map((s) => s.url)).toContain(entry?.instance?.uri);
      expect(entry?.resolved?.lights.length).toBeGreaterThan(0);
      // Real pixels: cells on a black background, so not one flat colour.
      const stats = await sharp(path).stats();
      expect(stats.channels[0]!.max).toBeGreaterThan(stats.channels[0]!.min);
    }
  });

  it.each(['webp', 'tiff', 'jpg'])('writes %s with the provenance in its metadata', async (format) => {
    const p = await plan({ frames: 1, format, name: `fmt-${format}` });
    const out = join(dir, `out-${format}`);
    await runPlan(p, { outDir: out, instances: [servers[0]!.url] }, effects);
    for (const task of p.tasks) {
      const path = join(out, task.output.path);
      const meta = await sharp(path).metadata();
      expect(meta.format).toBe(format === 'jpg' ? 'jpeg' : format);
      expect([meta.width, meta.height]).toEqual([48, 32]);
      const check = await checkImageFile(path);
      expect(check.state === 'ok' && check.provenance?.taskHash).toBe(task.id);
    }
  });
});

describe('an instance killed mid-run (SIGKILL)', () => {
  it('loses nothing and duplicates nothing: its tasks move to the other instances', async () => {
    // Latency simulation: renders take 150 ms, so the kill lands while work remains.
    const { servers, stop } = await startChildServers(3, ['--latency-sim', '100,150']);
    try {
      const p = await plan({ frames: 6 });
      const out = join(dir, 'out-kill');
      const events: RunEvent[] = [];
      const victim = servers[0]!;
      const summary = await runPlan(
        p,
        {
          outDir: out,
          instances: servers.map((s) => s.uri),
          reconnectDelayMs: 50,
          onEvent: (e) => {
            events.push(e);
            if (e.code === 'task.finished' && e.data.uri === victim.uri && victim.child.exitCode === null) victim.child.kill('SIGKILL');
          },
        },
        effects,
      );
      expect(summary).toMatchObject({ rendered: 12, failed: 0, pending: 0 });
      const finished = events.filter((e) => e.code === 'task.finished').map((e) => (e.code === 'task.finished' ? e.data.taskId : ''));
      expect(finished).toHaveLength(12);
      expect(new Set(finished).size).toBe(12);
      expect(events.some((e) => e.code === 'instance.down' && e.data.uri === victim.uri)).toBe(true);
      expect(summary.instances.find((i) => i.uri === victim.uri)?.setAside).toBe(true);
      const files = (await listFiles(out)).filter((f) => f.endsWith('.png'));
      expect(files).toHaveLength(12);
      const manifest = await readManifest(join(out, 'manifest.json'));
      expect(manifest?.tasks.every((t) => t.status === 'rendered')).toBe(true);
    } finally {
      await stop();
    }
  });
});
