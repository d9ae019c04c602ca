import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../packages/server/test/protocol/raw-client.js';

/**
 * What a `render-recipes serve` process holds besides the scene (issue 16: 1,000,000 spheres under
 * 250 MB): the real bin, with a preload that records which modules it resolves and, at exit, the
 * size of V8's young generation.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-serve-footprint-'));
  await writeFile(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.RR_RESOLVED_LOG, resolved.url + '\\n');
  return resolved;
}
`,
  );
  await writeFile(
    join(dir, 'preload.mjs'),
    `import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
register(new URL('./hooks.mjs', import.meta.url));
process.on('exit', () => {
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  writeFileSync(process.env.RR_HEAP_LOG, JSON.stringify({ youngBytes: young.space_size }));
});
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts serve with the preload, runs `use` against it, stops it with SIGTERM; returns the logs. */
async function withServe(name: string, use: (client: RawClient) => Promise<void>): Promise<{ resolved: string[]; youngBytes: number }> {
  const resolvedLog = join(dir, `${name}-resolved.txt`);
  const heapLog = join(dir, `${name}-heap.json`);
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'preload.mjs')).href, 'bin/render-recipes.js', 'serve', '--port', '0'], {
    cwd: root,
    env: { ...process.env, RR_RESOLVED_LOG: resolvedLog, RR_HEAP_LOG: heapLog },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (ws:\/\/\S+)/.exec(stdout);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', () => reject(new Error(`serve exited before its ready line; stderr: ${stderr}`)));
    });
    const client = await RawClient.connect(url);
    await use(client);
    await client.close();
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exit).toBe(0);
  const resolved = (await readFile(resolvedLog, 'utf8')).split('\n').filter(Boolean);
  const { youngBytes } = JSON.parse(await readFile(heapLog, 'utf8')) as { youngBytes: number };
  return { resolved, youngBytes };
}

describe('render-recipes serve footprint', () => {
  it('does not load h5wasm (~30 MB of WebAssembly) until an HDF5 file is read', async () => {
    const { resolved } = await withServe('idle', async (client) => {
      expect(await client.result('get-version')).toMatchObject({ major: 3 });
    });
    // The preload saw the server package load (so the log is live), but not h5wasm.
    expect(resolved.some((url) => url.includes('/packages/server/dist/'))).toBe(true);
    expect(resolved.filter((url) => url.includes('h5wasm'))).toEqual([]);
  });

  it('keeps the young generation small after an 8 MB add-spheres message', async () => {
    const spheres = Array.from({ length: 100_000 }, (_, i) => ({
      geometry: { center: [i % 100, Math.floor(i / 100) % 100, Math.floor(i / 10_000)], radius: 0.5 },
      color: [0.9, 0.8, 0.7, 1],
    }));
    const { youngBytes } = await withServe('bulk', async (client) => {
      const added = await client.result<{ bounds: unknown }>('add-spheres', spheres);
      expect(added).toHaveProperty('bounds');
    });
    // V8's default grows it to two 16 MB semi-spaces on such a message (32 MB resident for good).
    expect(youngBytes).toBeLessThanOrEqual(4 * 2 ** 20);
  });
});
