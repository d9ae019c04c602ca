import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@render-recipes/server';
import { readManifest } from '../../src/output/manifest.js';
import { SAMPLE_CIRCUIT, spawnCli } from '../run/helpers/e2e.js';

/**
 * `run` says how many cells each scene loaded, as the server counted them, with the density asked
 * for: in the log line, in the --json event and in the manifest. The sample circuit has 2000 cells.
 */
let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-cell-count-'));
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function recipe(name: string, cells: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `version: 1\nname: ${name}\ncircuit:\n  path: ${JSON.stringify(SAMPLE_CIRCUIT)}\n  cells: ${cells}\nresolution: [64, 48]\noutput: {path: "{name}.png"}\n`);
  return file;
}

describe('cells loaded per scene', () => {
  it('are printed, sent in --json events and kept in the manifest', async () => {
    const tenth = await recipe('tenth', '{density: 0.1}');
    const three = await recipe('three', '{gids: [1, 2, 3]}');
    const out = join(dir, 'out');
    const run = spawnCli(['run', tenth, three, '--out', out, '--instance', server.url, '--json'], dir);
    const json = await run.done;
    expect(json.code, json.stderr).toBe(0);
    const loaded = run.events.filter((e) => e.code === 'scene.loaded').map((e) => [e.data.cells, e.data.density]).sort();
    expect(loaded).toEqual([[200, 0.1], [3, 1]]);
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.scenes?.map((s) => [s.cells, s.density]).sort()).toEqual([[200, 0.1], [3, 1]]);

    const text = await spawnCli(['run', tenth, '--out', join(dir, 'again'), '--instance', server.url], dir).done;
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr + text.stdout).toMatch(/loaded scene [0-9a-f]{12} in \d+ ms: 200 cells \(density 0\.1 requested\)/);
  });
});

describe('a SONATA recipe against a 2.0.0 server', () => {
  it('exits 5 (the server lacks the SONATA loader) before any task, without rendering anything', async () => {
    const old = await startServer({ api: '2.0.0' });
    try {
      const sim = join(SAMPLE_CIRCUIT, '../../../fixtures/real-circuits/sonata/5_cells_iclamp/simulation_config.json');
      const file = join(dir, 'sonata.yaml');
      await writeFile(file, `version: 1\nname: sonata\ncircuit:\n  path: ${JSON.stringify(sim)}\n  loader: sonata\n  cells: {targets: [biophysical]}\nresolution: [64, 48]\n`);
      const run = spawnCli(['run', file, '--out', join(dir, 'sonata-out'), '--instance', old.url, '--json'], dir);
      const result = await run.done;
      expect(result.code, result.stderr).toBe(5);
      // Refused at connect from the server's own get-loaders: no task was given to it.
      expect(run.events.some((e) => e.code === 'task.started' || e.code === 'task.failed')).toBe(false);
      expect(run.events.find((e) => e.code === 'instance.down')?.message).toContain('the plan loads it with the "SONATA loader", which this server (Brayns 2.0.0) does not have');
    } finally {
      await old.close();
    }
  });
});
