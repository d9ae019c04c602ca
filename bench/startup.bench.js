#!/usr/bin/env node
// Benchmark: CLI start-up. Wall time of `render-recipes --version` and `render-recipes validate
// recipes/seed.yaml` against a bare `node -e 0` measured in the same run, interleaved (one of each
// per round, so a busy machine slows all three alike); medians of ROUNDS.
// Goals (issue 10): --version within 2.5x and validate within 4x of the bare node start.
// Reproduce: npm run build && node bench/startup.bench.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bySize, sizeFlag, smoke } from './mode.js';

const ROUNDS = Number(process.env.ROUNDS ?? bySize(5, 5, 1));
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = 'bin/render-recipes.js';
// The seed recipe with GIDs instead of a density: preflight then range-checks them against the
// cell count of the sample's circuit.mvd3 (an HDF5 file), read from its structure without h5wasm.
const scratch = mkdtempSync(join(tmpdir(), 'rr-startup-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const gidsRecipe = join(scratch, 'gids.yaml');
writeFileSync(gidsRecipe, `version: 1\nname: gids\ncircuit:\n  path: ${JSON.stringify(join(root, 'samples/circuit/BlueConfig'))}\n  cells: {gids: [1, 2, 3]}\nresolution: [64, 48]\n`);

const CASES = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'render-recipes --version', args: [bin, '--version'], goal: 2.5 },
  { name: 'render-recipes validate recipes/seed.yaml', args: [bin, 'validate', 'recipes/seed.yaml'], goal: 4 },
  { name: 'render-recipes validate gids.yaml (MVD3 cell count)', args: [bin, 'validate', gidsRecipe], goal: 4 },
  // Without opening the circuit's files.
  { name: 'render-recipes validate --no-preflight recipes/seed.yaml', args: [bin, 'validate', '--no-preflight', 'recipes/seed.yaml'], goal: 4 },
];

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = CASES.map(() => []);
for (const [i, c] of CASES.entries()) timeOnce(c.args); // warm the file cache
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [i, c] of CASES.entries()) samples[i].push(timeOnce(c.args));
}
const base = median(samples[0]);
console.log(`node ${process.version}, load ${loadavg()[0].toFixed(1)}, medians of ${ROUNDS} interleaved runs\n`);
console.log('| command | median ms | ratio to node -e 0 | goal |');
console.log('|---|---|---|---|');
let missed = 0;
for (const [i, c] of CASES.entries()) {
  const ms = median(samples[i]);
  const ratio = ms / base;
  const verdict = c.goal === undefined ? '' : `${ratio <= c.goal ? 'met' : 'MISSED'} (<= ${c.goal}x)`;
  if (c.goal !== undefined && ratio > c.goal) missed += 1;
  console.log(`| \`${c.name}\` | ${ms.toFixed(0)} | ${ratio.toFixed(2)} | ${verdict} |`);
}
console.log(`\nReproduce: npm run build && node bench/startup.bench.js${sizeFlag}`);
// A smoke run's figures mean nothing, so they cannot miss a goal.
process.exitCode = missed === 0 || smoke ? 0 : 1;
