// Renderer benchmark: full-HD frames of soma spheres (single thread vs all workers) and synthetic
// morphologies (cones) at HD / full HD / 4K. Run: npm run build && node bench/render.bench.js [--quick]
import { availableParallelism, loadavg } from 'node:os';
import { modelBvh } from '../packages/server/dist/render/geometry.js';
import { disposeRenderer, encodeImage, renderImage } from '../packages/server/dist/render/index.js';

const quick = process.argv.includes('--quick');
const cores = availableParallelism();

/** Seeded uniform [0, 1) (mulberry32-style mixing) so every run renders the same scene. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function boundsOf(points) {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], points[i + a]);
      max[a] = Math.max(max[a], points[i + a]);
    }
  }
  return { min, max };
}

/** Soma spheres (radius 20, as the seed's radius_multiplier) in a slab facing the camera. */
function somaCircuit(count) {
  const rnd = random(count);
  const side = 60 * Math.sqrt(count);
  const centers = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    centers[i * 3] = rnd() * side;
    centers[i * 3 + 1] = rnd() * side;
    centers[i * 3 + 2] = rnd() * 300;
  }
  return circuit(count, { centers, radii: new Float32Array(count).fill(20), cell: Uint32Array.from({ length: count }, (_, i) => i) }, emptyCones(), boundsOf(centers), rnd);
}

function emptyCones() {
  return { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
}

/** Neurons as branching random walks: a soma sphere and `segments` tapered cones each. */
function morphologyCircuit(count, segments) {
  const rnd = random(1000 + count);
  const side = 150 * Math.sqrt(count);
  const ends = new Float32Array(count * segments * 6);
  const radii = new Float32Array(count * segments * 2);
  const cell = new Uint32Array(count * segments);
  const centers = new Float32Array(count * 3);
  let k = 0;
  for (let c = 0; c < count; c++) {
    const soma = [rnd() * side, rnd() * side, rnd() * 300];
    centers.set(soma, c * 3);
    const branches = 8;
    const perBranch = Math.floor(segments / branches);
    for (let b = 0; b < branches; b++) {
      // Scalars only: allocating per segment would make the benchmark's own garbage the peak RSS.
      let p0 = soma[0], p1 = soma[1], p2 = soma[2];
      let d0 = rnd() - 0.5, d1 = rnd() - 0.5, d2 = rnd() - 0.5;
      for (let s = 0; s < perBranch && k < (c + 1) * segments; s++) {
        d0 += (rnd() - 0.5) * 0.6;
        d1 += (rnd() - 0.5) * 0.6;
        d2 += (rnd() - 0.5) * 0.6;
        const len = Math.hypot(d0, d1, d2);
        const q0 = p0 + (d0 / len) * 3, q1 = p1 + (d1 / len) * 3, q2 = p2 + (d2 / len) * 3;
        const o = k * 6;
        ends[o] = p0;
        ends[o + 1] = p1;
        ends[o + 2] = p2;
        ends[o + 3] = q0;
        ends[o + 4] = q1;
        ends[o + 5] = q2;
        radii[k * 2] = Math.max(0.2, 2 * (1 - s / perBranch));
        radii[k * 2 + 1] = Math.max(0.2, 2 * (1 - (s + 1) / perBranch));
        cell[k] = c;
        k++;
        p0 = q0;
        p1 = q1;
        p2 = q2;
      }
    }
  }
  const spheres = { centers, radii: new Float32Array(count).fill(6), cell: Uint32Array.from({ length: count }, (_, i) => i) };
  const cones = { ends: ends.subarray(0, k * 6), radii: radii.subarray(0, k * 2), cell: cell.subarray(0, k) };
  return circuit(count, spheres, cones, boundsOf(ends.subarray(0, k * 6)), rnd);
}

function circuit(cells, spheres, cones, bounds, rnd) {
  const colors = new Float32Array(cells * 4);
  for (let i = 0; i < cells; i++) colors.set([0.3 + 0.7 * rnd(), 0.3 + 0.7 * rnd(), 0.3 + 0.7 * rnd(), 1], i * 4);
  const loaded = { gids: Uint32Array.from({ length: cells }, (_, i) => i + 1), bounds, spheres, cones, targets: [], simulation: null, colorsAt: () => null };
  return { circuit: loaded, colors };
}

/** The Python client's full-screen view (PROTOCOL.md §5.3). */
function fullScreen({ min, max }) {
  const center = min.map((v, a) => (v + max[a]) / 2);
  const distance = (max[1] - min[1]) / 2 / Math.tan(Math.PI / 8) + (max[2] - min[2]) / 2;
  return { type: 'perspective', fovy: 45, view: { position: [center[0], center[1], center[2] + distance], target: center, up: [0, 1, 0] } };
}

const RENDERER = { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 3, background: [0.004, 0.016, 0.102, 0], shadows: true, aoSamples: 0 };
const SUN = [{ type: 'directional', color: [1, 1, 1], intensity: 0.8, direction: [-1, -1, -1] }, { type: 'ambient', color: [1, 1, 1], intensity: 0.2 }];

async function time(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Best of `repeats` frames: the machine is shared, and the minimum is the least disturbed run. */
async function render(model, width, height, workers, lights = [], repeats = 3) {
  const req = { width, height, camera: fullScreen(model.circuit.bounds), renderer: RENDERER, lights, models: [model] };
  const ctx = { signal: new AbortController().signal, onProgress: () => {} };
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    lastImage = null;
    best = Math.min(best, await time(async () => {
      lastImage = await renderImage(req, ctx, { workers });
    }));
  }
  return best;
}

let lastImage = null;
/** Builds (and caches for the renders) the model's BVH; its build time is the renderer's load cost. */
async function build(model) {
  return (await modelBvh(model.circuit)).buildMs;
}

const ms = (v) => `${v.toFixed(0)} ms`;
const rows = [];
const encodeTimes = { png: 0, jpg: 0 };
const loadBefore = loadavg()[0];

const sphereCounts = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
for (const count of sphereCounts) {
  const model = somaCircuit(count);
  const buildMs = await build(model);
  // Warm-up: starts the workers and compiles the hot code on both sides.
  await render(model, 1920, 1080, cores, [], 1);
  await render(model, 1920, 1080, 0, [], 1);
  const cpuBefore = process.cpuUsage();
  const single = await render(model, 1920, 1080, 0);
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time of the single-thread frames: what a frame costs when the cores are not shared.
  const singleCpu = (cpu.user + cpu.system) / 1000 / 3;
  const workers = await render(model, 1920, 1080, cores);
  if (count === 10_000) {
    const image = lastImage;
    encodeTimes.png = await time(() => encodeImage(image, 'png', 100));
    encodeTimes.jpg = await time(() => encodeImage(image, 'jpg', 90));
  }
  const shadows = await render(model, 1920, 1080, cores, SUN);
  rows.push([`${count.toLocaleString('en')} spheres`, '1920x1080', ms(buildMs), `${ms(single)} (CPU ${ms(singleCpu)})`, ms(workers), `${(single / workers).toFixed(2)}x`, ms(shadows)]);
}

const neuronCounts = quick ? [100] : [100, 1_000];
const sizes = [
  ['HD', 1280, 720],
  ['full HD', 1920, 1080],
  ['4K', 3840, 2160],
];
for (const count of neuronCounts) {
  const model = morphologyCircuit(count, 2000);
  const buildMs = await build(model);
  await render(model, 320, 180, cores, [], 1);
  const repeats = count >= 1_000 ? 1 : 2;
  for (const [name, width, height] of sizes) {
    if (quick && name === '4K') continue;
    const workers = await render(model, width, height, cores, [], repeats);
    const shadows = await render(model, width, height, cores, SUN, repeats);
    rows.push([`${count.toLocaleString('en')} neurons (${model.circuit.cones.cell.length.toLocaleString('en')} cones)`, `${name} ${width}x${height}`, ms(buildMs), '-', ms(workers), '-', ms(shadows)]);
  }
}
await disposeRenderer();

const rss = process.resourceUsage().maxRSS / 1024;
console.log(`Command: \`npm run build && node bench/render.bench.js${quick ? ' --quick' : ''}\` (${cores} cores, Node ${process.version})`);
console.log('');
console.log('Interactive renderer, 1 sample per pixel, full-screen view. "no lights" = the seed\'s look (headlight + ambient);');
console.log('"sun + shadows" = one directional light with shadow rays plus ambient. Times are the best of 3 frames (2 for 100');
console.log('neurons, 1 for 1,000) after the BVH is built and cached; "BVH build" is the one-off cost per loaded model.');
console.log('"CPU" is the mean CPU time of one single-thread frame: the cost on a machine nobody else is using.');
console.log(`Machine load average (1 min) at start / end: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cores} cores.`);
console.log('');
console.log(`| scene | image | BVH build | 1 thread, no lights | ${cores} workers, no lights | speed-up | ${cores} workers, sun + shadows |`);
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log('');
console.log(`Encoding the 10,000-sphere full-HD frame with sharp: PNG ${ms(encodeTimes.png)}, JPEG (quality 90) ${ms(encodeTimes.jpg)}.`);
console.log(`Peak RSS: ${rss.toFixed(0)} MB (the largest case dominates). Goal: 10,000 spheres full HD under 1 s with all workers.`);
