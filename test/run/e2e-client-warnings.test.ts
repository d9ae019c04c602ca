import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@render-recipes/server';
import { SAMPLE_CIRCUIT, spawnCli } from './helpers/e2e.js';

/**
 * What the Brayns client warns about reaches the user of `run`: a 2.0.0 server (R1) cannot take a
 * density together with explicit gids, so the client loads all the gids and says so. Before the
 * client's events were forwarded, `run` connected without listening and the warning was lost.
 */
let dir: string;
let old: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-client-warnings-'));
  old = await startServer({ api: '2.0.0' });
});
afterAll(async () => {
  await old.close();
  await rm(dir, { recursive: true, force: true });
});

async function gidsWithDensity(): Promise<string> {
  const file = join(dir, 'gids.yaml');
  await writeFile(file, `version: 1\nname: gids\ncircuit:\n  path: ${JSON.stringify(SAMPLE_CIRCUIT)}\n  cells: {gids: [1, 2, 3], density: 0.5}\nresolution: [64, 48]\noutput: {path: "{name}.png"}\n`);
  return file;
}

describe('client warnings during run', () => {
  it('are one JSON event each with --json, naming the instance', async () => {
    const run = spawnCli(['run', await gidsWithDensity(), '--out', join(dir, 'json'), '--instance', old.url, '--json'], dir);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const adjusted = run.events.filter((e) => e.code === 'brayns.loader.adjusted');
    expect(adjusted).toHaveLength(1);
    expect(adjusted[0]).toMatchObject({ level: 'warn', data: { uri: old.url } });
    expect(adjusted[0]?.message).toBe(`${old.url}: density 0.5 is ignored with explicit gids (loading all 3 of them)`);
    // Every line has the one event shape, the CLI's own notes included.
    for (const e of run.events) expect(Object.keys(e).sort()).toEqual(['code', 'data', 'level', 'message']);
  });

  it('are printed on stderr without --json', async () => {
    const result = await spawnCli(['run', await gidsWithDensity(), '--out', join(dir, 'text'), '--instance', old.url], dir).done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${old.url}: density 0.5 is ignored with explicit gids (loading all 3 of them)`);
    expect(result.stdout).toBe('');
  });
});
