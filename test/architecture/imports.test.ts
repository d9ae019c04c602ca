import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hook = fileURLToPath(new URL('./record-imports.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Every module URL a fresh node process resolves while running `code` (an ES module body). */
async function modulesLoadedBy(code: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rr-imports-'));
  dirs.push(dir);
  const record = join(dir, 'imports.txt');
  const child = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, RECORD_IMPORTS: record },
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return (await readFile(record, 'utf8')).split('\n').filter(Boolean);
}

describe('the workspace packages stay apart', () => {
  it('importing render-recipes loads neither the server package nor h5wasm', async () => {
    const loaded = await modulesLoadedBy("await import('render-recipes');");
    // The probe is real: the library itself was loaded.
    expect(loaded.some((url) => url.endsWith('/dist/index.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/packages/server/') || url.includes('@render-recipes/server'))).toEqual([]);
    expect(loaded.filter((url) => url.includes('/h5wasm/'))).toEqual([]);
  });

  it('the CLI answers --version without loading the server package, h5wasm, sharp or the runner', async () => {
    const loaded = await modulesLoadedBy("process.argv = [process.argv[0], 'render-recipes', '--version']; await import('./bin/render-recipes.js');");
    expect(loaded.some((url) => url.includes('/dist/cli/'))).toBe(true);
    expect(loaded.filter((url) => /\/packages\/server\/|\/h5wasm\/|\/sharp\/|\/dist\/run\//.test(url))).toEqual([]);
  });

  it('validate loads neither the runner, the Brayns client nor sharp', async () => {
    const loaded = await modulesLoadedBy("process.argv = [process.argv[0], 'render-recipes', 'validate', 'recipes/seed.yaml']; await import('./bin/render-recipes.js');");
    expect(loaded.some((url) => url.includes('/dist/recipe/'))).toBe(true);
    expect(loaded.filter((url) => /\/sharp\/|\/dist\/(run|brayns)\//.test(url))).toEqual([]);
  });

  it('validate range-checks GIDs against MVD3 and SONATA HDF5 files without loading h5wasm', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-gids-'));
    dirs.push(dir);
    const circuits = [
      ['mvd3', `path: ${JSON.stringify(join(root, 'samples/circuit/BlueConfig'))}\n  cells: {gids: [1, 2001]}`, /GID 2001 is past the last cell of the circuit \(\S+circuit\.mvd3 has 2000 cells\)/],
      ['sonata', `path: ${JSON.stringify(join(root, 'fixtures/real-circuits/sonata/5_cells_iclamp/circuit_config.json'))}\n  loader: sonata\n  cells: {targets: [biophysical], gids: [0, 5]}\n  report: {type: none}`, /node id 5 is past the last node of population `biophysical` \(5 nodes\)/],
    ] as const;
    for (const [name, circuit, problem] of circuits) {
      const file = join(dir, `${name}.yaml`);
      await writeFile(file, `version: 1\nname: ${name}\ncircuit:\n  ${circuit}\nresolution: [64, 48]\n`);
      // The GID past the end proves the cell count was read; validate's report of it is captured
      // (and checked at exit) so that the process itself exits 0 with nothing on stderr.
      const loaded = await modulesLoadedBy(`
        let said = '';
        process.stderr.write = (chunk) => { said += chunk; return true; };
        process.on('beforeExit', () => {
          if (process.exitCode !== 2 || !${problem.toString()}.test(said)) { process.exitCode = 9; console.log(said); }
          else process.exitCode = 0;
        });
        process.argv = [process.argv[0], 'render-recipes', 'validate', ${JSON.stringify(file)}];
        await import('./bin/render-recipes.js');`);
      expect(loaded.some((url) => url.includes('/hdf5-header.js')), name).toBe(true);
      expect(loaded.filter((url) => url.includes('/h5wasm/')), name).toEqual([]);
    }
  });

  it("the server's circuit readers (preflight) load h5wasm only when they open an HDF5 file", async () => {
    const loaded = await modulesLoadedBy("await import('@render-recipes/server/circuit');");
    expect(loaded.some((url) => url.includes('/packages/server/dist/'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/h5wasm/'))).toEqual([]);
  });

  it('the server package loads without the render-recipes library', async () => {
    const loaded = await modulesLoadedBy("await import('@render-recipes/server');");
    expect(loaded.some((url) => url.includes('/packages/server/dist/'))).toBe(true);
    expect(loaded.filter((url) => url.startsWith(`file://${root}dist/`))).toEqual([]);
  });
});
