// Built-in server protocol overhead. (1) get-version round trip through the full stack (envelope
// and params validation, FIFO executor, sorted-key JSON) against a bare `ws` echo server answering
// the same request in the same run. (2) latency-simulation snapshots (what the orchestration
// benchmark measures against): time above the configured render time, for a full-HD PNG.
// (3) real renders: a full-HD PNG snapshot, one at a time and pipelined (the client keeps two in
// flight, so encoding overlaps the next render), against the bare render of the same frames in the
// same run (the renderer's own `rendered` events, timed while nothing else runs), with each
// image encoder. (4) memory: a `render-recipes serve` process loads 1,000,000 spheres through
// `add-spheres` (batches under the default 16 MB message limit), renders a full-HD PNG, and its
// peak RSS (VmHWM) is read from /proc against the same process's RSS once started.
// Run: npm run build && node bench/serve.bench.js [--quick|--smoke] [--only memory|render]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { configureImageEncoder, startServer } from '@render-recipes/server';
import { renderEvents } from '../packages/server/dist/render/index.js';
import { generateSampleCircuit } from '../packages/server/dist/sample/generate.js';
import { bySize, quick, sizeFlag, smoke } from './mode.js';
import { somaCircuit } from './scenes.js';

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? null : process.argv[onlyAt + 1];
const runs = (section) => only === null || only === section;
const ROUND_TRIPS = bySize(2000, 200, 20);
const SNAPSHOTS = bySize(40, 10, 2);
// A smoke run renders small images of a few cells: it only proves that every step still runs.
const FRAME = smoke ? [320, 180] : [1920, 1080];
const RENDER_MS = 50;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function open(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = new Map();
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? data.subarray(4, 4 + data.readUInt32LE(0)).toString() : data.toString();
    const message = JSON.parse(text);
    if (!('id' in message)) return;
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  let next = 0;
  const call = (method, params) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params }));
    });
  return { call, close: () => ws.close() };
}

async function roundTrips(url) {
  const client = await open(url);
  for (let i = 0; i < 50; i++) await client.call('get-version');
  const times = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const t0 = performance.now();
    await client.call('get-version');
    times.push(performance.now() - t0);
  }
  client.close();
  return median(times);
}

async function echoServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) =>
    socket.on('message', (data) => {
      const { id } = JSON.parse(data.toString());
      socket.send(JSON.stringify({ id, jsonrpc: '2.0', result: { major: 3, minor: 10, patch: 1, revision: 'echo' } }));
    }),
  );
  return { url: `ws://127.0.0.1:${wss.address().port}`, close: () => new Promise((resolve) => wss.close(resolve)) };
}

const rows = [];

async function protocolOverhead() {
  const echo = await echoServer();
  const baseline = await roundTrips(echo.url);
  await echo.close();
  rows.push(['get-version round trip, bare ws echo (baseline)', `${(baseline * 1000).toFixed(0)} µs`, '1.00×']);
  for (const api of ['2.0.0', '3.10.1']) {
    const server = await startServer({ api });
    const rtt = await roundTrips(server.url);
    await server.close();
    rows.push([`get-version round trip, built-in server ${api}`, `${(rtt * 1000).toFixed(0)} µs`, `${(rtt / baseline).toFixed(2)}×`]);
  }

  const server = await startServer({ api: '3.10.1', latency: { loadMs: 0, renderMs: RENDER_MS } });
  const client = await open(server.url);
  const params = { image_settings: { format: 'png', size: [1920, 1080] } };
  await client.call('snapshot', params);
  const overheads = [];
  for (let i = 0; i < SNAPSHOTS; i++) {
    const t0 = performance.now();
    const reply = await client.call('snapshot', params);
    if (!reply.result) throw new Error(JSON.stringify(reply));
    overheads.push(performance.now() - t0 - RENDER_MS);
  }
  client.close();
  await server.close();
  rows.push([`latency-sim snapshot 1920x1080 PNG, time above render ${RENDER_MS} ms`, `${median(overheads).toFixed(2)} ms`, `${(median(overheads) / RENDER_MS * 100).toFixed(1)}% of render`]);
}

/** A camera looking down -z at the whole of `bounds` with Brayns' default 45° field of view. */
function cameraView({ min, max }) {
  const center = min.map((v, a) => (v + max[a]) / 2);
  const distance = Math.max(max[1] - min[1], (max[0] - min[0]) * 9 / 16) / 2 / Math.tan(Math.PI / 8) + (max[2] - min[2]) / 2;
  return { position: [center[0], center[1], center[2] + distance], target: center, up: [0, 1, 0] };
}

/** (3) Real renders: 2,000 sample morphologies (somata and dendrites), shadows on, per encoder. */
async function realSnapshots() {
  const PIPELINED = 6;
  const dir = await mkdtemp(join(tmpdir(), 'rr-serve-bench-'));
  try {
    const { blueConfig } = await generateSampleCircuit(join(dir, 'circuit'));
    const real = await startServer({ api: '3.10.1' });
    const c = await open(real.url);
    const loaded = await c.call('add-model', {
      path: blueConfig,
      loader_name: 'BBP loader',
      loader_properties: { percentage: smoke ? 0.01 : 1, neuron_morphology_parameters: { radius_multiplier: 3, load_soma: true, load_dendrites: true } },
    });
    if (!loaded.result) throw new Error(JSON.stringify(loaded));
    await c.call('add-light-directional', { intensity: 0.8, color: [1, 1, 1], direction: [-1, -1, -1] });
    const shot = {
      image_settings: { format: 'png', size: FRAME },
      camera_view: cameraView(loaded.result[0].bounds),
      renderer: { name: 'interactive', params: { enable_shadows: true } },
    };
    const renders = [];
    const onRendered = ({ ms }) => renders.push(ms);
    const snap = async () => {
      const reply = await c.call('snapshot', shot);
      if (!reply.result) throw new Error(JSON.stringify(reply));
    };
    // The stb-compatible encoder costs several times sharp's CPU: fewer rounds keep the bench short.
    for (const [encoder, rounds] of [['sharp', bySize(5, 2, 1)], ['brayns', bySize(2, 1, 1)]]) {
      configureImageEncoder(encoder);
      await snap();
      const bare = [];
      const oneAtATime = [];
      const pipelined = [];
      for (let round = 0; round < rounds; round++) {
        // One at a time: the render runs alone, so its own time is the bare render.
        for (let i = 0; i < 3; i++) {
          renderEvents.on('rendered', onRendered);
          const t0 = performance.now();
          await snap();
          oneAtATime.push(performance.now() - t0);
          renderEvents.off('rendered', onRendered);
          bare.push(renders.pop());
        }
        // Pipelined: two requests in flight, as a movie client sends frames.
        const t0 = performance.now();
        let sent = 0;
        const inFlight = new Set();
        while (sent < PIPELINED || inFlight.size > 0) {
          while (sent < PIPELINED && inFlight.size < 2) {
            const p = snap().then(() => inFlight.delete(p));
            inFlight.add(p);
            sent++;
          }
          await Promise.race(inFlight);
        }
        pipelined.push((performance.now() - t0) / PIPELINED);
      }
      const base = median(bare);
      rows.push([`bare render 1920x1080, 2,000 morphologies, shadows (baseline for the next two)`, `${base.toFixed(0)} ms`, '1.00×']);
      rows.push([`serve snapshot 1920x1080 PNG (--image-encoder ${encoder}), one at a time`, `${median(oneAtATime).toFixed(0)} ms`, `${(median(oneAtATime) / base).toFixed(2)}×`]);
      rows.push([`serve snapshot 1920x1080 PNG (--image-encoder ${encoder}), pipelined (2 in flight), per frame`, `${median(pipelined).toFixed(0)} ms`, `${(median(pipelined) / base).toFixed(2)}×`]);
    }
    configureImageEncoder('sharp');
    c.close();
    await real.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Fields of /proc/<pid>/status in MB (Linux only). */
async function procMemory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** A `render-recipes serve --port 0` child process, resolved once it prints its ready line. */
async function serveProcess() {
  const bin = fileURLToPath(new URL('../bin/render-recipes.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--api', '3.10.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /ws:\/\/[^\s]+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { url, pid: child.pid, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** (4) Peak RSS of a `serve` process holding 1,000,000 spheres and rendering them at full HD. */
async function millionSpheresMemory() {
  const COUNT = bySize(1_000_000, 100_000, 2_000);
  const BATCH = Math.min(COUNT / 2, 100_000);
  const { centers, radii } = somaCircuit(COUNT).circuit.spheres;
  const serve = await serveProcess();
  try {
    const started = await procMemory(serve.pid);
    const c = await open(serve.url);
    const boxes = [];
    const trips = [];
    let messageBytes = 0;
    for (let first = 0; first < COUNT; first += BATCH) {
      const parts = [];
      for (let i = first; i < Math.min(COUNT, first + BATCH); i++) {
        const [x, y, z] = [centers[i * 3], centers[i * 3 + 1], centers[i * 3 + 2]].map((v) => Math.round(v * 100) / 100);
        parts.push(`{"geometry":{"center":[${x},${y},${z}],"radius":${radii[i]}},"color":[0.9,0.8,0.7,1]}`);
      }
      const items = JSON.parse(`[${parts.join(',')}]`);
      messageBytes = Math.max(messageBytes, parts.join(',').length);
      const sent = performance.now();
      const reply = await c.call('add-spheres', items);
      trips.push(performance.now() - sent);
      if (!reply.result) throw new Error(JSON.stringify(reply));
      boxes.push(reply.result.bounds);
    }
    const loaded = await procMemory(serve.pid);
    const bounds = {
      min: [0, 1, 2].map((a) => Math.min(...boxes.map((b) => b.min[a]))),
      max: [0, 1, 2].map((a) => Math.max(...boxes.map((b) => b.max[a]))),
    };
    await c.call('add-light-directional', { intensity: 0.8, color: [1, 1, 1], direction: [-1, -1, -1] });
    const snapshot = async () => {
      const reply = await c.call('snapshot', {
        image_settings: { format: 'png', size: FRAME },
        camera_view: cameraView(bounds),
        renderer: { name: 'interactive', params: { enable_shadows: true } },
      });
      if (!reply.result) throw new Error(JSON.stringify(reply));
      return procMemory(serve.pid);
    };
    const rendered = await snapshot();
    // A second frame of the same scene also holds what renders keep between frames (the colours
    // in BVH leaf order, made once the colours are seen twice).
    const again = await snapshot();
    c.close();
    const label = `${COUNT.toLocaleString('en-US')} spheres`;
    rows.push([`serve RSS once listening (baseline)`, `${started.rss.toFixed(0)} MB`, '-']);
    rows.push([`serve peak RSS (VmHWM) after add-spheres of ${label} in ${COUNT / BATCH} messages`, `${loaded.hwm.toFixed(0)} MB`, `RSS now ${loaded.rss.toFixed(0)} MB`]);
    rows.push([`serve peak RSS (VmHWM) after a full-HD PNG snapshot of them, shadows (goal < 250 MB)`, `${rendered.hwm.toFixed(0)} MB`, `RSS now ${rendered.rss.toFixed(0)} MB`]);
    rows.push([`serve peak RSS (VmHWM) after a second snapshot of them (goal < 250 MB)`, `${again.hwm.toFixed(0)} MB`, `RSS now ${again.rss.toFixed(0)} MB`]);
    // Regression guards: what the snapshot (BVH builds, render, encode) adds to the loading peak
    // (the scene's BVHs are ~72 MB at 1M spheres), and the goal as a verdict.
    rows.push([`  what the snapshot adds to the peak`, `${(rendered.hwm - loaded.hwm).toFixed(0)} MB`, `peak ${(rendered.hwm / started.rss).toFixed(2)}x the listening RSS`]);
    rows.push([`  goal: peak under 250 MB`, again.hwm < 250 ? 'met' : `missed by ${(again.hwm - 250).toFixed(0)} MB`, '-']);
    rows.push([`add-spheres round trip, ${BATCH.toLocaleString('en-US')} spheres (${(messageBytes / 2 ** 20).toFixed(1)} MB message), median of ${trips.length}`, `${median(trips).toFixed(0)} ms`, `max ${Math.max(...trips).toFixed(0)} ms`]);
  } finally {
    await serve.stop();
  }
}

if (runs('protocol')) await protocolOverhead();
if (runs('render')) await realSnapshots();
if (runs('memory')) await millionSpheresMemory();

console.log(`Command: npm run build && node bench/serve.bench.js${sizeFlag}${only ? ` --only ${only}` : ''}`);
console.log(`Load average during the run: ${loadavg().map((v) => v.toFixed(1)).join(' ')} (${cpus().length} cores).`);
console.log('Goals: full-stack round trip within a few times a bare ws echo; latency-sim overhead a small fraction of the simulated render; a pipelined full-HD PNG snapshot within 1.2x of the bare render; 1M spheres under 250 MB peak RSS in serve.\n');
console.log('| measurement | median | vs baseline |');
console.log('|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
