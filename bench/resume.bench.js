// Resume cost at scale: how long `render-recipes run` takes, and how much memory, to decide that a
// complete 100,000-task run is up to date. A real output folder is made first (in-process FAKE
// instances answer every snapshot with a 1-pixel PNG; the runner writes real files with provenance,
// the manifest and the output index). Each resume is then a fresh CLI process (`run` on the same
// recipe, no instance needed), timed from spawn to exit, its peak RSS read from the kernel.
// Baseline, same run: the resume with the output index removed, i.e. every output read and
// checked in full (what every resume did before the index existed).
// Before/after in the same run: `--before DIR`, a checkout of an earlier commit with its own
// `npm run build` done (DIR/dist): its resumes run on the same folder first, then this build's.
// Run: npm run build && node bench/resume.bench.js [--quick|--smoke] [--before DIR]
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlan } from '../dist/plan/index.js';
import { defaultEffects } from '../dist/run/effects.js';
import { runPlan } from '../dist/run/executor.js';
import { fakeConnect } from './fake-instance.js';
import { bySize, sizeFlag } from './mode.js';

const beforeAt = process.argv.indexOf('--before');
const BEFORE = beforeAt > 0 ? process.argv[beforeAt + 1] : undefined;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CIRCUIT = join(ROOT, 'samples', 'circuit', 'BlueConfig');
const TASKS = bySize(100_000, 10_000, 200);
const DENSITIES = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16];

const work = await mkdtemp(join(tmpdir(), 'rr-bench-resume-'));
const recipe = join(work, 'bench.yaml');
await writeFile(
  recipe,
  [
    'version: 1',
    'name: bench',
    'circuit:',
    `  path: ${JSON.stringify(CIRCUIT)}`,
    'matrix:',
    `  density: [${DENSITIES.join(', ')}]`,
    `frames: { start: 0, stop: ${TASKS / DENSITIES.length - 1} }`,
    'resolution: [64, 36]',
    'output:',
    '  path: "{name}/d{density}/f{frame:06}.png"',
    '',
  ].join('\n'),
);

/** One CLI resume in its own process: wall time from spawn to exit, and the child's peak RSS. */
function resume(out, root = ROOT) {
  const script = [
    `import { main } from ${JSON.stringify(join(root, 'dist', 'cli', 'main.js'))};`,
    'const code = await main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: new AbortController().signal });',
    "process.stderr.write('\\nRESOURCES ' + JSON.stringify({ code, maxRssKB: process.resourceUsage().maxRSS, cpuUs: process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime }) + '\\n');",
  ].join('\n');
  const start = performance.now();
  // --no-gallery: the first gallery of 100,000 images would make 100,000 thumbnails (minutes); once
  // built, a run that changed nothing only hashes the output indexes to know the page is current.
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, 'run', recipe, '--out', out, '--json', '--no-gallery'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.once('exit', () => {
      const ms = performance.now() - start;
      const match = /RESOURCES (\{.*\})/.exec(stderr);
      if (!match) return reject(new Error(`resume did not finish: ${stderr.slice(-2000)}`));
      const { code, maxRssKB, cpuUs } = JSON.parse(match[1]);
      const started = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.code === 'run.started')?.data;
      if (code !== 0 || started?.toRender !== 0) return reject(new Error(`expected everything up to date (exit 0), got exit ${code}, ${started?.toRender} to render: ${stderr.slice(-2000)}`));
      resolve({ ms, cpuMs: cpuUs / 1000, rssMB: maxRssKB / 1024 });
    });
  });
}

/** The metadata files render-recipes keeps in the output folder (manifest, index), and their size. */
async function metadataFiles(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isFile()) files.push({ name: entry.name, bytes: (await stat(join(dir, entry.name))).size });
  return { names: files.map((f) => f.name), bytes: files.reduce((a, f) => a + f.bytes, 0) };
}

let loadAtStart;
try {
  const { plan } = await buildPlan([recipe], { cwd: work });
  if (!plan) throw new Error('bench recipe did not compile');
  const out = join(work, 'out');
  const t0 = performance.now();
  const summary = await runPlan(plan, { outDir: out, instances: Array.from({ length: 8 }, (_, i) => `fake://${i}`), postConcurrency: 4, gallery: false }, defaultEffects(fakeConnect()));
  if (summary.rendered !== TASKS) throw new Error(`rendered ${summary.rendered} of ${TASKS}`);
  const renderMs = performance.now() - t0;
  const meta = await metadataFiles(out);
  loadAtStart = loadavg()[0]?.toFixed(1);
  // The earlier build's resumes first (they leave the folder in their own format), then this one's:
  // its first resume after them rewrites manifest and index in its format, the next ones are steady.
  const before = BEFORE ? [await resume(out, BEFORE), await resume(out, BEFORE)] : [];
  const withIndex = [await resume(out), await resume(out), ...(BEFORE ? [await resume(out)] : [])];
  const indexes = meta.names.filter((n) => n.includes('index'));
  for (const n of indexes) await rm(join(out, n), { force: true });
  const withoutIndex = await resume(out);
  // The baseline run wrote the index again: the next resume is back on the fast path.
  const rebuilt = await resume(out);
  const f = (x, d = 0) => x.toFixed(d);
  const best = withIndex.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const rows = [
    ['baseline: no output index (every file read and decoded)', withoutIndex],
    ...before.map((r, i) => [`before (${BEFORE}), with the output index (run ${i + 1})`, r]),
    ...withIndex.map((r, i) => [`with the output index (run ${i + 1})`, r]),
    ['after the baseline rebuilt the index', rebuilt],
  ];
  const lines = [
    `Resume of a complete ${TASKS.toLocaleString('en')}-task run (1-pixel PNGs with provenance written by in-process FAKE instances in ${f(renderMs / 1000, 1)} s; metadata files beside them: ${meta.names.join(', ')}, ${f(meta.bytes / 2 ** 20, 1)} MB)`,
    '',
    `Load average before the first resume: ${loadAtStart} on ${availableParallelism()} cores, at the end: ${loadavg()[0]?.toFixed(1)} (wall times grow with it; CPU time much less).`,
    '',
    '| resume | wall (ms, spawn to exit) | CPU (ms, user + system) | peak RSS (MB) | vs baseline (wall) | vs baseline (CPU) | vs baseline (RSS) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(([label, r]) => `| ${label} | ${f(r.ms)} | ${f(r.cpuMs)} | ${f(r.rssMB)} | ${f(r.ms / withoutIndex.ms, 2)} | ${f(r.cpuMs / withoutIndex.cpuMs, 2)} | ${f(r.rssMB / withoutIndex.rssMB, 2)} |`),
    '',
    `Goal (100,000 tasks): under 5,000 ms and 300 MB: ${TASKS === 100_000 ? (best.ms < 5000 && best.rssMB < 300 ? 'met' : 'missed') : `not measured (${sizeFlag.trim()})`}.`,
    '',
    `Command: npm run build && node bench/resume.bench.js${sizeFlag}${BEFORE ? ' --before DIR' : ''}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
