// Brayns client overhead per snapshot request, against an in-process WebSocket server that answers
// at once with a full-HD-PNG-sized payload (3 MB): R3 binary framing and R1 base64 text. The
// baseline is a raw `ws` client doing the same round trips in the same run.
// Run: npm run build && node --expose-gc bench/client.bench.js [--quick|--smoke]
import { randomBytes } from 'node:crypto';
import WebSocket, { WebSocketServer } from 'ws';
import { connect } from '../dist/brayns/connect.js';
import { bySize, sizeFlag } from './mode.js';

const PAYLOAD_BYTES = 3 * 1024 * 1024;
const ROUNDS = bySize(15, 4, 1);
const PER_ROUND = bySize(10, 5, 2);
const MEMORY_REQUESTS = bySize(300, 50, 10);

const image = randomBytes(PAYLOAD_BYTES);
image.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const REQUEST = {
  size: [1920, 1080],
  format: 'png',
  camera: { type: 'perspective', fovy: 45 },
  view: { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] },
  renderer: { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 3, background: [0, 0, 0, 1], shadows: true, aoSamples: 0 },
};

/**
 * One reply buffer per revision, reused for every request: the id is written into space-padded
 * room inside the JSON (whitespace is valid JSON), so the server does no per-request copying and
 * both clients see the same server cost. Requests are sequential, so a frame is flushed before the
 * buffer is rewritten.
 */
function replyTemplate(api) {
  const idRoom = ' '.repeat(12);
  if (api === '2.0.0') {
    const text = `{"id":${idRoom},"jsonrpc":"2.0","result":{"data":"${image.toString('base64')}"}}`;
    return { frame: Buffer.from(text), idAt: 6, binary: false };
  }
  const json = Buffer.from(`{"id":${idRoom},"jsonrpc":"2.0","result":{"color_buffer":{"offset":0,"size":${image.length}}}}`);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(json.length);
  return { frame: Buffer.concat([header, json, image]), idAt: 4 + 6, binary: true };
}

async function startServer(api) {
  const template = replyTemplate(api);
  const [major, minor, patch] = api.split('.').map(Number);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const { id, method } = JSON.parse(data.toString());
      if (method === 'get-version') {
        socket.send(JSON.stringify({ id, jsonrpc: '2.0', result: { major, minor, patch, revision: 'bench' } }));
        return;
      }
      template.frame.write(String(id).padStart(12, ' '), template.idAt, 'latin1');
      socket.send(template.frame, { binary: template.binary });
    });
  });
  return { url: `ws://127.0.0.1:${wss.address().port}/`, close: () => new Promise((resolve) => wss.close(resolve)) };
}

/** The raw baseline: send the same request text, wait for the whole reply frame, nothing else. */
async function rawClient(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false, autoPong: false, maxPayload: 2 ** 30 });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  let waiting;
  ws.on('message', (data) => waiting(data));
  const params = { image_settings: { format: 'png', size: [1920, 1080] }, camera_view: REQUEST.view };
  return {
    snapshot: () =>
      new Promise((resolve) => {
        waiting = resolve;
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'snapshot', params }));
      }),
    close: () => ws.close(),
  };
}

/** Runs `count` requests; returns wall-clock and CPU (user + system) milliseconds per request. */
async function timeBlock(snapshot, count) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const reply = await snapshot();
    if (reply.length < PAYLOAD_BYTES) throw new Error(`short reply: ${reply.length} bytes`);
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e6 / count;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 / count };
}

/** The minimum an R1 client does: cut the base64 out of the frame and decode it. */
function decodeR1(frame) {
  const start = frame.indexOf('"data":"') + 8;
  return Buffer.from(frame.toString('latin1', start, frame.indexOf('"', start)), 'base64');
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function measure(api) {
  const server = await startServer(api);
  const raw = await rawClient(server.url);
  const client = await connect(server.url, { retries: 0 });
  const viaClient = () => client.snapshot(REQUEST);
  const contenders = { raw: raw.snapshot, client: viaClient };
  // R1's base64 decode is work any R1 client must do: a second baseline does just that.
  if (api === '2.0.0') contenders.rawDecode = () => raw.snapshot().then(decodeR1);
  const names = Object.keys(contenders);
  const times = Object.fromEntries(names.map((k) => [k, { wall: [], cpu: [] }]));
  for (const name of names) await timeBlock(contenders[name], 10);
  // Blocks of each contender in turn, rotating who goes first, so GC and the other processes on
  // the machine hit all alike; medians over blocks drop the odd pause. The server runs in this
  // process too, so its CPU is in every figure alike and cancels out in the differences.
  for (let round = 0; round < ROUNDS; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(round + j) % names.length];
      const { wall, cpu } = await timeBlock(contenders[name], PER_ROUND);
      times[name].wall.push(wall);
      times[name].cpu.push(cpu);
    }
  }
  const stats = (name) => times[name] && { wall: median(times[name].wall), cpu: median(times[name].cpu) };
  // Memory after N/2 and after N more requests: flat means the second half adds nothing.
  const before = memory();
  for (let i = 0; i < MEMORY_REQUESTS / 2; i++) await viaClient();
  const half = memory();
  for (let i = 0; i < MEMORY_REQUESTS / 2; i++) await viaClient();
  const after = memory();
  raw.close();
  await client.close();
  await server.close();
  return { api, raw: stats('raw'), rawDecode: stats('rawDecode'), client: stats('client'), growth: after - before, secondHalf: after - half };
}

const rows = [];
for (const api of ['3.10.1', '2.0.0']) rows.push(await measure(api));

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
console.log(`Command: \`npm run build && node --expose-gc bench/client.bench.js${sizeFlag}\`  `);
console.log(`Payload: ${mb(PAYLOAD_BYTES)} MiB PNG-like image per snapshot; medians over ${ROUNDS} blocks of ${PER_ROUND} sequential requests per contender, taken in turn; memory after ${MEMORY_REQUESTS} more requests${globalThis.gc ? '' : ' (no --expose-gc: memory numbers are noisy)'}.\n`);
console.log('| revision | wire format | raw ws client: wall / CPU ms per request | minimal-decode baseline: wall / CPU | render-recipes client: wall / CPU | client overhead beyond baseline: wall / CPU ms | goal < 1 ms (CPU) | heap+external growth: over N requests / over the last N/2 |');
console.log('|---|---|---|---|---|---|---|---|');
const pair = (s) => `${s.wall.toFixed(2)} / ${s.cpu.toFixed(2)}`;
for (const r of rows) {
  const baseline = r.rawDecode ?? r.raw;
  const overhead = { wall: r.client.wall - baseline.wall, cpu: r.client.cpu - baseline.cpu };
  const format = r.api === '2.0.0' ? 'R1: base64 in a text frame' : 'R3: [u32][JSON][attachment] binary frame';
  const decode = r.rawDecode === undefined ? 'n/a (nothing to decode)' : pair(r.rawDecode);
  console.log(`| ${r.api} | ${format} | ${pair(r.raw)} | ${decode} | ${pair(r.client)} | ${pair(overhead)} | ${overhead.cpu < 1 ? 'met' : 'NOT met'} | ${mb(r.growth)} MiB / ${mb(r.secondHalf)} MiB (N = ${MEMORY_REQUESTS}) |`);
}
