#!/usr/bin/env node
// Benchmark: compile a recipe matrix expanding to 100,000 tasks (load + validate + expand + hash).
// Each case runs in its own child process so its peak memory (maxRSS) is its own; the 1,000-task
// case of the same shape, measured in the same run, is the baseline.
// Reproduce: npm run build && node bench/plan.bench.js [--smoke]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bySize, sizeFlag, smoke } from './mode.js';

const GOAL_MS = 2000;
const GOAL_MB = 200;

/**
 * Recipe shapes. `sweep`: a matrix of densities x samples per pixel (100 items) over a frame range
 * of 1000 frames, the shape of a real sweep and the goal's case. `items` (stress): the frames are a
 * matrix key too, so every task is its own matrix item (100,000 items).
 */
const BIG_FRAMES = bySize(1000, 1000, 10);
const CASES = {
  'sweep-1k': { densities: 1, spps: 1, frames: 1000, framesInMatrix: false },
  'sweep-100k': { densities: 10, spps: 10, frames: BIG_FRAMES, framesInMatrix: false, goal: true },
  'items-1k (stress)': { densities: 10, spps: 10, frames: 10, framesInMatrix: true },
  'items-100k (stress)': { densities: 10, spps: 10, frames: BIG_FRAMES, framesInMatrix: true },
};

function recipeText({ densities, spps, frames, framesInMatrix }) {
  const list = (n, f) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
  const matrix = [
    `  density: ${list(densities, (i) => (i + 1) / 100)}`,
    `  samples_per_pixel: ${list(spps, (i) => i + 1)}`,
    ...(framesInMatrix ? [`  frame: ${list(frames, (i) => i * 10)}`] : []),
  ];
  return [
    'version: 1',
    'name: bench',
    'circuit:',
    '  path: /gpfs/circuit/BlueConfig',
    '  report:',
    '    type: spikes',
    'camera:',
    '  view: front',
    ...(framesInMatrix ? [] : ['frames:', '  start: 0', `  stop: ${frames - 1}`]),
    'matrix:',
    ...matrix,
    'output:',
    '  path: "{name}/{density}/spp{samples_per_pixel}/frame-{frame:05}.png"',
    '',
  ].join('\n');
}

async function child(name) {
  const { buildPlan } = await import('../dist/plan/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'rr-plan-bench-'));
  try {
    writeFileSync(join(dir, 'bench.yaml'), recipeText(CASES[name]));
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const start = performance.now();
    const cpuStart = cpu();
    const { plan, diagnostics } = await buildPlan(['bench.yaml'], { cwd: dir });
    const ms = performance.now() - start;
    const cpuMs = cpu() - cpuStart;
    if (!plan) throw new Error(`bench recipe invalid: ${JSON.stringify(diagnostics.slice(0, 2))}`);
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ tasks: plan.tasks.length, items: plan.recipes[0].items.length, scenes: plan.scenes.length, ms, cpuMs, heapMb, rssMb }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function met(row) {
  return Math.min(row.ms, row.cpuMs) < GOAL_MS && row.rssMb < GOAL_MB;
}

function measure(name) {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, ...(smoke ? ['--smoke'] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  // An empty node process: what maxRSS costs before any work.
  const idle = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS / 1024))'], { encoding: 'utf8' });
  const idleMb = Number(idle.stdout);
  const rows = [];
  for (const [baseline, big] of [
    ['sweep-1k', 'sweep-100k'],
    ['items-1k (stress)', 'items-100k (stress)'],
  ]) {
    const b = measure(baseline);
    const r = measure(big);
    rows.push({ name: baseline, ...b, base: b });
    rows.push({ name: big, ...r, base: b });
  }
  const fmt = (n, d = 0) => n.toFixed(d);
  console.log(`Command: \`npm run build && node bench/plan.bench.js${sizeFlag}\`\n`);
  const load = loadavg()[0];
  console.log(`Compile (load + validate + expand + hash) of one recipe whose matrix expands to N tasks. Idle node process: ${fmt(idleMb)} MB maxRSS. Load average at start: ${fmt(load, 1)} on ${cpus().length} cores; wall time includes waiting for a shared CPU, CPU time includes V8's parallel GC threads, so the time goal is judged on the smaller of the two.\n`);
  console.log('| case | matrix items | tasks | scenes | wall (ms) | CPU (ms) | CPU µs/task (x vs 1k) | peak RSS (MB) | heap after (MB) | goal <2 s, <200 MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const perTask = (row.cpuMs * 1000) / row.tasks;
    const basePerTask = (row.base.cpuMs * 1000) / row.base.tasks;
    const big = row.tasks >= 100000;
    const verdict = !big ? 'baseline' : `${met(row) ? 'met' : 'missed'}${CASES[row.name].goal ? '' : ' (stress, not the goal)'}`;
    console.log(`| ${row.name} | ${row.items} | ${row.tasks} | ${row.scenes} | ${fmt(row.ms)} | ${fmt(row.cpuMs)} | ${fmt(perTask, 1)} (${fmt(perTask / basePerTask, 2)}x) | ${fmt(row.rssMb)} | ${fmt(row.heapMb)} | ${verdict} |`);
  }
  const missed = rows.some((r) => CASES[r.name].goal && !met(r));
  // A smoke run's figures mean nothing, so they cannot miss a goal.
  process.exitCode = missed && !smoke ? 1 : 0;
}
