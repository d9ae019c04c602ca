#!/usr/bin/env node
// Benchmark: `render-recipes run` against the usage page's Python loop (the Brayns Python client
// saving one snapshot per frame), the same 50 images of the sample circuit on the same built-in
// server (`render-recipes serve --api 3.10.1`, one instance), wall time of each whole process,
// interleaved rounds, medians. Goal (issue 10): render-recipes at least as fast (ratio <= 1).
// Needs the Brayns 3.10.1 Python client (python/brayns of BlueBrain/Brayns at tag 3.10.1, not
// shipped here) and a python3 with `websockets`:
//   BRAYNS_PYTHON_PATH=/path/to/Brayns/python PYTHON=/usr/bin/python3 node bench/python-loop.bench.js
// Skipped with a message without them.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bySize, sizeFlag } from './mode.js';

const IMAGES = Number(process.env.IMAGES ?? bySize(50, 50, 2));
const ROUNDS = Number(process.env.ROUNDS ?? bySize(3, 3, 1));
const [WIDTH, HEIGHT] = [1280, 720];
const root = fileURLToPath(new URL('..', import.meta.url));
const python = process.env.PYTHON ?? 'python3';
const clientPath = process.env.BRAYNS_PYTHON_PATH;

const check = clientPath
  ? spawnSync(python, ['-c', 'import brayns, websockets'], { env: { ...process.env, PYTHONPATH: clientPath } })
  : { status: 1 };
if (check.status !== 0) {
  console.log('skipped: set BRAYNS_PYTHON_PATH to the python/ folder of a Brayns 3.10.1 checkout (and PYTHON to a python3 with websockets)');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'rr-python-loop-'));
const blueConfig = join(root, 'samples/circuit/BlueConfig');
const recipe = join(work, 'loop.yaml');
// The same scene, camera, renderer and images as bench/python-loop.py.
writeFileSync(
  recipe,
  [
    'version: 1',
    'name: loop',
    'circuit:',
    `  path: ${blueConfig}`,
    '  cells: {density: 0.1}',
    '  report: {type: spikes}',
    '  radius_multiplier: 20',
    'camera: {type: perspective, view: full-screen}',
    'renderer: {type: interactive}',
    `resolution: [${WIDTH}, ${HEIGHT}]`,
    `frames: {start: 0, stop: ${IMAGES - 1}, step: 1}`,
    'output: {path: "frame-{frame:05}.png"}',
    '',
  ].join('\n'),
);

const server = spawn(process.execPath, [join(root, 'bin/render-recipes.js'), 'serve', '--port', '0', '--api', '3.10.1'], { stdio: ['ignore', 'pipe', 'ignore'] });
const uri = await new Promise((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  createInterface({ input: server.stdout }).once('line', (line) => resolve(/ws:\/\/\S+/.exec(line)[0]));
});

function timed(command, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: work, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stderr}`);
  return ms;
}

function countPngs(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.png')).length;
}

const times = { python: [], rr: [] };
try {
  for (let round = 0; round < ROUNDS; round += 1) {
    const pyOut = mkdtempSync(join(work, 'py-'));
    times.python.push(timed(python, [join(root, 'bench/python-loop.py'), uri.replace('ws://', ''), blueConfig, pyOut, String(IMAGES), String(WIDTH), String(HEIGHT)], { PYTHONPATH: clientPath }));
    const rrOut = mkdtempSync(join(work, 'rr-'));
    times.rr.push(timed(process.execPath, [join(root, 'bin/render-recipes.js'), 'run', recipe, '--instance', uri, '--out', rrOut]));
    for (const dir of [pyOut, rrOut]) if (countPngs(dir) !== IMAGES) throw new Error(`${dir}: expected ${IMAGES} images, found ${countPngs(dir)}`);
  }
} finally {
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const py = median(times.python);
const rr = median(times.rr);
console.log(`${IMAGES} images ${WIDTH}x${HEIGHT}, one built-in server (3.10.1), medians of ${ROUNDS} interleaved rounds, load ${loadavg()[0].toFixed(1)}\n`);
console.log('| client | median s | images/s | ratio to the Python loop |');
console.log('|---|---|---|---|');
console.log(`| Brayns Python client loop (baseline) | ${(py / 1000).toFixed(2)} | ${((IMAGES * 1000) / py).toFixed(2)} | 1.00 |`);
console.log(`| \`render-recipes run\` | ${(rr / 1000).toFixed(2)} | ${((IMAGES * 1000) / rr).toFixed(2)} | ${(rr / py).toFixed(2)} ${rr <= py ? '(goal met: <= 1)' : '(goal MISSED: > 1)'} |`);
console.log('\nReproduce: BRAYNS_PYTHON_PATH=<Brayns 3.10.1>/python PYTHON=/usr/bin/python3 node bench/python-loop.bench.js' + sizeFlag);
