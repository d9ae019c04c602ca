// Renderer benchmark: full-HD frames of soma spheres (single thread vs all workers) and synthetic
// morphologies (cones) at HD / full HD / 4K. Run: npm run build && node bench/render.bench.js [--quick|--smoke]
import { availableParallelism, loadavg } from 'node:os';
import { modelBvh } from '../packages/server/dist/render/geometry.js';
import { disposeRenderer, encodeImage, renderImage } from '../packages/server/dist/render/index.js';
import { RENDERER, SUN, fullScreen, morphologyCircuit, somaCircuit } from './scenes.js';
import { bySize, quick, sizeFlag, smoke } from './mode.js';

const cores = availableParallelism();


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

const sphereCounts = bySize([1_000, 10_000, 100_000], [1_000, 10_000], [1_000]);
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

const neuronCounts = bySize([100, 1_000], [100], [10]);
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
    if ((quick && name === '4K') || (smoke && name !== 'HD')) continue;
    const workers = await render(model, width, height, cores, [], repeats);
    const shadows = await render(model, width, height, cores, SUN, repeats);
    rows.push([`${count.toLocaleString('en')} neurons (${model.circuit.cones.cell.length.toLocaleString('en')} cones)`, `${name} ${width}x${height}`, ms(buildMs), '-', ms(workers), '-', ms(shadows)]);
  }
}
await disposeRenderer();

const rss = process.resourceUsage().maxRSS / 1024;
console.log(`Command: \`npm run build && node bench/render.bench.js${sizeFlag}\` (${cores} cores, Node ${process.version})`);
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
