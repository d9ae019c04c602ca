// Garbage per full-HD frame on the built-in renderer's paths that bench/embree.bench.js does not
// take: several samples per pixel, accumulation, an orthographic camera, several and area lights,
// ambient occlusion, the path tracer, clipping, boxes and planes, materials, tone mapping, float
// planes. Every case renders on the calling thread (workers: 0) after the earlier cases' frames, as
// in a long `serve` session: which calls V8 inlines depends on what ran before, and a helper left out
// of line boxes every float it takes or returns (issue #16). Bytes do not depend on load.
// Run: npm run build && node bench/frame-garbage.bench.js [--case <text>] [--sha]
//   --case <text>  only the cases whose name contains <text> (run alone: a fresh process)
//   --sha          also print the sha1 of each case's RGBA (the frames must stay bit-identical)
//   --profile      also name the functions that allocate most in each measured frame (V8's sampling
//                  heap profiler; the profiler's own sampling changes the byte figures a little)
import { createHash } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { allocatePlanes, disposeRenderer, renderFrameWith, renderImage } from '../packages/server/dist/render/index.js';
import { colorPipeline } from '../packages/server/dist/render/color-pipeline.js';
import { CLIP_BOX, CLIP_CAPSULE, CLIP_PLANE, CLIP_SPHERE } from '../packages/server/dist/render/clipping.js';
import { SHAPE_BOUNDED_PLANE, SHAPE_BOX, SHAPE_PLANE } from '../packages/server/dist/scene/types.js';
import { measureGarbage } from './garbage.js';
import { bySize } from './mode.js';
import { RENDERER, SUN, fullScreen, morphologyCircuit, random, somaCircuit } from './scenes.js';

const argValue = (flag) => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const caseFilter = argValue('--case');
const printSha = process.argv.includes('--sha');
const profile = process.argv.includes('--profile');
const WIDTH = bySize(1920, 1920, 480);
const HEIGHT = bySize(1080, 1080, 270);
const WARM_FRAMES = 3;

const somas = somaCircuit(bySize(10_000, 10_000, 1_000));
const morphologies = morphologyCircuit(bySize(100, 100, 10), 210);
const shapes = shapeModel(somas.circuit.bounds, 200);

/** Boxes and bounded planes scattered over the soma slab, and an infinite plane behind it. */
function shapeModel({ min, max }, count) {
  const rnd = random(count);
  const kind = Uint8Array.from({ length: count }, (_, i) => (i === 0 ? SHAPE_PLANE : i % 2 ? SHAPE_BOX : SHAPE_BOUNDED_PLANE));
  const boxes = new Float32Array(count * 6);
  const planes = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const c = [0, 1, 2].map((a) => min[a] + rnd() * (max[a] - min[a]));
    for (let a = 0; a < 3; a++) {
      boxes[i * 6 + a] = c[a] - 40;
      boxes[i * 6 + 3 + a] = c[a] + 40;
    }
    // Planes facing the camera (z = const): the infinite one behind everything, the bounded ones across their boxes.
    planes.set([0, 0, 1, i === 0 ? -(min[2] - 100) : -c[2]], i * 4);
  }
  const circuit = {
    gids: Uint32Array.of(1),
    bounds: { min, max },
    spheres: { centers: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) },
    cones: { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) },
    shapes: { kind, boxes, planes, cell: new Uint32Array(count) },
    targets: [],
    simulation: null,
    colorsAt: () => null,
  };
  return { circuit, colors: Float32Array.of(0.8, 0.8, 0.8, 1) };
}

function middle({ min, max }) {
  return min.map((v, a) => (v + max[a]) / 2);
}

function request(scene, changes = {}) {
  const camera = fullScreen(scene.circuit.bounds);
  return {
    width: WIDTH,
    height: HEIGHT,
    camera,
    renderer: RENDERER,
    lights: SUN,
    models: [scene],
    ...changes,
  };
}

const c = middle(somas.circuit.bounds);
const size = somas.circuit.bounds.max[0] - somas.circuit.bounds.min[0];
const withMaterial = (type, params) => ({ ...somas, material: { type, params } });
const PRODUCTION = { ...RENDERER, type: 'production', maxRayBounces: 3 };

/** name -> [request, extras for renderFrameWith (null: renderImage)]. */
const cases = [
  ['spheres, 1 sample (as the Embree bench)', () => [request(somas), null]],
  ['4 samples per pixel (jitter)', () => [request(somas, { renderer: { ...RENDERER, samplesPerPixel: 4 } }), null]],
  ['4 samples, Brayns sample positions', () => [request(somas, { renderer: { ...RENDERER, samplesPerPixel: 4 }, sampleSequence: 'R3' }), null]],
  ['accumulation frame 2 (colour plane)', () => [request(somas, { renderer: { ...RENDERER, samplesPerPixel: 2 }, sampleSequence: 'R3' }), { sampleBase: 2, planes: allocatePlanes(['color'], WIDTH, HEIGHT) }]],
  ['G-buffers (depth, normal, albedo)', () => [request(somas), { sampleBase: 0, planes: allocatePlanes(['color', 'depth', 'normal', 'albedo'], WIDTH, HEIGHT) }]],
  ['orthographic camera', () => {
    const view = fullScreen(somas.circuit.bounds).view;
    return [request(somas, { camera: { type: 'orthographic', height: somas.circuit.bounds.max[1] - somas.circuit.bounds.min[1], view } }), null];
  }],
  ['three directional lights', () => [request(somas, { lights: [...SUN, { type: 'directional', color: [1, 0.5, 0.5], intensity: 0.5, direction: [1, -1, -1] }, { type: 'directional', color: [0.5, 0.5, 1], intensity: 0.5, direction: [0, 1, -1] }] }), null]],
  ['quad light', () => [request(somas, { lights: [{ type: 'quad', color: [1, 1, 1], intensity: 2, position: [c[0] - size / 4, c[1] + size, c[2] + 600], edge1: [size / 2, 0, 0], edge2: [0, 0, 200] }, SUN[1]] }), null]],
  ['sphere light', () => [request(somas, { lights: [{ type: 'sphere', color: [1, 1, 1], intensity: 2, position: [c[0], c[1] + size, c[2] + 600], radius: 50 }, SUN[1]] }), null]],
  ['ambient occlusion (2 samples)', () => [request(somas, { renderer: { ...RENDERER, aoSamples: 2 } }), null]],
  ['path tracer', () => [request(somas, { renderer: PRODUCTION }), null]],
  ['path tracer, quad light', () => [request(somas, { renderer: PRODUCTION, lights: [{ type: 'quad', color: [1, 1, 1], intensity: 2, position: [c[0] - size / 4, c[1] + size, c[2] + 600], edge1: [size / 2, 0, 0], edge2: [0, 0, 200] }, SUN[1]] }), null]],
  ['clipping plane', () => [request(somas, { clipping: [{ kind: CLIP_PLANE, values: [1, 0, 0, c[0]], invertNormals: false, toLocal: null }] }), null]],
  ['clipping box, sphere, capsule', () => [request(somas, { clipping: [
    { kind: CLIP_BOX, values: [c[0] - size / 4, c[1] - size / 4, -1e4, c[0], c[1], 1e4], invertNormals: false, toLocal: null },
    { kind: CLIP_SPHERE, values: [c[0] + size / 4, c[1] + size / 4, c[2], size / 6], invertNormals: false, toLocal: null },
    { kind: CLIP_CAPSULE, values: [c[0] - size / 3, c[1] + size / 3, c[2], size / 20, c[0] + size / 3, c[1] - size / 3, c[2], size / 30], invertNormals: false, toLocal: null },
  ] }), null]],
  ['boxes, bounded and infinite planes', () => [request(somas, { models: [somas, shapes] }), null]],
  ['morphologies, clipping plane', () => [request(morphologies, { clipping: [{ kind: CLIP_PLANE, values: [1, 0, 0, middle(morphologies.circuit.bounds)[0]], invertNormals: false, toLocal: null }] }), null]],
  ['phong opacity 0.5', () => [request({ ...withMaterial('phong', { opacity: 0.5 }) }), null]],
  ['ghost material', () => [request(withMaterial('ghost', {})), null]],
  ['path tracer, glass', () => [request(withMaterial('glass', { index_of_refraction: 1.5 }), { renderer: PRODUCTION }), null]],
  ['path tracer, emissive', () => [request(withMaterial('emissive', { color: [1, 0.5, 0.2], intensity: 2 }), { renderer: PRODUCTION }), null]],
  ['Brayns tone mapping', () => [request(somas, { colorPipeline: colorPipeline('R3') }), null]],
].filter(([name]) => caseFilter === undefined || name.includes(caseFilter));

const ctx = { signal: new AbortController().signal, onProgress: () => {} };

async function frame(req, extras) {
  if (extras === null) return (await renderImage(req, ctx, { workers: 0 })).rgba;
  const rendered = await renderFrameWith(req, ctx, extras, { workers: 0 });
  const rgba = new Uint8Array(rendered.image.rgba);
  rendered.release();
  return rgba;
}

/** Per measured path with --profile: its top allocating functions, printed below the table. */
const allocators = [];

/** Starts V8's sampling heap profiler; resolves to what stops it and notes the top allocators. */
async function startSampling() {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return () => noteTopAllocators(session);
}

/** The five functions with the most sampled bytes allocated in their own code, into `allocators`. */
async function noteTopAllocators(session) {
  const { profile: heap } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const bySite = new Map();
  const walk = (node) => {
    const f = node.callFrame;
    const site = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*\/dist\//, '')}:${f.lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(heap.head);
  const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 5);
  allocators.push(top.map(([site, bytes]) => `${(bytes / 1e6).toFixed(1)} MB ${site}`).join(', '));
}

const loadBefore = loadavg()[0];
console.log(`Garbage per ${WIDTH}x${HEIGHT} frame rendered on the calling thread (workers: 0), each path after the ones above it in one process.\n`);
console.log(`| Path | Garbage per frame |${printSha ? ' sha1 of the RGBA |' : ''}`);
console.log(`| --- | ---: |${printSha ? ' --- |' : ''}`);
for (const [name, make] of cases) {
  const [req, extras] = make();
  const { bytes, result: rgba } = await measureGarbage(() => frame(req, extras), profile ? startSampling : null);
  const sha = printSha ? ` ${createHash('sha1').update(rgba).digest('hex')} |` : '';
  console.log(`| ${name} | ${(bytes / 1e6).toFixed(1)} MB |${sha}`);
}
await disposeRenderer();
if (profile) {
  console.log('\nTop allocating functions (sampled) per path:');
  cases.forEach(([name], i) => console.log(`- ${name}: ${allocators[i]}`));
}
const flags = process.argv.slice(2).map((a) => ` ${a}`).join('');
console.log(`\nLoad ${loadBefore.toFixed(2)} at start (bytes do not depend on it), Node ${process.version}. Command: \`npm run build && node bench/frame-garbage.bench.js${flags}\``);
