import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { PLAN_FORMAT } from '../../src/plan/types.js';
import { BIN, listFiles, spawnCli, writeRecipe } from './helpers/e2e.js';

/**
 * `render-recipes run` refusing bad input before anything starts, and being stopped while it starts:
 * exit codes, messages, and nothing left behind.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-startup-'));
  // Readable by the unprivileged user some tests run the CLI as.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);
const noStack = /\n\s+at .+:\d+:\d+/;

describe('a bad --out is refused before anything starts (exit 2)', () => {
  it('a file, or a folder under a file', async () => {
    const work = await mkdtemp(join(dir, 'out-file-'));
    const recipe = await writeRecipe(work, { frames: 1 });
    await writeFile(join(work, 'taken'), 'not a folder');
    const file = await spawnCli(['run', recipe, '--out', 'taken', '--instance', '127.0.0.1:1'], work).done;
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(`cannot write to --out ${join(work, 'taken')}: it is not a directory`);
    expect(file.stderr).not.toMatch(noStack);
    const under = await spawnCli(['run', recipe, '--out', 'taken/renders', '--instance', '127.0.0.1:1'], work).done;
    expect(under.code).toBe(2);
    expect(under.stderr).toContain(`${join(work, 'taken')} is not a directory`);
  });

  it('a read-only folder', async () => {
    const work = await mkdtemp(join(dir, 'out-ro-'));
    await chmod(work, 0o755);
    const recipe = await writeRecipe(work, { frames: 1 });
    const locked = join(work, 'locked');
    await mkdir(locked, { mode: 0o555 });
    await chmod(locked, 0o555);
    // root may write anywhere: run the CLI as an unprivileged user then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawn(process.execPath, [BIN, 'run', recipe, '--out', join(locked, 'renders'), '--instance', '127.0.0.1:1'], {
      cwd: work,
      env: { ...process.env, RENDER_RECIPES_INSTANCES: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asUser,
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(2);
    expect(stderr).toContain(`cannot write to --out ${join(locked, 'renders')}: ${locked} is not writable (permission denied)`);
    expect(await exists(join(locked, 'renders'))).toBe(false);
  });
});

describe('--plan FILE is checked against the plan schema (exit 2, with JSON paths)', () => {
  it('a hand-edited plan names what is wrong and where; nothing is rendered', async () => {
    const work = await mkdtemp(join(dir, 'plan-'));
    const recipe = await writeRecipe(work, { frames: 2 });
    const printed = await spawnCli(['plan', recipe, '--json'], work).done;
    expect(printed.code).toBe(0);
    const plan = JSON.parse(printed.stdout) as { format: string; tasks: Record<string, unknown>[] };
    expect(plan.format).toBe(PLAN_FORMAT);
    delete (plan.tasks[1]!.camera as Record<string, unknown>).fovy;
    plan.tasks[2]!.resolution = [48, -32];
    plan.tasks[3]!.sceneId = 'abc123';
    await writeFile(join(work, 'plan.json'), JSON.stringify(plan));
    const result = await spawnCli(['run', '--plan', 'plan.json', '--out', 'out', '--instance', '127.0.0.1:1'], work).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(work, 'plan.json')} is not a valid plan`);
    expect(result.stderr).toContain("/tasks/1/camera: must have required property 'fovy'");
    expect(result.stderr).toContain('/tasks/2/resolution/1: must be >= 1');
    expect(result.stderr).not.toMatch(noStack);
    expect(await exists(join(work, 'out'))).toBe(false);

    // Fixed, the same plan runs as far as the (unreachable) instance: the schema accepts real plans.
    await writeFile(join(work, 'plan.json'), printed.stdout);
    const valid = await spawnCli(['run', '--plan', 'plan.json', '--out', 'out', '--instance', '127.0.0.1:1'], work).done;
    expect(valid.code).toBe(3);
  });

  it('a truncated plan is a clear error, not an internal one', async () => {
    const work = await mkdtemp(join(dir, 'plan-cut-'));
    await writeFile(join(work, 'plan.json'), `{"format": "${PLAN_FORMAT}", "tasks": [`);
    const result = await spawnCli(['run', '--plan', 'plan.json'], work).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read the plan .*plan\.json: .*JSON/);
  });
});

describe('SIGTERM while starting (before the first instance is up)', () => {
  it('while launched servers start: exits 130, stops them, leaves no output folder', async () => {
    const work = await mkdtemp(join(dir, 'term-launch-'));
    const recipe = await writeRecipe(work, { frames: 1 });
    // A "server" that never gets ready, but tells this test it is running (and, by closing, that it is gone).
    const started: Socket[] = [];
    const gone: Promise<void>[] = [];
    let onStarted: () => void = () => undefined;
    const startedOne = new Promise<void>((resolve) => (onStarted = resolve));
    const watcher = createServer((socket) => {
      started.push(socket);
      gone.push(new Promise((resolve) => socket.once('close', () => resolve())));
      socket.on('error', () => undefined);
      onStarted();
    });
    await new Promise<void>((resolve) => watcher.listen(0, '127.0.0.1', resolve));
    const port = (watcher.address() as { port: number }).port;
    const helper = join(work, 'never-ready.mjs');
    await writeFile(helper, `import { connect } from 'node:net'; connect(${port}, '127.0.0.1'); setInterval(() => {}, 60_000);\n`);
    try {
      const run = spawnCli(['run', recipe, '--out', 'out', '--launch', '1', '--brayns-cmd', `${JSON.stringify(process.execPath)} ${JSON.stringify(helper)} {port}`], work);
      await startedOne;
      run.child.kill('SIGTERM');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/interrupted/);
      expect(result.stderr).not.toMatch(noStack);
      await Promise.all(gone);
      expect(await exists(join(work, 'out'))).toBe(false);
    } finally {
      for (const s of started) s.destroy();
      await new Promise((resolve) => watcher.close(resolve));
    }
  });

  it('while connecting to a named instance that has not answered yet: exits 130, writes nothing', async () => {
    const work = await mkdtemp(join(dir, 'term-connect-'));
    const recipe = await writeRecipe(work, { frames: 1 });
    // Accepts the WebSocket, never answers get-version.
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => silent.once('listening', resolve));
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    try {
      const run = spawnCli(['run', recipe, '--out', 'out', '--instance', `127.0.0.1:${(silent.address() as { port: number }).port}`], work);
      await connected;
      run.child.kill('SIGTERM');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).not.toMatch(noStack);
      expect(await listFiles(join(work, 'out'))).toEqual([]);
      expect(await exists(join(work, 'out'))).toBe(false);
    } finally {
      for (const c of silent.clients) c.terminate();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

it('the plan schema file is valid JSON shipped with the package', async () => {
  const schema = JSON.parse(await readFile(new URL('../../schema/plan.schema.json', import.meta.url), 'utf8')) as { $defs: object };
  expect(Object.keys(schema.$defs)).toContain('task');
});
