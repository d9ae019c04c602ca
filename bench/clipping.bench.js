// Clipping benchmark: a full-HD frame of soma spheres with the sun's shadows, without clipping and
// with one clipping plane or sphere, in the same run. With clipping every primary and shadow ray is
// traced on its own through its intervals (OSPRay's way), instead of the tile rasteriser and
// shadow packets: the ratio is that price. Run: npm run build && node bench/clipping.bench.js [--quick|--smoke]
import { availableParallelism, loadavg } from 'node:os';
import { modelBvh } from '../packages/server/dist/render/geometry.js';
import { CLIP_PLANE, CLIP_SPHERE } from '../packages/server/dist/render/clipping.js';
import { disposeRenderer, renderImage } from '../packages/server/dist/render/index.js';
import { RENDERER, SUN, fullScreen, somaCircuit } from './scenes.js';
import { bySize, sizeFlag, smoke } from './mode.js';

const cores = availableParallelism();
const FRAME = smoke ? [480, 270] : [1920, 1080];
const loadBefore = loadavg()[0];

/** Best of three frames: the machine is shared, and the minimum is the least disturbed run. */
async function render(model, clipping) {
  const req = { width: FRAME[0], height: FRAME[1], camera: fullScreen(model.circuit.bounds), renderer: RENDERER, lights: SUN, models: [model], clipping };
  const ctx = { signal: new AbortController().signal, onProgress: () => {} };
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await renderImage(req, ctx, { workers: cores });
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const rows = [];
for (const count of bySize([10_000, 100_000], [10_000], [1_000])) {
  const model = somaCircuit(count);
  await modelBvh(model.circuit);
  const { min, max } = model.circuit.bounds;
  const centre = [0, 1, 2].map((a) => (min[a] + max[a]) / 2);
  // A plane through the centre removing half the column, and a sphere a quarter of its height wide.
  const plane = [{ kind: CLIP_PLANE, values: [1, 0, 0, centre[0]], invertNormals: false, toLocal: null }];
  const sphere = [{ kind: CLIP_SPHERE, values: [...centre, (max[1] - min[1]) / 8], invertNormals: false, toLocal: null }];
  await render(model, undefined);
  const none = await render(model, undefined);
  const planeMs = await render(model, plane);
  const sphereMs = await render(model, sphere);
  rows.push(`| ${count.toLocaleString('en')} | ${none.toFixed(0)} ms | ${planeMs.toFixed(0)} ms (${(planeMs / none).toFixed(2)}x) | ${sphereMs.toFixed(0)} ms (${(sphereMs / none).toFixed(2)}x) |`);
}
await disposeRenderer();

console.log(`${FRAME.join('x')}, ${cores} render workers, load ${loadBefore.toFixed(1)} at start. Command: npm run build && node bench/clipping.bench.js${sizeFlag}\n`);
console.log('| soma spheres | no clipping | one clipping plane | one clipping sphere |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
