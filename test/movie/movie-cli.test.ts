import { execFileSync } from 'node:child_process';
import { readFile, stat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@render-recipes/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, spawnCli, type JsonEvent } from '../run/helpers/e2e.js';
import { ffprobe, HAVE_FFMPEG, pixels, writeMovieRecipe } from './helpers.js';

/**
 * Timeouts are generous: each test spawns several CLI processes (renders, ffmpeg, ffprobe), which on
 * a loaded 2-core machine take tens of seconds each just to start.
 *
 * The "done when", as a user checks it: `render-recipes run` of a movie recipe against a real
 * built-in server, the MP4 checked with ffprobe, frames compared pixel for pixel.
 */
let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-movie-cli-'));
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => spawnCli([...args, '--json', '--instance', server.url], cwd, env);
const withCode = (events: JsonEvent[], code: string) => events.filter((e) => e.code === code);

describe.skipIf(!HAVE_FFMPEG)('movies end to end (render-recipes run)', () => {
  it('builds an MP4 ffprobe confirms, with an orbit ending where it started; a rerun does nothing; one changed frame re-renders only it and rebuilds the movie', async () => {
    const work = await mkdtemp(join(dir, 'orbit-'));
    const frames = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const recipe = await writeMovieRecipe(work, { frames });
    const out = join(work, 'out');

    const first = run(['run', recipe, '--out', out], work);
    const r1 = await first.done;
    expect(r1.code, r1.stderr).toBe(0);
    expect(withCode(first.events, 'task.finished')).toHaveLength(12);
    expect(withCode(first.events, 'movie.built')).toHaveLength(1);
    const movie = join(out, 'orbit.mp4');
    expect(ffprobe(movie)).toEqual({ frames: 12, width: 64, height: 48, rate: '12/1', codec: 'h264' });
    // Frame 0 and frame 11 (360 degrees) are the same picture; a frame in between is not.
    const start = await pixels(join(out, 'orbit/frame-00000.png'));
    expect((await pixels(join(out, 'orbit/frame-00011.png'))).equals(start)).toBe(true);
    expect((await pixels(join(out, 'orbit/frame-00003.png'))).equals(start)).toBe(false);

    // Pretty-printed JSON: read it whole rather than as JSON lines.
    const provenance = JSON.parse(execFileSync(process.execPath, [BIN, 'inspect', movie, '--json'], { cwd: work, encoding: 'utf8' })) as { recipe: { name: string }; frames: { count: number; tasks: string[] }; fps: number };
    expect(provenance.recipe.name).toBe('orbit');
    expect(provenance.frames.count).toBe(12);
    expect(provenance.fps).toBe(12);
    const before = await readFile(movie);
    const mtime = (await stat(movie)).mtimeMs;

    const second = run(['run', recipe, '--out', out], work);
    const r2 = await second.done;
    expect(r2.code, r2.stderr).toBe(0);
    expect(withCode(second.events, 'task.finished')).toHaveLength(0);
    expect(withCode(second.events, 'movie.built')).toHaveLength(0);
    expect(withCode(second.events, 'movie.up-to-date')).toHaveLength(1);
    expect((await stat(movie)).mtimeMs).toBe(mtime);

    // The last frame moves to simulation frame 12: only that task changes (its camera stays at 360 degrees).
    await writeMovieRecipe(work, { frames: [...frames.slice(0, 11), 12] });
    const third = run(['run', recipe, '--out', out], work);
    const r3 = await third.done;
    expect(r3.code, r3.stderr).toBe(0);
    expect(withCode(third.events, 'task.finished').map((e) => e.data.output)).toEqual(['orbit/frame-00012.png']);
    expect(withCode(third.events, 'task.skipped')).toHaveLength(11);
    expect(withCode(third.events, 'movie.built')).toHaveLength(1);
    expect(ffprobe(movie).frames).toBe(12);
    expect((await readFile(movie)).equals(before)).toBe(false);

    const status = spawnCli(['status', out], work);
    const rs = await status.done;
    expect(rs.code, rs.stderr).toBe(0);
    expect(rs.stdout).toMatch(/movie orbit\.mp4: done \(12 frames/);
  }, 300_000);

  it('in a job array, the shard that completes the frames builds the movie; status shows it waiting until then', async () => {
    const work = await mkdtemp(join(dir, 'shards-'));
    const recipe = await writeMovieRecipe(work, { frames: { start: 0, stop: 7 }, movie: '{path: "{name}.webm", fps: 8}' });
    const out = join(work, 'out');
    const firstShard = run(['run', recipe, '--out', out, '--shard', '0/2'], work);
    const r1 = await firstShard.done;
    expect(r1.code, r1.stderr).toBe(0);
    expect(withCode(firstShard.events, 'movie.waiting')).toHaveLength(1);
    const waiting = await spawnCli(['status', out], work).done;
    expect(waiting.code).toBe(4);
    expect(waiting.stdout).toMatch(/movie orbit\.webm: waiting for \d+ of 8 frame\(s\) from other shards/);

    const secondShard = run(['run', recipe, '--out', out, '--shard', '1/2'], work);
    const r2 = await secondShard.done;
    expect(r2.code, r2.stderr).toBe(0);
    expect(withCode(secondShard.events, 'movie.built')).toHaveLength(1);
    expect(ffprobe(join(out, 'orbit.webm'))).toEqual({ frames: 8, width: 64, height: 48, rate: '8/1', codec: 'vp9' });
    const done = await spawnCli(['status', out], work).done;
    expect(done.code, done.stdout).toBe(0);
  }, 240_000);

  it('refuses to build a movie with missing frames and lists them', async () => {
    const work = await mkdtemp(join(dir, 'gap-'));
    const recipe = await writeMovieRecipe(work, { frames: { start: 0, stop: 3 } });
    const out = join(work, 'out');
    // Every frame and the movie, then two frames lost: the next run must render them again.
    const complete = await run(['run', recipe, '--out', out], work).done;
    expect(complete.code, complete.stderr).toBe(0);
    await rm(join(out, 'orbit.mp4'));
    for (const frame of ['00001', '00003']) await rm(join(out, `orbit/frame-${frame}.png`));
    // An unsharded run that cannot render (no instance reachable): the gap is its own, so the movie fails.
    const failing = spawnCli(['run', recipe, '--out', out, '--json', '--instance', 'ws://127.0.0.1:9', '--attempts', '1'], work);
    const rf = await failing.done;
    expect(rf.code, rf.stderr).not.toBe(0);
    const failed = withCode(failing.events, 'movie.failed').map((e) => e.data as { code: string; missing: string[]; error: string });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.code).toBe('MOVIE');
    expect(failed[0]?.missing.length).toBeGreaterThan(0);
    expect(failed[0]?.error).toContain(failed[0]?.missing[0] ?? '?');
    await expect(stat(join(out, 'orbit.mp4'))).rejects.toThrow();
  }, 240_000);

  it('validate, plan and slurm submit exit 2 with an install hint when ffmpeg is missing', async () => {
    const work = await mkdtemp(join(dir, 'noffmpeg-'));
    const recipe = await writeMovieRecipe(work, { frames: [0, 1] });
    for (const command of [['validate'], ['plan'], ['slurm', 'submit', '--dry-run']]) {
      const result = await spawnCli([...command, recipe], work, { PATH: '/nonexistent' }).done;
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('FFMPEG_MISSING');
      expect(result.stderr).toContain('apt-get install ffmpeg');
    }
    const configured = await spawnCli(['validate', recipe], work, { RENDER_RECIPES_FFMPEG: join(work, 'no-such-ffmpeg') }).done;
    expect(configured.code).toBe(2);
    expect(configured.stderr).toContain('RENDER_RECIPES_FFMPEG');
  }, 180_000);
});
