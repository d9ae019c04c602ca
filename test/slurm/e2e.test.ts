import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Manifest } from '../../src/output/manifest.js';
import type { Plan } from '../../src/plan/types.js';
import { shellQuote } from '../../src/slurm/quote.js';
import { BIN_PATH } from '../../src/server-command.js';
import { clusterNodes, jobStates, slurmAvailable, waitForJob } from './cluster.js';

/**
 * End to end on a real Slurm: `render-recipes slurm submit` -> sbatch -> the batch script ->
 * `render-recipes run --slurm` -> srun steps running the built-in backend -> images and manifests.
 * A small recipe (96x64 pixels, 40 frames of the bundled sample circuit) keeps each job to seconds,
 * with enough rendering (production renderer, 16 samples) that both backends get work even when
 * one of them starts a little later.
 */

const CIRCUIT = resolve(import.meta.dirname, '../../samples/circuit/BlueConfig');
const FRAMES = 40;
const RECIPE = `version: 1
name: slurm-e2e
circuit:
  path: ${JSON.stringify(CIRCUIT)}
  cells: { density: 0.1 }
  report: { type: spikes }
  radius_multiplier: 20
resolution: [96, 64]
renderer: { type: production, samples_per_pixel: 16 }
frames: { start: 0, stop: ${(FRAMES - 1) * 10}, step: 10 }
output:
  path: "{name}/frame-{frame:05}.png"
`;

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** A tiny movie: 64x48, 12 frames, a full orbit, assembled into movie.mp4 at the end of the job. */
const MOVIE_FRAMES = 12;
const MOVIE_RECIPE = `version: 1
name: slurm-movie
circuit:
  path: ${JSON.stringify(CIRCUIT)}
  cells: { density: 0.05 }
  report: { type: spikes }
  radius_multiplier: 20
camera:
  view: full-screen
  path: { orbit: { degrees: 360, axis: y } }
resolution: [64, 48]
frames: { start: 0, stop: ${(MOVIE_FRAMES - 1) * 10}, step: 10 }
output:
  path: "{name}/frame-{frame:05}.png"
  movie: { path: "{name}.mp4", fps: 12 }
`;

let dir: string;
beforeAll(async () => {
  // A space in the path: everything the job is handed must survive quoting.
  dir = await mkdtemp(join(tmpdir(), 'rr slurm e2e '));
  await writeFile(join(dir, 'figure.yaml'), RECIPE);
  await writeFile(join(dir, 'movie.yaml'), MOVIE_RECIPE);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, env: process.env, cwd: dir, signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function submit(args: string[], recipe = 'figure.yaml'): Promise<string> {
  const result = await cli(['slurm', 'submit', recipe, '--time', '10', ...args]);
  expect(result.stderr).toContain('submitted batch job');
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

async function jobLogs(out: string): Promise<string> {
  const logs = (await readdir(join(dir, out, '.slurm'))).filter((f) => f.endsWith('.log'));
  const texts = await Promise.all(logs.map(async (f) => `== ${f}\n${await readFile(join(dir, out, '.slurm', f), 'utf8')}`));
  return texts.join('\n');
}

async function expectSucceeded(jobId: string, out: string): Promise<void> {
  const states = jobStates(jobId);
  if (!states.every((s) => s.state === 'COMPLETED' && s.exitCode === '0:0')) {
    throw new Error(`job ${jobId} did not succeed: ${JSON.stringify(states)}\n${await jobLogs(out)}`);
  }
}

async function manifest(out: string, name = 'manifest.json'): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, out, name), 'utf8')) as Manifest;
}

async function images(out: string): Promise<Map<string, string>> {
  const folder = join(dir, out, 'slurm-e2e');
  const files = (await readdir(folder).catch(() => [])).filter((f) => f.endsWith('.png'));
  const hashes = await Promise.all(files.map(async (f) => createHash('sha256').update(await readFile(join(folder, f))).digest('hex')));
  return new Map(files.map((f, i) => [f, hashes[i] ?? '']));
}

async function fullPlan(): Promise<Plan> {
  const { stdout, code } = await cli(['plan', 'figure.yaml', '--json']);
  expect(code).toBe(0);
  return JSON.parse(stdout) as Plan;
}

// Latency-simulated backends (fixed 300 ms per snapshot) make "midway" reliable on a busy machine.
const SLOW_BACKEND = `${shellQuote(process.execPath)} ${shellQuote(BIN_PATH)} serve --host 0.0.0.0 --port {port} --latency-sim 100,300`;

async function waitForImages(out: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await images(out)).size < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} images in ${out} after 120 s:\n${await jobLogs(out)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function queueState(jobId: string): string {
  return execFileSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).trim();
}

describe.runIf(slurmAvailable)('Slurm end to end (real cluster, built-in backend)', () => {
  it('a 2-task job starts two backends and renders the recipe across both', async () => {
    // Two nodes with one server each when the cluster has them (.ci/slurm-tests.sh), else two on one node.
    const shape = clusterNodes() >= 2 ? ['--nodes', '2'] : ['--nodes', '1', '--tasks-per-node', '2'];
    const jobId = await submit([...shape, '--out', 'two']);
    await waitForJob(jobId, 150_000);
    await expectSucceeded(jobId, 'two');

    const m = await manifest('two');
    expect(m.summary).toMatchObject({ tasks: FRAMES, rendered: FRAMES, failed: 0, pending: 0 });
    expect(m.instances).toHaveLength(2);
    expect(new Set(m.instances.map((i) => i.uri)).size).toBe(2);
    for (const instance of m.instances) expect(instance.rendered).toBeGreaterThan(0);
    expect(new Set(m.tasks.map((t) => t.instance?.uri))).toEqual(new Set(m.instances.map((i) => i.uri)));
    // Real images of the requested size, one per frame.
    const files = await images('two');
    expect(files.size).toBe(FRAMES);
    const meta = await sharp(join(dir, 'two', 'slurm-e2e', 'frame-00000.png')).metadata();
    expect([meta.width, meta.height]).toEqual([96, 64]);
    expect(await jobLogs('two')).toContain(`render-recipes: job ${jobId} on `);
  }, 180_000);

  it('a 3-task array renders disjoint shards whose union is the whole plan', async () => {
    const jobId = await submit(['--array', '3', '--out', 'array']);
    await waitForJob(jobId, 200_000);
    await expectSucceeded(jobId, 'array');

    const shards = await Promise.all([0, 1, 2].map((i) => manifest('array', `manifest.shard-${i}-of-3.json`)));
    const ids = shards.map((s) => s.tasks.map((t) => t.id));
    shards.forEach((s, i) => {
      expect(s.shard).toEqual({ index: i, count: 3 });
      expect(s.summary.failed).toBe(0);
      expect(s.summary.rendered).toBe(s.tasks.length);
      expect(s.tasks.length).toBeGreaterThan(0);
    });
    const all = ids.flat();
    expect(new Set(all).size).toBe(all.length); // disjoint
    expect(new Set(all)).toEqual(new Set((await fullPlan()).tasks.map((t) => t.id))); // union = plan
    expect((await images('array')).size).toBe(FRAMES);

    // `status` merges the three shard manifests into the whole.
    const status = await cli(['status', 'array', '--json']);
    expect(status.code).toBe(0);
    const [merged] = JSON.parse(status.stdout) as { manifests: string[]; done: number; missing: unknown[]; missingShards: unknown }[];
    expect(merged).toMatchObject({ done: FRAMES, missing: [], missingShards: null });
    expect(merged?.manifests).toHaveLength(3);
  }, 240_000);

  it('a job cancelled with scancel midway, then submitted again, renders only what was missing', async () => {
    const args = ['--nodes', '1', '--tasks-per-node', '2', '--out', 'resume', '--brayns-cmd', SLOW_BACKEND];
    const first = await submit(args);
    await waitForImages('resume', 4);
    execFileSync('scancel', [first]);
    await waitForJob(first, 60_000);
    expect(jobStates(first)[0]?.state).toBe('CANCELLED');
    const before = await images('resume');
    expect(before.size).toBeGreaterThanOrEqual(4);
    expect(before.size).toBeLessThan(FRAMES);

    const second = await submit(args);
    await waitForJob(second, 150_000);
    await expectSucceeded(second, 'resume');
    const m = await manifest('resume');
    expect(m.summary).toMatchObject({ tasks: FRAMES, rendered: FRAMES - before.size, upToDate: before.size, failed: 0, pending: 0 });
    // What the cancelled job finished is untouched; the rest is there now.
    const after = await images('resume');
    expect(after.size).toBe(FRAMES);
    for (const [file, hash] of before) expect(after.get(file)).toBe(hash);
  }, 300_000);

  it('a job requeued midway (node failure, preemption) runs again and renders only what was missing', async () => {
    const jobId = await submit(['--nodes', '1', '--tasks-per-node', '2', '--out', 'requeue', '--brayns-cmd', SLOW_BACKEND]);
    await waitForImages('requeue', 4);
    execFileSync('scontrol', ['requeue', jobId]);
    const requeuedAt = Date.now();
    // Slurm holds a requeued job back for a while (BeginTime); once it is pending, let it start now.
    const deadline = Date.now() + 60_000;
    while (queueState(jobId) !== 'PENDING') {
      if (Date.now() > deadline) throw new Error(`job ${jobId} not pending after requeue: ${queueState(jobId)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // The first run's steps may still be dying on the node (KillWait, srun's own grace period);
    // starting the job again before they are gone can fail its launch. The cluster is local, so
    // its step daemons are visible here.
    while (spawnSync('pgrep', ['-f', `slurmstepd: \\[${jobId}\\.`]).status === 0) {
      if (Date.now() > deadline) throw new Error(`job ${jobId}: the first run's steps are still running`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // slurmd revokes the first run's credential and compares credential times in whole seconds: a
    // job started again within the second of its requeue is killed as "Job credential revoked"
    // (seen in slurmctld.log). Slurm's own requeue delay avoids that; skipping it must not.
    await new Promise((r) => setTimeout(r, Math.max(0, requeuedAt + 2_000 - Date.now())));
    const before = await images('requeue');
    expect(before.size).toBeLessThan(FRAMES);
    execFileSync('scontrol', ['update', `JobId=${jobId}`, 'StartTime=now']);
    await waitForJob(jobId, 150_000);
    await expectSucceeded(jobId, 'requeue');

    const m = await manifest('requeue');
    expect(m.summary).toMatchObject({ tasks: FRAMES, rendered: FRAMES - before.size, upToDate: before.size, failed: 0 });
    const after = await images('requeue');
    expect(after.size).toBe(FRAMES);
    for (const [file, hash] of before) expect(after.get(file)).toBe(hash);
    // Both runs wrote to the same log (--open-mode=append).
    const log = await readFile(join(dir, 'requeue', '.slurm', `job-${jobId}.log`), 'utf8');
    expect(log.split(`render-recipes: job ${jobId} on `)).toHaveLength(3);
  }, 300_000);

  it('a movie recipe: the job renders the frames and assembles the movie at its end; status shows it', async () => {
    const jobId = await submit(['--nodes', '1', '--out', 'movie'], 'movie.yaml');
    await waitForJob(jobId, 150_000);
    await expectSucceeded(jobId, 'movie');
    expect(await jobLogs('movie')).toMatch(/built movie slurm-movie\.mp4 \(12 frames, 64x48 at 12 fps/);
    expect(ffprobeFrames(join(dir, 'movie', 'slurm-movie.mp4'))).toEqual({ frames: MOVIE_FRAMES, width: 64, height: 48, rate: '12/1' });
    const status = await cli(['status', 'movie']);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toContain('movie slurm-movie.mp4: done (12 frames');
  }, 180_000);

  it('a movie recipe over a 3-task array: the array task that completes the frames builds the movie', async () => {
    const jobId = await submit(['--array', '3', '--out', 'movie-array'], 'movie.yaml');
    await waitForJob(jobId, 200_000);
    await expectSucceeded(jobId, 'movie-array');
    const logs = await jobLogs('movie-array');
    // At least one array task built it (two finishing together may both build the same movie).
    expect(logs).toMatch(/built movie slurm-movie\.mp4/);
    expect(ffprobeFrames(join(dir, 'movie-array', 'slurm-movie.mp4')).frames).toBe(MOVIE_FRAMES);
    const status = await cli(['status', 'movie-array', '--json']);
    expect(status.code, status.stdout).toBe(0);
    const [merged] = JSON.parse(status.stdout) as { done: number; movies: { path: string; done: boolean }[] }[];
    expect(merged?.done).toBe(MOVIE_FRAMES);
    expect(merged?.movies).toEqual([expect.objectContaining({ path: 'slurm-movie.mp4', done: true })]);
  }, 240_000);
});

function ffprobeFrames(path: string): { frames: number; width: number; height: number; rate: string } {
  const json = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height,r_frame_rate', '-of', 'json', path], { encoding: 'utf8' }),
  ) as { streams: { nb_read_frames: string; width: number; height: number; r_frame_rate: string }[] };
  const s = json.streams[0];
  return { frames: Number(s?.nb_read_frames), width: s?.width ?? 0, height: s?.height ?? 0, rate: s?.r_frame_rate ?? '' };
}
