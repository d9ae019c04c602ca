// Morphology mode end to end, as a user meets it: the built-in server (real WebSocket, R3) loads the
// bundled sample circuit with soma + dendrites + axon for 100 and 1,000 cells (the sample's three
// SWC neurons, each read once and instanced per cell), then renders full-screen snapshots at HD,
// full HD and 4K. Baseline in the same run: the same cells in sphere-per-soma mode.
// Run: npm run build && node bench/morphology.bench.js [--smoke]
import { fileURLToPath } from 'node:url';
import { connect, resolveCamera } from '../dist/brayns/index.js';
import { startServer } from '@render-recipes/server';
import { bySize, sizeFlag } from './mode.js';

const circuitPath = fileURLToPath(new URL('../samples/circuit/BlueConfig', import.meta.url));
const sampleCells = 2000;
const sizes = bySize([['HD', [1280, 720]], ['full HD', [1920, 1080]], ['4K', [3840, 2160]]], undefined, [['small', [320, 180]]]);
const renderer = { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 3, background: [1, 1, 1, 1], shadows: false, aoSamples: 0 };

function circuit(cells, morphology) {
  return {
    path: circuitPath, loader: 'bbp', density: cells / sampleCells, targets: null, gids: null,
    report: { type: 'none' }, radiusMultiplier: morphology ? 1 : 10, morphology,
  };
}

async function measure(client, cells, morphology) {
  await client.clearModels();
  const t0 = performance.now();
  const models = await client.loadCircuit(circuit(cells, morphology));
  const loadMs = performance.now() - t0;
  const renders = [];
  for (const [, size] of sizes) {
    const { view, camera } = resolveCamera({ type: 'perspective', fovy: 45, view: { kind: 'full-screen' } }, models[0].bounds, size[0] / size[1]);
    const request = { size, format: 'png', camera, view, renderer };
    await client.snapshot(request); // the first snapshot of a scene also builds its BVH
    const t1 = performance.now();
    await client.snapshot(request);
    renders.push(performance.now() - t1);
  }
  return { loadMs, renders };
}

const server = await startServer({ port: 0, api: '3.10.1' });
const client = await connect(server.url);
const full = { soma: true, axon: true, dendrites: true };
const rows = [];
for (const cells of bySize([100, 1000], undefined, [10, 20])) {
  rows.push({ cells, mode: 'spheres (baseline)', ...(await measure(client, cells, null)) });
  rows.push({ cells, mode: 'morphologies', ...(await measure(client, cells, full)) });
}
await client.close();
await server.close();
const rss = process.resourceUsage().maxRSS / 1024;

console.log(`Command: \`npm run build && node bench/morphology.bench.js${sizeFlag}\` (server and client in one process, R3)\n`);
console.log(`| cells | mode | load (ms) | ${sizes.map(([n]) => `render ${n} (ms, PNG included)`).join(' | ')} |`);
console.log(`|---:|---|---:|${sizes.map(() => '---:').join('|')}|`);
for (const r of rows) console.log(`| ${r.cells} | ${r.mode} | ${r.loadMs.toFixed(0)} | ${r.renders.map((t) => t.toFixed(0)).join(' | ')} |`);
const m = rows.filter((r) => r.mode === 'morphologies');
const [few, many] = m;
const at = Math.min(1, sizes.length - 1); // full HD, or the only size of a smoke run
console.log(`\nGrowth ${few.cells} -> ${many.cells} cells: load x${(many.loadMs / few.loadMs).toFixed(1)}, ${sizes[at][0]} render x${(many.renders[at] / few.renders[at]).toFixed(1)}. Peak RSS: ${rss.toFixed(0)} MB.`);
