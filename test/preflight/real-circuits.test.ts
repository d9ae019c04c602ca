import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CircuitFiles, FileCache } from '../../src/preflight/index.js';
import { preflightRecipes } from '../../src/preflight/index.js';
import { loadRecipes } from '../../src/recipe/index.js';

/**
 * Preflight on real public circuits: bluepy's BBP test circuit (MVD3/MVD2, target files, out.dat and
 * SONATA spikes) and the Allen Institute's 5-cell SONATA example (node sets, simulation config,
 * spikes). Each mistake must stop `validate`, `plan` and `run` with exit 2 at the recipe's line,
 * before any server starts or any file is written.
 */

const REAL = fileURLToPath(new URL('../../fixtures/real-circuits/', import.meta.url));
const BBP = join(REAL, 'bluepy/BlueConfig');
const BBP_MVD2 = join(REAL, 'bluepy/BlueConfig.mvd2');
const SONATA_SIM = join(REAL, 'sonata/5_cells_iclamp/simulation_config.json');
const SONATA_CIRCUIT = join(REAL, 'sonata/5_cells_iclamp/circuit_config.json');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'rr preflight '));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, env: { ...process.env, NO_COLOR: '1' }, cwd, signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A recipe file whose `circuit:` block is `circuit` (indented by the caller) and extra top-level lines. */
async function recipe(file: string, circuit: string, extra = ''): Promise<string> {
  await writeFile(join(cwd, file), `version: 1\nname: ${file.replace(/\.yaml$/, '')}\ncircuit:\n${circuit}${extra}`);
  return file;
}

const cases: Array<{ name: string; circuit: string; extra?: string; at: string; code: string; text: RegExp }> = [
  {
    name: 'BBP: a missing circuit config',
    circuit: `  path: ${join(REAL, 'bluepy/NoSuchConfig')}\n`,
    at: ':4:9',
    code: 'CIRCUIT_NOT_FOUND',
    text: /does not exist/,
  },
  {
    name: 'BBP: a target that does not exist, with the closest name',
    circuit: `  path: ${BBP}\n  cells: {targets: [Y, x]}\n`,
    at: ':5:24',
    code: 'UNKNOWN_TARGET',
    text: /target `x` does not exist[\s\S]*did you mean `X`\?/,
  },
  {
    name: 'BBP: a GID past the last cell of the MVD3 file',
    circuit: `  path: ${BBP}\n  cells: {gids: [1, 3, 4]}\n`,
    at: ':5:24',
    code: 'GID_OUT_OF_RANGE',
    text: /GID 4 is past the last cell of the circuit \(.*circuit\.mvd3 has 3 cells\)/,
  },
  {
    name: 'BBP: a GID past the last cell of the MVD2 file',
    circuit: `  path: ${BBP_MVD2}\n  cells: {gids: [7]}\n`,
    at: ':5:18',
    code: 'GID_OUT_OF_RANGE',
    text: /circuit\.mvd2 has 3 cells/,
  },
  {
    name: 'BBP: gid 0',
    circuit: `  path: ${BBP}\n  cells: {gids: [0]}\n`,
    at: ':5:18',
    code: 'OUT_OF_RANGE',
    text: /BBP GIDs start at 1/,
  },
  {
    name: 'BBP: the SONATA loader on a BlueConfig',
    circuit: `  path: ${BBP}\n  loader: sonata\n  cells: {targets: [All]}\n`,
    at: ':4:9',
    code: 'CIRCUIT_KIND',
    text: /set `loader: bbp`/,
  },
  {
    name: 'BBP: frames after the end of the spike report',
    circuit: `  path: ${BBP}\n  report: {type: spikes}\n`,
    extra: 'frames: [0, 1000001]\n',
    at: ':6:9',
    code: 'FRAMES_BEYOND_REPORT',
    text: /1 of 2 frames are after the end of the report \(10000\.000001 ms/,
  },
  {
    name: 'BBP: a compartment report the BlueConfig does not define',
    circuit: `  path: ${BBP}\n  report: {type: compartment, name: soma}\n`,
    at: ':5:37',
    code: 'REPORT_NOT_FOUND',
    text: /report `soma` does not exist/,
  },
  {
    name: 'SONATA: the BBP loader on a circuit_config.json',
    circuit: `  path: ${SONATA_CIRCUIT}\n`,
    at: ':4:9',
    code: 'CIRCUIT_KIND',
    text: /set `loader: sonata`/,
  },
  {
    name: 'SONATA: no targets (populations) at all',
    circuit: `  path: ${SONATA_CIRCUIT}\n  loader: sonata\n`,
    at: ':3:1',
    code: 'MISSING_FIELD',
    text: /name them in `circuit.cells.targets`/,
  },
  {
    name: 'SONATA: a population typo, with the populations that exist',
    circuit: `  path: ${SONATA_CIRCUIT}\n  loader: sonata\n  cells: {targets: [biophysicl]}\n`,
    at: ':6:21',
    code: 'UNKNOWN_POPULATION',
    text: /did you mean `biophysical`\? node populations that exist: `biophysical`/,
  },
  {
    name: 'SONATA: a node set that does not exist',
    circuit: `  path: ${SONATA_SIM}\n  loader: sonata\n  cells: {targets: ["biophysical:biophys_cell"]}\n`,
    at: ':6:21',
    code: 'UNKNOWN_NODE_SET',
    text: /node set `biophys_cell` does not exist[\s\S]*did you mean `biophys_cells`\?/,
  },
  {
    name: 'SONATA: a node id past the population',
    circuit: `  path: ${SONATA_CIRCUIT}\n  loader: sonata\n  cells: {targets: [biophysical], gids: [0, 5]}\n`,
    at: ':6:45',
    code: 'GID_OUT_OF_RANGE',
    text: /node id 5 is past the last node of population `biophysical` \(5 nodes\)/,
  },
  {
    name: 'SONATA: spikes from a circuit config (no simulation output)',
    circuit: `  path: ${SONATA_CIRCUIT}\n  loader: sonata\n  cells: {targets: [biophysical]}\n  report: {type: spikes}\n`,
    at: ':7:18',
    code: 'REPORT_NOT_FOUND',
    text: /is a circuit config/,
  },
  {
    name: 'SONATA: frames after the end of the spikes',
    circuit: `  path: ${SONATA_SIM}\n  loader: sonata\n  cells: {targets: [biophysical]}\n  report: {type: spikes}\n`,
    extra: 'frames: {start_ms: 2900, stop_ms: 3100, step_ms: 100}\n',
    at: ':8:9',
    code: 'FRAMES_BEYOND_REPORT',
    text: /2 of 3 frames are after the end of the report \(2999\.6 ms/,
  },  {
    name: "SONATA: frames after a real compartment report's last frame (Allen membrane_potential, 40000 frames)",
    circuit: `  path: ${SONATA_SIM}\n  loader: sonata\n  cells: {targets: [biophysical]}\n  report: {type: compartment, name: membrane_potential}\n`,
    extra: 'frames: [0, 39999, 40000]\n',
    at: ':8:9',
    code: 'FRAMES_BEYOND_REPORT',
    text: /1 of 3 frames are after the end of the report \(its last frame, 39999 at 3999\.9 ms, .*membrane_potential\.h5\)/,
  },
];

/**
 * Mistakes in a circuit's own config rather than in the recipe: configs written next to the recipe
 * that point at the real files except for the one path that is wrong.
 */
const NEURODAMUS = join(REAL, 'neurodamus/mini_v6');
/** bluepy's cells with neurodamus' real .bbp reports (OutputRoot) under their BlueConfig names. */
const withReports = (outputRoot: string): string =>
  `Run Default\n{\n  CircuitPath ${join(REAL, 'bluepy')}\n  nrnPath .\n  CellLibraryFile circuit.mvd3\n  TargetFile ${join(REAL, 'bluepy/A.target')}\n  OutputRoot ${outputRoot}\n}\nReport soma\n{\n  Type compartment\n  Format Bin\n  Dt 1\n}\n`;

const brokenConfigs: Array<{ name: string; file: string; config: string; circuit: (path: string) => string; extra?: string; at: string; code: string; text: RegExp }> = [
  {
    name: 'BBP: a compartment report whose .bbp file does not exist',
    file: 'BlueConfig',
    config: withReports(join(NEURODAMUS, 'no-such-results')),
    circuit: (path) => `  path: ${path}\n  report: {type: compartment, name: soma}\n`,
    at: ':5:37',
    code: 'REPORT_NOT_FOUND',
    text: /no-such-results\/soma\.bbp/,
  },
  {
    name: 'BBP: frames after the end of a real compartment report (neurodamus soma.bbp, 100 ms)',
    file: 'BlueConfig',
    config: withReports(join(NEURODAMUS, 'results')),
    circuit: (path) => `  path: ${path}\n  report: {type: compartment, name: soma}\n`,
    extra: 'frames: {start: 90, stop: 110, step: 5}\n',
    at: ':6:9',
    code: 'FRAMES_BEYOND_REPORT',
    text: /3 of 5 frames are after the end of the report \(its last frame, 99 at 99 ms, .*results\/soma\.bbp\)/,
  },
  {
    name: 'BBP: a spike report that does not exist',
    file: 'BlueConfig',
    config: `Run Default\n{\n  CircuitPath ${join(REAL, 'bluepy')}\n  nrnPath .\n  CellLibraryFile circuit.mvd3\n  TargetFile ${join(REAL, 'bluepy/A.target')}\n  OutputRoot ${join(REAL, 'bluepy/no-such-output')}\n  SpikesPath ${join(REAL, 'bluepy/no-such-output/out.dat')}\n}\n`,
    circuit: (path) => `  path: ${path}\n  report: {type: spikes}\n`,
    at: ':5:18',
    code: 'REPORT_NOT_FOUND',
    text: /no-such-output/,
  },
  {
    name: 'BBP: morphologies asked for, morphology folder missing',
    file: 'BlueConfig',
    config: `Run Default\n{\n  CircuitPath ${join(REAL, 'bluepy')}\n  nrnPath .\n  CellLibraryFile circuit.mvd3\n  MorphologyPath ${join(REAL, 'bluepy/no-such-morphs')}\n  TargetFile ${join(REAL, 'bluepy/A.target')}\n}\n`,
    circuit: (path) => `  path: ${path}\n  morphology: {soma: true, dendrites: true}\n`,
    at: ':5:',
    code: 'MORPHOLOGY_NOT_FOUND',
    text: /no-such-morphs/,
  },
  {
    name: 'SONATA: morphologies asked for, morphologies_dir missing',
    file: 'circuit_config.json',
    config: JSON.stringify({
      manifest: { $BASE_DIR: join(REAL, 'sonata/5_cells_iclamp') },
      components: { morphologies_dir: join(REAL, 'sonata/no-such-morphologies') },
      networks: { nodes: [{ nodes_file: '$BASE_DIR/network/biophysical_nodes.h5', node_types_file: '$BASE_DIR/network/biophysical_node_types.csv' }] },
    }),
    circuit: (path) => `  path: ${path}\n  loader: sonata\n  cells: {targets: [biophysical]}\n  morphology: {soma: true, dendrites: true}\n`,
    at: ':7:',
    code: 'MORPHOLOGY_NOT_FOUND',
    text: /no-such-morphologies/,
  },
  {
    name: 'SONATA: a circuit config that does not exist',
    file: 'elsewhere/circuit_config.json',
    config: '',
    circuit: () => `  path: ${join(REAL, 'sonata/5_cells_iclamp/no_such_config.json')}\n  loader: sonata\n  cells: {targets: [biophysical]}\n`,
    at: ':4:9',
    code: 'CIRCUIT_NOT_FOUND',
    text: /no_such_config\.json does not exist/,
  },
];

describe('preflight on real BBP and SONATA circuits', () => {
  it.each(brokenConfigs)('$name: validate exits 2 at the recipe line', async ({ file, config, circuit, extra, at, code, text }) => {
    if (config !== '') await writeFile(join(cwd, file), config);
    const result = await cli(['validate', await recipe('figure.yaml', circuit(join(cwd, file)), extra)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`figure.yaml${at}`);
    expect(result.stderr).toContain(`[${code}]`);
    expect(result.stderr).toMatch(text);
  });

  it.each(cases)('$name: validate exits 2 at the recipe line', async ({ circuit, extra, at, code, text }) => {
    const file = await recipe('figure.yaml', circuit, extra);
    const result = await cli(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`figure.yaml${at}:`);
    expect(result.stderr).toContain(`[${code}]`);
    expect(result.stderr).toMatch(text);
    expect(result.stdout).not.toContain('ok figure.yaml');
  });

  it('passes the same circuits when the recipes are right', async () => {
    await recipe('bbp.yaml', `  path: ${BBP}\n  cells: {targets: [X, Y], density: 0.5}\n  report: {type: spikes}\n  morphology: {soma: true}\n`, 'frames: [0, 1000000]\n');
    await recipe('mvd2.yaml', `  path: ${BBP_MVD2}\n  cells: {gids: [1, 2, 3]}\n  report: {type: spikes}\n`);
    await recipe('sonata.yaml', `  path: ${SONATA_SIM}\n  loader: sonata\n  cells: {targets: ["biophysical:biophys_cells"], gids: [4]}\n  report: {type: spikes}\n  morphology: {soma: true, dendrites: true}\n`, 'frames: {start_ms: 0, stop_ms: 2999, step_ms: 500}\n');
    const result = await cli(['validate', '.']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('ok bbp.yaml');
    expect(result.stdout).toContain('ok mvd2.yaml');
    expect(result.stdout).toContain('ok sonata.yaml');
    expect(result.code).toBe(0);
  });

  it('passes a compartment report whose frames are within the real .bbp file', async () => {
    await writeFile(join(cwd, 'BlueConfig'), withReports(join(NEURODAMUS, 'results')));
    const file = await recipe('soma.yaml', `  path: ${join(cwd, 'BlueConfig')}\n  report: {type: compartment, name: soma}\n`, 'frames: {start: 0, stop: 99, step: 3}\n');
    const result = await cli(['validate', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reports every problem of every recipe in one pass', async () => {
    await recipe('one.yaml', `  path: ${BBP}\n  cells: {targets: [Nope], gids: [9]}\n`);
    await recipe('two.yaml', `  path: ${SONATA_SIM}\n  loader: sonata\n  cells: {targets: [biophysicl, "biophysical:none"]}\n`);
    const result = await cli(['validate', '.']);
    expect(result.code).toBe(2);
    for (const code of ['UNKNOWN_TARGET', 'GID_OUT_OF_RANGE', 'UNKNOWN_POPULATION', 'UNKNOWN_NODE_SET']) expect(result.stderr).toContain(`[${code}]`);
    expect(result.stderr).toContain('4 errors in 2 files');
  });

  it('a mistake in a matrix value points at that value', async () => {
    await recipe('sweep.yaml', `  path: ${BBP}\n`, 'matrix:\n  targets: [[X], [Z]]\n');
    const result = await cli(['validate', 'sweep.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sweep.yaml:6:19: target `Z` does not exist');
  });

  it('plan and run exit 2 before any server starts, and write nothing', async () => {
    const file = await recipe('figure.yaml', `  path: ${BBP}\n  cells: {targets: [Layer5]}\n`);
    const plan = await cli(['plan', file, '--out', 'renders']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('figure.yaml:5:21: target `Layer5` does not exist');
    const run = await cli(['run', file, '--out', 'renders', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('figure.yaml:5:21:');
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain('started');
    expect(await readdir(cwd)).toEqual(['figure.yaml']);
  });

  it('--allow-frames-beyond-report makes late frames a warning', async () => {
    const file = await recipe('late.yaml', `  path: ${BBP}\n  report: {type: spikes}\n`, 'frames: [0, 1000001]\n');
    const result = await cli(['validate', file, '--allow-frames-beyond-report']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok late.yaml');
    expect(result.stderr).toContain('warning');
    expect(result.stderr).toContain('[FRAMES_BEYOND_REPORT]');
  });

  it('--no-preflight and circuit.preflight: false leave paths only the Brayns host sees alone', async () => {
    const remote = await recipe('remote.yaml', '  path: /gpfs/bbp/circuits/O1/CircuitConfig\n');
    expect((await cli(['validate', remote])).code).toBe(2);
    expect((await cli(['validate', remote, '--no-preflight'])).code).toBe(0);
    const flagged = await recipe('flagged.yaml', '  path: /gpfs/bbp/circuits/O1/CircuitConfig\n  preflight: false\n');
    const result = await cli(['validate', flagged]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('reads each file once per run: a second pass over the same recipes opens nothing new', async () => {
    await recipe('a.yaml', `  path: ${BBP}\n  cells: {targets: [X], gids: [1]}\n  report: {type: spikes}\n`);
    await recipe('b.yaml', `  path: ${BBP}\n  cells: {targets: [Y], gids: [2]}\n  report: {type: spikes}\n`);
    const { recipes } = await loadRecipes(['.'], { cwd });
    const cache = new FileCache();
    const files = new CircuitFiles(cache);
    expect(await preflightRecipes(recipes, { files })).toEqual([]);
    const readings = cache.size;
    // kind, BlueConfig, cell count, targets, spikes: one each for both recipes.
    expect(readings).toBe(5);
    expect(await preflightRecipes(recipes, { files })).toEqual([]);
    expect(cache.size).toBe(readings);
  });
});
