import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImageFile } from '../../src/output/image-file.js';
import { readManifest } from '../../src/output/manifest.js';
import { startServer, type RunningServer } from '@render-recipes/server';
import { BIN, listFiles, spawnCli, startChildServers, writeRecipe } from './helpers/e2e.js';

/**
 * The `render-recipes` binary as a user runs it, against real built-in servers: killed, interrupted,
 * resumed, inspected. Servers that must outlive a killed runner run in this test process.
 */
let dir: string;
let servers: RunningServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-e2e-cli-'));
  servers = await Promise.all([startServer(), startServer()]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

const instanceArgs = (): string[] => servers.flatMap((s) => ['--instance', s.url]);
const tempFiles = async (out: string): Promise<string[]> => (await listFiles(out)).filter((f) => f.includes('.rr-tmp-'));

async function completeImages(out: string): Promise<string[]> {
  const complete: string[] = [];
  for (const f of (await listFiles(out)).filter((x) => x.endsWith('.png') && !x.includes('.rr-tmp-'))) {
    if ((await checkImageFile(join(out, f))).state === 'ok') complete.push(f);
  }
  return complete;
}

describe('render-recipes run (CLI)', () => {
  it('killed mid-run (SIGKILL) then rerun renders only what was missing; a corrupt file is re-rendered', async () => {
    const work = await mkdtemp(join(dir, 'kill-'));
    const recipe = await writeRecipe(work, { frames: 8 });
    const out = join(work, 'out');
    const first = spawnCli(['run', recipe, '--out', out, '--json', ...instanceArgs()], work);
    await first.waitFor((e) => e.code === 'task.finished' && first.events.filter((x) => x.code === 'task.finished').length >= 3);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const kept = await completeImages(out);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(16);

    const second = spawnCli(['run', recipe, '--out', out, '--json', ...instanceArgs()], work);
    const result = await second.done;
    expect(result.code, result.stderr).toBe(0);
    const rendered = second.events.filter((e) => e.code === 'task.finished').map((e) => e.data.output as string);
    const skipped = second.events.filter((e) => e.code === 'task.skipped').map((e) => e.data.output as string);
    expect(skipped.sort()).toEqual(kept);
    expect(rendered.length).toBe(16 - kept.length);
    expect(await completeImages(out)).toHaveLength(16);
    expect(await tempFiles(out)).toEqual([]);

    // Truncate one image: the next run re-renders exactly that one.
    const victim = join(out, kept[0]!);
    const bytes = await readFile(victim);
    await writeFile(victim, bytes.subarray(0, bytes.length >> 1));
    const third = spawnCli(['run', recipe, '--out', out, '--json', ...instanceArgs()], work);
    expect((await third.done).code).toBe(0);
    expect(third.events.filter((e) => e.code === 'task.finished').map((e) => e.data.output)).toEqual([kept[0]]);
    expect((await checkImageFile(victim)).state).toBe('ok');
  });

  it('Ctrl-C (SIGINT) cancels, keeps finished files, writes the manifest, leaves no temp files and exits 130', async () => {
    const { servers: slow, stop } = await startChildServers(2, ['--latency-sim', '50,400']);
    try {
      const work = await mkdtemp(join(dir, 'sigint-'));
      const recipe = await writeRecipe(work, { frames: 10 });
      const out = join(work, 'out');
      const run = spawnCli(['run', recipe, '--out', out, '--json', ...slow.flatMap((s) => ['--instance', s.uri])], work);
      await run.waitFor((e) => e.code === 'task.finished');
      run.child.kill('SIGINT');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(130);
      expect(await tempFiles(out)).toEqual([]);
      const manifest = await readManifest(join(out, 'manifest.json'));
      expect(manifest?.interrupted).toBe(true);
      const done = manifest?.tasks.filter((t) => t.status === 'rendered').map((t) => t.output.path).sort();
      expect(done?.length).toBeGreaterThanOrEqual(1);
      expect(done?.length).toBeLessThan(20);
      expect(await completeImages(out)).toEqual(done);
      expect(manifest?.tasks.filter((t) => t.status === 'pending').length).toBe(20 - (done?.length ?? 0));
    } finally {
      await stop();
    }
  });

  it('inspect prints the provenance, and --recipe reproduces the same pixels', async () => {
    const work = await mkdtemp(join(dir, 'inspect-'));
    const recipe = await writeRecipe(work, { frames: 2 });
    const out = join(work, 'out');
    expect((await spawnCli(['run', recipe, '--out', out, ...instanceArgs()], work).done).code).toBe(0);
    const image = join(out, 'e2e', 'd0.1', 'f0100.png');
    const check = await checkImageFile(image);
    if (check.state !== 'ok' || !check.provenance) throw new Error('no provenance');

    const shown = await spawnCli(['inspect', image], work).done;
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`task:       ${check.provenance.taskHash}`);
    expect(shown.stdout).toMatch(/circuit: .*BlueConfig \(bbp, density 0\.1, report spikes/);

    const printed = await spawnCli(['inspect', image, '--recipe'], work).done;
    expect(printed.code).toBe(0);
    await writeFile(join(work, 'again.yaml'), printed.stdout);
    const again = await spawnCli(['run', join(work, 'again.yaml'), '--out', join(work, 'again'), ...instanceArgs()], work).done;
    expect(again.code, again.stderr).toBe(0);
    const original = await sharp(image).raw().toBuffer();
    const reproduced = await sharp(join(work, 'again', 'e2e', 'd0.1', 'f0100.png')).raw().toBuffer();
    expect(reproduced.equals(original)).toBe(true);

    const missing = await spawnCli(['inspect', join(work, 'again.yaml')], work).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('shards render disjoint parts whose union is the plan; status merges their manifests', async () => {
    const work = await mkdtemp(join(dir, 'shards-'));
    const recipe = await writeRecipe(work, { frames: 4 });
    const out = join(work, 'out');
    const partial = await spawnCli(['status', out], work).done;
    expect(partial.code).toBe(4);
    const a = await spawnCli(['run', recipe, '--out', out, '--shard', '0/2', ...instanceArgs()], work).done;
    expect(a.code, a.stderr).toBe(0);
    const half = await spawnCli(['status', out], work).done;
    expect(half.stdout).toMatch(/shards never run: 1 of 2/);
    expect(half.code).toBe(4);
    // The second shard from the Slurm array variables.
    const b = await spawnCli(['run', recipe, '--out', out, ...instanceArgs()], work, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }).done;
    expect(b.code, b.stderr).toBe(0);
    const m0 = await readManifest(join(out, 'manifest.shard-0-of-2.json'));
    const m1 = await readManifest(join(out, 'manifest.shard-1-of-2.json'));
    const ids0 = new Set(m0?.tasks.map((t) => t.id));
    expect(m1?.tasks.some((t) => ids0.has(t.id))).toBe(false);
    expect((m0?.tasks.length ?? 0) + (m1?.tasks.length ?? 0)).toBe(8);
    const whole = await spawnCli(['status', out], work).done;
    expect(whole.code).toBe(0);
    expect(whole.stdout).toMatch(/done 8, failed 0, missing 0 \(of 8 tasks\)/);
  });

  it('with no instance given, starts the built-in backend itself; --launch starts servers from a template', async () => {
    const work = await mkdtemp(join(dir, 'builtin-'));
    const recipe = await writeRecipe(work, { frames: 1 });
    const auto = await spawnCli(['run', recipe, '--out', join(work, 'auto')], work).done;
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/started \d built-in server\(s\)/);
    expect(await completeImages(join(work, 'auto'))).toHaveLength(2);

    const template = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} serve --port {port} --render-threads 0`;
    const launched = await spawnCli(['run', recipe, '--out', join(work, 'launch'), '--launch', '2', '--brayns-cmd', template], work).done;
    expect(launched.code, launched.stderr).toBe(0);
    expect(launched.stderr).toMatch(/started 2 instance\(s\) from --brayns-cmd/);
    expect(await completeImages(join(work, 'launch'))).toHaveLength(2);
  });

  it('exits 3 with a clear message when no instance is reachable', async () => {
    const work = await mkdtemp(join(dir, 'unreachable-'));
    const recipe = await writeRecipe(work, { frames: 1 });
    const result = await spawnCli(['run', recipe, '--out', join(work, 'out'), '--instance', '127.0.0.1:1'], work).done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/127\.0\.0\.1:1.*set aside/);
  });
});
