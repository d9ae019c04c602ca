import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { connect } from '../brayns/index.js';
import { parseReadyLine } from '@render-recipes/protocol';
import { RenderRecipesError } from '../errors.js';
import { BIN_PATH, fillCommandTemplate } from '../server-command.js';

/** Local server processes this run started; `stop()` ends exactly those. */
export interface LaunchedInstances {
  uris: string[];
  stop(): Promise<void>;
}

/**
 * Starts `count` built-in backends as child processes (`render-recipes serve --port 0`), each
 * rendering with `renderThreads` threads, and resolves once each printed its ready line.
 */
export async function startBuiltinInstances(count: number, options: { renderThreads: number; signal: AbortSignal; latency?: string }): Promise<LaunchedInstances> {
  const children: ChildProcess[] = [];
  const stop = (): Promise<void> => stopAll(children);
  try {
    const uris = await Promise.all(
      Array.from({ length: count }, async () => {
        const args = [BIN_PATH, 'serve', '--port', '0', '--render-threads', String(options.renderThreads)];
        if (options.latency) args.push('--latency-sim', options.latency);
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        return await readyLine(child, 60_000, options.signal);
      }),
    );
    return { uris, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts `count` processes from a shell command template with `{port}` (a real braynsService, or
 * the built-in server), each on a free port, and waits until each answers as Brayns. A ready line
 * on stdout is not required: readiness is a successful connection.
 */
export async function launchFromTemplate(count: number, template: string, options: { signal: AbortSignal; readyTimeoutMs?: number }): Promise<LaunchedInstances> {
  const children: ChildProcess[] = [];
  const stop = (): Promise<void> => stopAll(children);
  try {
    const uris = await Promise.all(
      Array.from({ length: count }, async () => {
        const port = await freePort();
        const command = fillCommandTemplate(template, { port, host: '127.0.0.1' });
        // Own process group, so stopping the shell also stops what it started.
        const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        children.push(child);
        const uri = `ws://127.0.0.1:${port}`;
        await waitUntilReady(child, uri, command, options.readyTimeoutMs ?? 180_000, options.signal);
        return uri;
      }),
    );
    return { uris, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new RenderRecipesError('INTERNAL', 'no free port');
  return address.port;
}

function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString()).slice(-2000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  return () => text.trim();
}

function readyLine(child: ChildProcess, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const output = tail(child);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const fail = (message: string): void => {
      cleanup();
      reject(new RenderRecipesError('CONNECTION', `${message}${output() ? `:\n${output()}` : ''}`));
    };
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const url = parseReadyLine(buffer);
      if (url) {
        cleanup();
        resolve(url);
      }
    };
    const onExit = (code: number | null): void => fail(`the built-in server exited (code ${code}) before it was ready`);
    const onAbort = (): void => fail('interrupted while starting the built-in server');
    const timer = setTimeout(() => fail(`the built-in server did not get ready within ${timeoutMs} ms`), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function waitUntilReady(child: ChildProcess, uri: string, command: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const output = tail(child);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    if (exited !== undefined) {
      throw new RenderRecipesError('CONNECTION', `\`${command}\` exited (code ${exited}) before it was ready${output() ? `:\n${output()}` : ''}`);
    }
    try {
      const client = await connect(uri, { retries: 0, timeoutMs: 2000, signal });
      await client.close();
      return;
    } catch (error) {
      if (signal.aborted) throw error;
      if (Date.now() > deadline) {
        throw new RenderRecipesError('CONNECTION', `\`${command}\` did not answer on ${uri} within ${timeoutMs} ms`, { cause: error });
      }
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** SIGTERM, then SIGKILL for whatever has not exited after a grace period. */
async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const kill = (signal: NodeJS.Signals): void => {
        try {
          // Detached children lead their own process group: signal the group (the shell and its command).
          if (child.spawnargs[0] === '/bin/sh') process.kill(-(child.pid as number), signal);
          else child.kill(signal);
        } catch {
          // Already gone.
        }
      };
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
