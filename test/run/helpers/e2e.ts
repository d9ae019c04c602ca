import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReadyLine } from '@render-recipes/protocol';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'render-recipes.js');
export const SAMPLE_CIRCUIT = join(ROOT, 'samples', 'circuit', 'BlueConfig');

/** A small recipe on the bundled sample circuit: 2 scenes (densities) x `frames` frames at 48x32. */
export async function writeRecipe(dir: string, options: { frames?: number; format?: string; name?: string; background?: string } = {}): Promise<string> {
  const frames = Array.from({ length: options.frames ?? 6 }, (_, i) => i * 100);
  const ext = options.format ?? 'png';
  const path = join(dir, `${options.name ?? 'e2e'}.yaml`);
  await writeFile(
    path,
    [
      'version: 1',
      `name: ${options.name ?? 'e2e'}`,
      'circuit:',
      `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`,
      '  report: { type: spikes }',
      '  radius_multiplier: 20',
      `renderer: { background: ${options.background ?? '[0, 0, 0, 1]'} }`,
      'matrix:',
      '  density: [0.05, 0.1]',
      `  frames: [${frames.join(', ')}]`,
      'resolution: [48, 32]',
      'output:',
      `  path: "{name}/d{density}/f{frame:04}.${ext}"`,
      '',
    ].join('\n'),
  );
  return path;
}

export interface ChildServer {
  uri: string;
  child: ChildProcess;
}

/** Built-in servers as child processes (so a test can SIGKILL one). */
export async function startChildServers(count: number, extra: string[] = []): Promise<{ servers: ChildServer[]; stop: () => Promise<void> }> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--render-threads', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stderr?.resume();
      const uri = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const url = parseReadyLine(text);
          if (url) resolve(url);
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${text}`)));
      });
      return { uri, child };
    }),
  );
  return {
    servers,
    stop: async () => {
      await Promise.all(
        servers.map(({ child }) => {
          if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          return exited;
        }),
      );
    },
  };
}

/** One `--json` line: the library's event shape. */
export interface JsonEvent {
  code: string;
  level: string;
  message: string;
  data: Record<string, unknown>;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves with the exit code (or 128 + signal number) and the output. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** JSON events printed so far (with --json). */
  events: JsonEvent[];
  /** Resolves when `predicate` holds for a printed event. */
  waitFor(predicate: (event: JsonEvent) => boolean): Promise<void>;
}

export function spawnCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, RENDER_RECIPES_INSTANCES: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const events: CliRun['events'] = [];
  const waiters: { predicate: (e: CliRun['events'][number]) => boolean; resolve: () => void }[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as CliRun['events'][number];
      events.push(event);
      for (const w of [...waiters]) {
        if (w.predicate(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    events,
    waitFor: (predicate) =>
      new Promise<void>((resolve, reject) => {
        if (events.some(predicate)) return resolve();
        waiters.push({ predicate, resolve });
        void done.then(({ code, stderr: err }) => reject(new Error(`the CLI exited (${code}) before the awaited event:\n${err}`)));
      }),
  };
}

export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}
