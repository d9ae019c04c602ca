import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hostileFrame, rng } from '../../packages/server/test/protocol/hostile-messages.js';
import { RawClient } from '../../packages/server/test/protocol/raw-client.js';

/**
 * `render-recipes serve` as a separate process under thousands of hostile messages (a seeded
 * generator): it must not crash, must still answer get-version, and its memory must stay bounded.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
const MESSAGES = Number(process.env['HOSTILE_MESSAGES'] ?? 3000);
const SEED = Number(process.env['HOSTILE_SEED'] ?? 14);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function serve(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['bin/render-recipes.js', 'serve', '--port', '0', ...args], { cwd: root });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (ws:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before its ready line; stderr: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

/** Resident and peak resident memory of a process, in MB, from the kernel's own accounting. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

describe.skipIf(process.platform !== 'linux')('render-recipes serve under hostile clients', () => {
  it(`survives ${MESSAGES} fuzzed messages with bounded memory and still answers get-version`, async () => {
    const { child, url, stderr } = await serve(['--render-threads', '1', '--max-pixels', '64x64', '--max-samples', '4']);
    let client = await RawClient.connect(url);
    // Warm up what a normal session uses (a render, the encoder) before taking the baseline.
    await client.result('set-application-parameters', { viewport: [8, 8] });
    await client.call('snapshot', { image_settings: { size: [8, 8] } });
    const baseline = memoryOf(child.pid as number);
    const r = rng(SEED);
    const kinds = new Map<string, number>();
    let peakRss = baseline.rss;
    for (let i = 0; i < MESSAGES; i += 1) {
      const frame = hostileFrame(r, i);
      kinds.set(frame.kind, (kinds.get(frame.kind) ?? 0) + 1);
      if (client.ws.readyState !== client.ws.OPEN) client = await RawClient.connect(url);
      client.ws.send(frame.data, { binary: frame.binary });
      // Every 100 messages, wait until the server worked through them (its queue is FIFO).
      if (i % 100 === 99) {
        const id = `sync-${i}`;
        client.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'get-version' }));
        await Promise.race([client.answer(id), client.closed]);
        client.received.length = 0;
        const now = memoryOf(child.pid as number);
        peakRss = Math.max(peakRss, now.rss);
        if (process.env['HOSTILE_TRACE']) process.stderr.write(`TRACE ${i + 1} rss ${now.rss.toFixed(0)} peak ${now.peak.toFixed(0)}\n`);
      }
    }
    if (client.ws.readyState !== client.ws.OPEN) client = await RawClient.connect(url);
    expect(await client.result('get-version')).toMatchObject({ major: 3 });
    const end = memoryOf(child.pid as number);
    if (process.env['HOSTILE_TRACE']) console.log({ baseline, end, peakRss, kinds });
    expect(child.exitCode).toBeNull();
    expect(stderr()).not.toMatch(/\n\s+at /);
    expect(end.rss - baseline.rss).toBeLessThan(300);
    expect(end.peak - baseline.rss).toBeLessThan(300);
    await client.close();
  }, 300_000);

  it('keeps no image buffer per distinct image size a client asks for', async () => {
    // Before: every new size left a shared pixel buffer in the render workers until their rare GC
    // (a hostile client alternating 8192x8192-ish sizes grew the server by gigabytes).
    const { child, url } = await serve(['--render-threads', '2', '--max-pixels', '1100x1000']);
    const client = await RawClient.connect(url);
    await client.call('snapshot', { image_settings: { size: [1000, 1000] } });
    const baseline = memoryOf(child.pid as number);
    const sizes = 30;
    for (let i = 1; i <= sizes; i += 1) {
      const answer = await client.call('snapshot', { image_settings: { size: [1000 + i, 1000] } });
      expect(answer.json?.['result']).toBeDefined();
      client.received.length = 0;
    }
    const end = memoryOf(child.pid as number);
    // 30 buffers of 4 MB each would be 120 MB.
    expect(end.rss - baseline.rss).toBeLessThan(60);
    await client.close();
  }, 300_000);
});
