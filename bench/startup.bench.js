#!/usr/bin/env node
// Benchmark: CLI start-up. Wall time of `render-recipes --version` and `render-recipes validate
// recipes/seed.yaml` against a bare `node -e 0` measured in the same run, interleaved (one of each
// per round, so a busy machine slows all three alike); medians of ROUNDS.
// Goals (issue 10): --version within 2.5x and validate within 4x of the bare node start.
// Reproduce: npm run build && node bench/startup.bench.js
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = 'bin/render-recipes.js';

const CASES = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'render-recipes --version', args: [bin, '--version'], goal: 2.5 },
  { name: 'render-recipes validate recipes/seed.yaml', args: [bin, 'validate', 'recipes/seed.yaml'], goal: 4 },
  // Without opening the circuit's files (preflight reads the MVD3 header through h5wasm).
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
console.log(`\nReproduce: npm run build && node bench/startup.bench.js`);
process.exitCode = missed === 0 ? 0 : 1;
