import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ApiVersion, type RunningServer } from '../../src/serve.js';
import { errorOf, RawClient, type Received } from './raw-client.js';

/**
 * Brayns' execution model (PROTOCOL §2.4, §3.4, §3.5) observed from real sockets: one FIFO across
 * clients, cancel with priority, progress notifications, disconnects and quit. Latency-simulation
 * mode gives loads and renders a known duration without CPU work.
 */

let dir: string;
let blueConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-request-queue-'));
  blueConfig = join(dir, 'BlueConfig');
  await writeFile(blueConfig, 'Run Default\n{\n  CircuitPath .\n}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const started: { server: RunningServer; clients: RawClient[] }[] = [];
async function setup(api: ApiVersion, loadMs: number, renderMs: number, clients = 1, maxClients = 2) {
  const server = await startServer({ api, latency: { loadMs, renderMs }, maxClients });
  const connected = await Promise.all(Array.from({ length: clients }, () => RawClient.connect(server.url)));
  started.push({ server, clients: connected });
  return { server, clients: connected };
}
afterEach(async () => {
  for (const { server, clients } of started.splice(0)) {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

const addModel = (id: number | string) => ({
  jsonrpc: '2.0',
  id,
  method: 'add-model',
  params: { path: blueConfig, loader_name: 'BBP loader', loader_properties: { percentage: 1, neuron_morphology_parameters: {} } },
});
const snapshot = (id: number | string) => ({ jsonrpc: '2.0', id, method: 'snapshot', params: { image_settings: { size: [8, 8] } } });
const isProgressFor = (id: number | string) => (m: Received) =>
  m.json !== undefined && !('id' in m.json) && (m.json['params'] as { id?: unknown } | undefined)?.id === id;

describe('one FIFO across clients', () => {
  it("answers a second client's request only after the first client's running load", async () => {
    const { clients } = await setup('3.10.1', 400, 0, 2);
    const [a, b] = clients as [RawClient, RawClient];
    a.send(addModel(1));
    await a.waitFor(isProgressFor(1));
    b.send({ jsonrpc: '2.0', id: 2, method: 'get-version' });
    const [loaded, version] = await Promise.all([a.answer(1), b.answer(2)]);
    expect(loaded.json?.['result']).toHaveLength(1);
    expect(version.seq).toBeGreaterThan(loaded.seq);
  });

  it('runs requests of one client in the order they were sent', async () => {
    const { clients } = await setup('2.0.0', 100, 0);
    const client = clients[0] as RawClient;
    client.send(addModel(1));
    client.send({ jsonrpc: '2.0', id: 2, method: 'get-scene' });
    const scene = await client.answer(2);
    expect((scene.json?.['result'] as { models: unknown[] }).models).toHaveLength(1);
  });
});

describe('cancel', () => {
  it.each(['2.0.0', '3.0.0', '3.10.1'] as const)('stops a running add-model at once: cancel reply, then code 20 (%s)', async (api) => {
    const { clients } = await setup(api, 20_000, 0);
    const client = clients[0] as RawClient;
    const t0 = Date.now();
    client.send(addModel(1));
    await client.waitFor(isProgressFor(1));
    client.send({ jsonrpc: '2.0', id: 2, method: 'cancel', params: { id: 1 } });
    const [cancelReply, cancelled] = await Promise.all([client.answer(2), client.answer(1)]);
    expect(cancelReply.json?.['result']).toBeNull();
    expect(errorOf(cancelled)).toMatchObject({ code: 20, message: 'Task has been cancelled' });
    expect(cancelReply.seq).toBeLessThan(cancelled.seq);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The cancelled load left nothing behind.
    expect((await client.result<{ models: unknown[] }>('get-scene')).models).toEqual([]);
  });

  it('stops a running snapshot', async () => {
    const { clients } = await setup('3.10.1', 0, 20_000);
    const client = clients[0] as RawClient;
    client.send(snapshot('shot'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.send({ jsonrpc: '2.0', id: 'stop', method: 'cancel', params: { id: 'shot' } });
    const [reply, error] = await Promise.all([client.answer('stop'), client.answer('shot')]);
    expect(reply.seq).toBeLessThan(error.seq);
    expect(errorOf(error).code).toBe(20);
  });

  it('marks a queued request, which is answered with code 20 when its turn comes', async () => {
    const { clients } = await setup('3.0.0', 300, 0);
    const client = clients[0] as RawClient;
    client.send(addModel(1));
    client.send(snapshot(2));
    client.send({ jsonrpc: '2.0', id: 3, method: 'cancel', params: { id: 2 } });
    const [cancelReply, loaded, cancelled] = await Promise.all([client.answer(3), client.answer(1), client.answer(2)]);
    expect(cancelReply.seq).toBeLessThan(loaded.seq);
    expect(loaded.json?.['result']).toHaveLength(1);
    expect(loaded.seq).toBeLessThan(cancelled.seq);
    expect(errorOf(cancelled).code).toBe(20);
  });

  it.each([
    ['2.0.0', 'No requests found with client 1 and ID 99.', "Trying to cancel request '1' twice"],
    ['3.0.0', 'No requests found with client 1 and ID 99.', "Trying to cancel request '1' twice"],
    ['3.10.1', 'No requests found with ID 1.', 'Request 1 already cancelled'],
  ] as const)('reports cancel failures with -32602 (%s)', async (api, notFound, twice) => {
    const { clients } = await setup(api, 1_000, 0, 2);
    const [a, b] = clients as [RawClient, RawClient];
    a.send(addModel(1));
    a.send({ jsonrpc: '2.0', id: 5, method: 'get-version' });
    a.send(snapshot(6));
    await a.waitFor(isProgressFor(1));
    expect(errorOf(await a.call('cancel', { id: null }))).toMatchObject({ code: -32602, message: 'Empty task ID' });
    expect(errorOf(await a.call('cancel', { id: 99 }))).toMatchObject({ code: -32602, message: notFound });
    expect(errorOf(await a.call('cancel', { id: 5 }))).toMatchObject({ code: -32602, message: "Method 'get-version' is not cancellable" });
    // Requests are matched by client and id: another client cannot cancel it.
    expect(errorOf(await b.call('cancel', { id: 1 })).code).toBe(-32602);
    // A queued request stays findable after its cancel, so the second cancel is refused.
    expect((await a.call('cancel', { id: 6 })).json?.['result']).toBeNull();
    expect(errorOf(await a.call('cancel', { id: 6 }))).toMatchObject({ code: -32602, message: twice.replace('1', '6') });
    expect((await a.call('cancel', { id: 1 })).json?.['result']).toBeNull();
    expect(errorOf(await a.answer(6)).code).toBe(20);
    expect(errorOf(await a.answer(1)).code).toBe(20);
  });
});

describe('progress notifications', () => {
  it("carry the request's method and id, no top-level id, amounts in [0, 1]", async () => {
    const { clients } = await setup('3.10.1', 200, 2_300);
    const client = clients[0] as RawClient;
    client.send(addModel('load'));
    client.send(snapshot('shot'));
    await client.answer('shot');
    const progress = client.received.filter((m) => m.json !== undefined && !('id' in m.json));
    const load = progress.filter((m) => m.json?.['method'] === 'add-model');
    const shot = progress.filter((m) => m.json?.['method'] === 'snapshot');
    expect(load.length).toBeGreaterThan(0);
    expect(shot.length).toBeGreaterThan(0);
    for (const m of progress) {
      const params = m.json?.['params'] as { id: unknown; operation: unknown; amount: number };
      expect(m.json?.['jsonrpc']).toBe('2.0');
      expect(typeof params.operation).toBe('string');
      expect(params.amount).toBeGreaterThanOrEqual(0);
      expect(params.amount).toBeLessThanOrEqual(1);
    }
    expect(load.every((m) => (m.json?.['params'] as { id: unknown }).id === 'load')).toBe(true);
    expect((shot[0]?.json?.['params'] as { operation: string }).operation).toBe('Rendering snapshot ...');
  });

  it('are not sent for notifications (requests without id)', async () => {
    const { clients } = await setup('3.10.1', 200, 0);
    const client = clients[0] as RawClient;
    client.send({ ...addModel(0), id: undefined });
    await client.call('get-version');
    expect(client.received.filter((m) => m.json?.['method'] === 'add-model')).toEqual([]);
  });
});

describe('disconnects, connection limit and quit', () => {
  it("drops a disconnected client's queued requests", async () => {
    const { server, clients } = await setup('3.10.1', 500, 0);
    const a = clients[0] as RawClient;
    const b = await RawClient.connect(server.url);
    a.send(addModel(1));
    await a.waitFor(isProgressFor(1));
    b.send({ jsonrpc: '2.0', id: 1, method: 'set-camera-orthographic', params: { height: 7 } });
    await b.close();
    await a.answer(1);
    expect(await a.result('get-camera-type')).toBe('perspective');
  });

  it("cancels a disconnected client's running snapshot but lets its running add-model finish", async () => {
    const { server, clients } = await setup('3.10.1', 400, 30_000);
    const observer = clients[0] as RawClient;
    const shooter = await RawClient.connect(server.url);
    shooter.send(snapshot(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await shooter.close();
    const t0 = Date.now();
    expect((await observer.result<{ major: number }>('get-version')).major).toBe(3);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const loader = await RawClient.connect(server.url);
    loader.send(addModel(1));
    await loader.waitFor(isProgressFor(1));
    await loader.close();
    expect((await observer.result<{ models: unknown[] }>('get-scene')).models).toHaveLength(1);
  });

  it('exit-later stops the server after the given minutes (R1/R2)', async () => {
    const server = await startServer({ api: '3.0.0' });
    const client = await RawClient.connect(server.url);
    // Beyond what one Node timer can hold: must not fire at once.
    expect(await client.result('exit-later', { minutes: 100_000 })).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await client.result<{ major: number }>('get-version')).major).toBe(3);
    expect(await client.result('exit-later', { minutes: 0 })).toBeNull();
    await server.closed;
    await client.closed;
    await server.close();
  });

  it('serves at most max-clients sessions; the next waits for a free slot', async () => {
    const { server, clients } = await setup('3.10.1', 0, 0, 1, 1);
    const first = clients[0] as RawClient;
    let secondOpen = false;
    const second = RawClient.connect(server.url).then((c) => {
      secondOpen = true;
      return c;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondOpen).toBe(false);
    await first.close();
    const client = await second;
    expect((await client.result<{ major: number }>('get-version')).major).toBe(3);
    await client.close();
  });

  it('frees the slot of a failed WebSocket handshake', async () => {
    const { server } = await setup('3.10.1', 0, 0, 0, 1);
    for (let i = 0; i < 3; i += 1) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(server.url.replace('ws://', 'http://'), {
          headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' },
        });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(400);
    }
    const client = await RawClient.connect(server.url);
    expect((await client.result<{ major: number }>('get-version')).major).toBe(3);
    await client.close();
  });

  it('quit replies null, then the server stops and `closed` resolves', async () => {
    const server = await startServer({ api: '2.0.0' });
    const client = await RawClient.connect(server.url);
    expect(await client.result('quit')).toBeNull();
    await server.closed;
    await client.closed;
    await expect(RawClient.connect(server.url)).rejects.toThrow();
    await server.close();
  });
});
