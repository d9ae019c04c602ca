#!/usr/bin/env node
// Benchmark: preflight on a large generated circuit (issue 11): 1,000,000 cells (MVD3, and the same
// as MVD2 text), a start.target of 10,000 targets (100 cells each) and an out.dat of 1,000,000 spikes.
// Measured: `render-recipes validate` on a recipe naming a target, gids, spikes and frames (the whole
// command, process start included) and preflight alone in-process, cold and then with the run's cache;
// the baseline, in the same run, is what the server's loader reads on the same files (whole cell table,
// resolved target, whole spike report). Goal: validate under 2 s.
// Reproduce: npm run build && node bench/preflight.bench.js [--smoke]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { bySize, sizeFlag, smoke } from './mode.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CELLS = Number(process.env.CELLS ?? bySize(1_000_000, 1_000_000, 10_000));
const TARGETS = Number(process.env.TARGETS ?? bySize(10_000, 10_000, 100));
const SPIKES = Number(process.env.SPIKES ?? bySize(1_000_000, 1_000_000, 10_000));
// Frames every 10 ms (1,000 report steps of 0.01 ms) up to 990 ms, within the spikes' span.
const LAST_FRAME = Math.min(99_000, Math.floor(SPIKES / 1000) * 1000 - 1000);
const dir = mkdtempSync(join(tmpdir(), 'rr-preflight-bench-'));

function generate() {
  const positions = new Float64Array(CELLS * 3);
  for (let i = 0; i < positions.length; i++) positions[i] = (i * 7919) % 2000;
  const orientations = new Float64Array(CELLS * 4);
  for (let i = 0; i < CELLS; i++) orientations[i * 4 + 3] = 1;
  const file = new h5wasm.File(join(dir, 'circuit.mvd3'), 'w');
  const cells = file.create_group('cells');
  cells.create_dataset({ name: 'positions', data: positions, shape: [CELLS, 3] });
  cells.create_dataset({ name: 'orientations', data: orientations, shape: [CELLS, 4] });
  cells.create_group('properties').create_dataset({ name: 'morphology', data: new Uint32Array(CELLS) });
  file.create_group('library').create_dataset({ name: 'morphology', data: ['morph-0'] });
  file.close();
  const mvd2 = ['Neurons Loaded'];
  for (let i = 0; i < CELLS; i++) mvd2.push(`morph-0 0 0 0 1 L1_X cNA ${i % 2000} ${(i * 3) % 2000} ${(i * 7) % 2000} 0 me-0`);
  writeFileSync(join(dir, 'circuit.mvd2'), `${mvd2.join('\n')}\n`);
  const per = Math.floor(CELLS / TARGETS);
  const targets = [];
  for (let t = 0; t < TARGETS; t++) {
    const members = [];
    for (let k = 0; k < per; k++) members.push(`a${t * per + k + 1}`);
    targets.push(`Target Cell target_${t}\n{\n  ${members.join(' ')}\n}\n`);
  }
  writeFileSync(join(dir, 'start.target'), targets.join('\n'));
  const spikes = ['/scatter'];
  for (let s = 0; s < SPIKES; s++) spikes.push(`${((s * 0.01) % 1000).toFixed(3)}\t${(s % CELLS) + 1}`);
  writeFileSync(join(dir, 'out.dat'), `${spikes.join('\n')}\n`);
  writeFileSync(join(dir, 'BlueConfig'), 'Run Default\n{\n  CircuitPath .\n  nrnPath .\n  OutputRoot .\n  CircuitTarget target_0\n}\n');
  writeFileSync(join(dir, 'BlueConfig.mvd2'), 'Run Default\n{\n  CircuitPath circuit.mvd2\n  nrnPath .\n  OutputRoot .\n}\n');
  for (const [name, config] of [['mvd3', 'BlueConfig'], ['mvd2', 'BlueConfig.mvd2']]) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `version: 1\nname: large-${name}\ncircuit:\n  path: ${config}\n  cells: {targets: [target_${TARGETS - 1}], gids: [1, ${CELLS}]}\n  report: {type: spikes}\nframes: {start: 0, stop: ${LAST_FRAME}, step: 1000}\n`,
    );
  }
}

function ms(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function validate(recipe) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(root, 'bin/render-recipes.js'), 'validate', recipe], { cwd: dir, encoding: 'utf8' });
  const wall = ms(start);
  if (result.status !== 0) throw new Error(`validate ${recipe} exited ${result.status}: ${result.stderr}`);
  return wall;
}

await h5wasm.ready;
const genStart = process.hrtime.bigint();
generate();
const genMs = ms(genStart);

const { loadRecipes } = await import(join(root, 'dist/recipe/index.js'));
const { preflightRecipes, CircuitFiles } = await import(join(root, 'dist/preflight/index.js'));
const server = (path) => import(join(root, 'packages/server/dist/scene', path));
const { readBlueConfig } = await server('blueconfig.js');
const { readCircuitCells } = await server('cells/index.js');
const { loadTargets } = await server('targets.js');
const { readSpikeReport } = await server('spikes/index.js');

const rows = [];
for (const kind of ['mvd3', 'mvd2']) {
  const { recipes, diagnostics } = await loadRecipes([`${kind}.yaml`], { cwd: dir });
  if (diagnostics.length > 0) throw new Error(JSON.stringify(diagnostics));
  const files = new CircuitFiles();
  let start = process.hrtime.bigint();
  const found = await preflightRecipes(recipes, { files });
  const cold = ms(start);
  if (found.length > 0) throw new Error(JSON.stringify(found));
  start = process.hrtime.bigint();
  await preflightRecipes(recipes, { files });
  const warm = ms(start);
  // Baseline: what the loader itself reads from the same files.
  start = process.hrtime.bigint();
  const config = await readBlueConfig(join(dir, kind === 'mvd3' ? 'BlueConfig' : 'BlueConfig.mvd2'));
  const signal = new AbortController().signal;
  await readCircuitCells(config, signal, () => undefined);
  (await loadTargets(config)).resolve(`target_${TARGETS - 1}`);
  await readSpikeReport(config, signal, () => undefined);
  const loader = ms(start);
  const wall = validate(`${kind}.yaml`);
  rows.push({ kind, cold, warm, loader, wall });
}
rmSync(dir, { recursive: true, force: true });

console.log(`node ${process.version}, load ${loadavg()[0].toFixed(1)}; ${CELLS.toLocaleString('en')} cells, ${TARGETS.toLocaleString('en')} targets, ${SPIKES.toLocaleString('en')} spikes (generated in ${(genMs / 1000).toFixed(1)} s)\n`);
console.log('| cell file | `validate` wall (ms, process included) | preflight cold (ms) | preflight again, cached (ms) | baseline: the loader reading the same files (ms) | preflight / loader | goal (validate < 2000 ms) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
let missed = 0;
for (const r of rows) {
  const met = r.wall < 2000;
  if (!met) missed += 1;
  console.log(`| ${r.kind} | ${r.wall.toFixed(0)} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(1)} | ${r.loader.toFixed(0)} | ${(r.cold / r.loader).toFixed(2)}x | ${met ? 'met' : 'MISSED'} |`);
}
console.log(`\nReproduce: npm run build && node bench/preflight.bench.js${sizeFlag}`);
// A smoke run's figures mean nothing, so they cannot miss a goal.
process.exitCode = missed === 0 || smoke ? 0 : 1;
