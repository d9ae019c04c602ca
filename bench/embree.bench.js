// The built-in renderer against Embree 3 (what OSPRay, and so Brayns, stands on): the same sphere
// scenes, camera, lit pixels and shadow rays, 16-wide packets on the same cores. Every figure is a
// ratio measured in this run: medians of 5 runs, the two renderers interleaved.
// Run: npm run build && node bench/embree.bench.js [--quick|--smoke] [--only bvh] [--scene <text>]
//   --only bvh      time the BVH builds only (our renders are skipped; the Embree program still renders)
//   --scene <text>  only the scenes whose name contains <text>, e.g. `--scene 100,000`
// Needs gcc and Debian's libembree-dev (`apt-get install -y libembree-dev`); skipped otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildModelBvh, modelBvh } from '../packages/server/dist/render/geometry.js';
import { disposeRenderer, renderImage } from '../packages/server/dist/render/index.js';
import { buildShadowGrid } from '../packages/server/dist/render/shadow-grid.js';
import { prepareJob } from '../packages/server/dist/render/prepare.js';
import { measureGarbage } from './garbage.js';
import { bySize } from './mode.js';
import { RENDERER, SUN, fullScreen, morphologyCircuit, somaCircuit } from './scenes.js';

const argValue = (flag) => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const only = argValue('--only');
if (only !== undefined && only !== 'bvh') {
  console.error(`--only takes \`bvh\`, got \`${only}\``);
  process.exit(2);
}
const buildsOnly = only === 'bvh';
const sceneFilter = argValue('--scene');
const cores = availableParallelism();
const REPEATS = bySize(5, 5, 1);
const WARM_BUILDS = bySize(40, 40, 1);
const WARM_BUILDS_MS = 3000;
const WIDTH = 1920;
const HEIGHT = 1080;

const dir = mkdtempSync(join(tmpdir(), 'embree-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const program = join(dir, 'spheres');
const source = fileURLToPath(new URL('./embree/spheres.c', import.meta.url));
const compiled = spawnSync('gcc', ['-O2', '-o', program, source, '-lembree3', '-lpthread', '-lm'], { encoding: 'utf8' });
if (compiled.error !== undefined || compiled.status !== 0) {
  console.log('Skipped: the Embree reference needs gcc and libembree-dev (`apt-get install -y libembree-dev`).');
  console.log(compiled.error?.message ?? compiled.stderr.trim().split('\n')[0]);
  process.exit(0);
}

function request(model, lights) {
  return { width: WIDTH, height: HEIGHT, camera: fullScreen(model.circuit.bounds), renderer: RENDERER, lights, models: [model] };
}

/** The scene file spheres.c reads: the header fields the built-in renderer resolved, then the spheres. */
async function writeScene(model, path) {
  const job = await prepareJob(request(model, SUN));
  const c = job.camera;
  const light = job.lighting.directional.slice(0, 3);
  const cones = model.circuit.cones;
  const ints = Int32Array.of(model.circuit.spheres.radii.length, cones.cell.length, WIDTH, HEIGHT);
  const doubles = Float64Array.from([...c.position, ...c.dir, ...c.right, ...c.up, c.halfWidth, c.halfHeight, c.shiftX, c.shiftY, ...light, job.epsilon]);
  const { centers, radii } = model.circuit.spheres;
  const spheres = new Float32Array(radii.length * 4);
  for (let i = 0; i < radii.length; i++) {
    spheres.set(centers.subarray(i * 3, i * 3 + 3), i * 4);
    spheres[i * 4 + 3] = radii[i];
  }
  const ends = new Float32Array(cones.cell.length * 8);
  for (let i = 0; i < cones.cell.length; i++) {
    ends.set(cones.ends.subarray(i * 6, i * 6 + 3), i * 8);
    ends[i * 8 + 3] = cones.radii[i * 2];
    ends.set(cones.ends.subarray(i * 6 + 3, i * 6 + 6), i * 8 + 4);
    ends[i * 8 + 7] = cones.radii[i * 2 + 1];
  }
  writeFileSync(path, Buffer.concat([ints, doubles, spheres, ends].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
}

/**
 * The Embree program runs through one shell started here, while this process is still small. A
 * process that forks (spawnSync) write-protects every page it holds, so a build of ours right
 * after an Embree run took a page fault on each page it wrote: 19 MB of faults, and 2-3 times the
 * time, for 100,000 spheres. That is the harness's cost, not the renderer's (`serve` never forks).
 */
const runner = spawn('bash', ['-c', 'while read -r threads scene; do out=$("$0" "$scene" "$threads" 2>&1); echo "$? ${out//$\'\\n\'/ }"; done', program], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const runnerLines = createInterface({ input: runner.stdout })[Symbol.asyncIterator]();

async function runEmbree(path) {
  runner.stdin.write(`${cores} ${path}\n`);
  const { value, done } = await runnerLines.next();
  if (done) throw new Error('Embree reference failed: its shell exited');
  const [status, ...out] = value.split(' ');
  if (status !== '0') throw new Error(`Embree reference failed: ${out.join(' ')}`);
  return JSON.parse(out.join(' '));
}

const ctx = { signal: new AbortController().signal, onProgress: () => {} };
async function timed(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** A fresh build (the cache would make repeats free); renders use the cached one. */
async function buildOurs(model) {
  return (await buildModelBvh(model.circuit.spheres, model.circuit.cones)).buildMs;
}

async function renderOurs(model) {
  // An untimed frame: the last build left garbage in the workers, which the next frame would collect.
  await renderImage(request(model, SUN), ctx, { workers: cores });
  const primaryMs = await timed(() => renderImage(request(model, []), ctx, { workers: cores }));
  const shadowMs = await timed(() => renderImage(request(model, SUN), ctx, { workers: cores }));
  return { primaryMs, shadowMs };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Bytes the calling thread allocates while rendering one full-HD frame with shadows on it alone. */
async function garbagePerFrame(model) {
  const req = request(model, SUN);
  return (await measureGarbage(() => renderImage(req, ctx, { workers: 0 }))).bytes;
}

const loadBefore = loadavg()[0];
const rows = [];
/**
 * Garbage per full-HD frame, every scene: each one after the others' frames, as in a long `serve`
 * session (which code V8 inlines depends on what ran before: a cone frame after the sphere scenes
 * once made 35 MB where it made 0.2 MB alone).
 */
const garbage = [];
/** Scenes by name: soma spheres, and synthetic morphologies (a soma sphere and ~210 cones each). */
const scenes = bySize(
  [
    ['10,000 spheres', () => somaCircuit(10_000)],
    ['100,000 spheres', () => somaCircuit(100_000)],
    ['1,000,000 spheres', () => somaCircuit(1_000_000)],
    ['1,000 morphologies', () => morphologyCircuit(1_000, 210)],
  ],
  [['10,000 spheres', () => somaCircuit(10_000)]],
  [
    ['1,000 spheres', () => somaCircuit(1_000)],
    ['10 morphologies', () => morphologyCircuit(10, 210)],
  ],
).filter(([name]) => sceneFilter === undefined || name.includes(sceneFilter));
for (const [name, make] of scenes) {
  const model = make();
  const count = model.circuit.spheres.radii.length;
  const path = join(dir, `scene-${rows.length}.bin`);
  await writeScene(model, path);
  // The scene's first build in this process, code possibly still cold (reported beside the table),
  // then untimed builds until the build code is optimised: a 10k-sphere build takes 20-30 to get
  // there (17 ms after 10, 7-10 ms after 30: V8 tiers the binning loops up late), a 1M-sphere one
  // is there within its first (the timed builds are the steady state's; WARM_BUILDS_MS caps it).
  const firstBuildMs = (await modelBvh(model.circuit)).buildMs;
  const warmUntil = performance.now() + WARM_BUILDS_MS;
  for (let i = 0; i < WARM_BUILDS && performance.now() < warmUntil; i++) await buildModelBvh(model.circuit.spheres, model.circuit.cones);
  // Warm-up: starts the workers and compiles the hot code.
  await renderImage(request(model, SUN), ctx, { workers: cores });
  // Builds are timed in their own runs, before this scene's timed frames: a build right after
  // frames met their garbage collection on this thread (a 10k-sphere build took 17-32 ms there
  // against 7-10 ms otherwise), while Embree's builds start in a fresh process.
  const ours = [];
  const embree = [];
  for (let i = 0; i < REPEATS; i++) {
    embree.push(await runEmbree(path));
    ours.push({ buildMs: await buildOurs(model), primaryMs: NaN, shadowMs: NaN });
  }
  for (let i = 0; i < REPEATS && !buildsOnly; i++) {
    embree[i] = { ...(await runEmbree(path)), buildMs: embree[i].buildMs };
    Object.assign(ours[i], await renderOurs(model));
  }
  // The sun's light-space shadow grid: built by the second frame with shadows (the untimed frame
  // of the first run; the warm-up above is the first) and kept, so no timed frame pays for it. A fresh build, timed once, goes beside the table.
  const [sx, sy, sz] = SUN[0].direction;
  const sunLength = Math.hypot(sx, sy, sz);
  const bvh = await modelBvh(model.circuit);
  const gridMs = buildsOnly ? NaN : await timed(() => buildShadowGrid(bvh, -sx / sunLength, -sy / sunLength, -sz / sunLength));
  const pick = (runs, key) => median(runs.map((r) => r[key]));
  const cones = model.circuit.cones.cell.length;
  const row = { name: cones > 0 ? `${name} (${cones.toLocaleString('en')} cones)` : name };
  for (const key of ['buildMs', 'primaryMs', 'shadowMs']) row[key] = [pick(ours, key), pick(embree, key)];
  row.shadowed = `${embree[0].shadowed.toLocaleString('en')} of ${embree[0].lit.toLocaleString('en')}`;
  row.firstBuildMs = firstBuildMs;
  row.gridMs = gridMs;
  rows.push(row);
  if (!buildsOnly) garbage.push(`${name} ${((await garbagePerFrame(model)) / 1e6).toFixed(1)} MB`);
}
await disposeRenderer();
runner.stdin.end();

const cell = ([ours, ref]) => (Number.isNaN(ours) ? 'not run' : `${ours.toFixed(0)} / ${ref.toFixed(0)} ms = **${(ours / ref).toFixed(2)}**`);
console.log(`Command: \`npm run build && node bench/embree.bench.js${process.argv.slice(2).map((a) => ` ${a}`).join('')}\` (${cores} cores, Node ${process.version})`);
console.log('');
console.log(`Built-in renderer / Embree 3 (\`rtcIntersect16\`/\`rtcOccluded16\`, ${cores} threads each), full HD, medians of ${REPEATS} interleaved runs.`);
console.log('"primary" lights with the headlight (no shadow rays); "+ shadows" adds one shadow ray towards a directional light');
console.log('per lit pixel. BVH build: a fresh build once the build code is optimised (Embree: device on 2 threads, medium quality);');
console.log('the first build of each scene in this process, code still cold where it is the first of its size, follows the table.');
console.log(`Machine load average (1 min) at start / end: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cores} cores.`);
console.log('');
console.log('| scene | primary (ours / Embree) | primary + shadows | BVH build | shadow rays blocked (Embree) |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${cell(r.primaryMs)} | ${cell(r.shadowMs)} | ${cell(r.buildMs)} | ${r.shadowed} |`);
console.log('');
console.log(`First build of each scene in this process (ours): ${rows.map((r) => `${r.name.split(' (')[0]} ${r.firstBuildMs.toFixed(0)} ms`).join(', ')}.`);
if (!buildsOnly) {
  console.log(`Light-space shadow grid towards the sun (ours; built once per model and light direction, by the second frame with shadows, not in the medians): ${rows.map((r) => `${r.name.split(' (')[0]} ${r.gridMs.toFixed(0)} ms`).join(', ')}.`);
}
if (garbage.length > 0) console.log(`Garbage per full-HD frame (shadows, one thread): ${garbage.join(', ')} (goal < 10 MB).`);
console.log(`Peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB.`);
