import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient } from '../../packages/server/test/protocol/raw-client.js';

/** `render-recipes serve` as a user runs it: the real bin, a ready line, signals and quit. */

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function serve(args: string[]): { child: ChildProcessWithoutNullStreams; ready: Promise<string>; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ['bin/render-recipes.js', 'serve', ...args], { cwd: root });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => /listening on (ws:\/\/\S+)/.test(l));
      if (line) resolve(line);
    });
    child.once('exit', () => reject(new Error(`serve exited before its ready line; stderr: ${stderr}`)));
  });
  // Tests that expect an early exit never await the ready line.
  ready.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exit, stderr: () => stderr };
}

const urlOf = (line: string): string => (/listening on (ws:\/\/\S+)/.exec(line) as RegExpExecArray)[1] as string;

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('render-recipes serve', () => {
  it('prints one ready line with the real port, serves, and exits 0 on SIGTERM', async () => {
    const { child, ready, exit } = serve(['--port', '0']);
    const line = await ready;
    expect(line).toMatch(/^render-recipes serve: listening on ws:\/\/127\.0\.0\.1:\d+ \(Brayns API 3\.10\.1\)$/);
    expect(urlOf(line)).not.toMatch(/:0$/);
    const client = await RawClient.connect(urlOf(line));
    expect(await client.result('get-version')).toMatchObject({ major: 3, minor: 10, patch: 1 });
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('labels latency simulation, speaks the chosen API and exits 0 after quit', async () => {
    const { ready, exit } = serve(['--port', '0', '--api', '2.0.0', '--latency-sim', '200,50']);
    const line = await ready;
    expect(line).toContain('(Brayns API 2.0.0) (latency simulation: load 200 ms, render 50 ms)');
    const client = await RawClient.connect(urlOf(line));
    expect(await client.result('quit')).toBeNull();
    expect(await exit).toBe(0);
  });

  it('rejects a bad --api with exit code 2 and says what is allowed', async () => {
    const { exit, stderr } = serve(['--api', '4.0.0']);
    expect(await exit).toBe(2);
    expect(stderr()).toContain('2.0.0, 3.0.0, 3.10.1');
  });

  it('explains a port in use with exit code 2 and a hint instead of a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const { exit, stderr } = serve(['--port', String(port)]);
      expect(await exit).toBe(2);
      expect(stderr()).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      expect(stderr()).toContain('hint: another process uses that port');
      expect(stderr()).not.toContain('    at ');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
