import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import type { BraynsEvent } from '../../src/brayns/events.js';
import type { BraynsClient, Progress } from '../../src/brayns/types.js';
import { SNAPSHOTS } from './fixtures.js';
import { reply, replyBinary, replyError, startScriptedServer, versionOf, type Received, type ScriptedServer } from './helpers/scripted-server.js';
import type { WebSocket } from 'ws';

let server: ScriptedServer | undefined;
let client: BraynsClient | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

type Handler = (request: Received, socket: WebSocket) => void;

/** A server that answers get-version as `api` and hands every other request to `handler`. */
async function serve(api: '2.0.0' | '3.0.0' | '3.10.1', handler: Handler, events: BraynsEvent[] = []): Promise<BraynsClient> {
  server = await startScriptedServer((request, socket) => {
    if (request.message.method === 'get-version') reply(socket, request.message.id, versionOf(api));
    else handler(request, socket);
  });
  client = await connect(server.hostPort, { retries: 0, onEvent: (e) => events.push(e) });
  return client;
}

/** Resolves when the server has received a request with that method. */
function received(method: string): Promise<Received> {
  return vi.waitUntil(() => server?.received.find((r) => r.message.method === method), { timeout: 5000, interval: 5 });
}

describe('binary replies (R2/R3)', () => {
  it('slices the image out of the attachment at color_buffer offset/size', async () => {
    const c = await serve('3.10.1', ({ message }, socket) =>
      replyBinary(socket, message.id, { color_buffer: { offset: 3, size: 4 } }, Buffer.from('xxxPNG!yy')),
    );
    expect((await c.snapshot(SNAPSHOTS.png!))?.toString()).toBe('PNG!');
  });

  it('fails every pending request with a PROTOCOL error on a binary frame with a bad length header', async () => {
    const c = await serve('3.0.0', ({ message }, socket) => {
      if (message.method === 'snapshot') {
        const bad = Buffer.alloc(8);
        bad.writeUInt32LE(1000);
        socket.send(bad, { binary: true });
      }
    });
    const pending = c.getScene();
    await expect(c.snapshot(SNAPSHOTS.png!)).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('announces 1000 bytes') as string });
    await expect(pending).rejects.toMatchObject({ code: 'PROTOCOL' });
    await expect(c.registry()).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('reports a missing attachment as a PROTOCOL error', async () => {
    const c = await serve('3.0.0', ({ message }, socket) => reply(socket, message.id, { color_buffer: { offset: 0, size: 10 } }));
    await expect(c.snapshot(SNAPSHOTS.png!)).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('attachment has 0 bytes') as string });
  });
});

describe('binary requests', () => {
  it('sends an attachment after the request JSON in one [u32][JSON][bytes] frame (R2/R3)', async () => {
    const c = await serve('3.10.1', ({ message }, socket) => replyBinary(socket, message.id, { ok: true }, Buffer.from('back')));
    const reply = await c.requestBinary!('upload-model', { loader_name: 'mesh', type: 'obj' }, Buffer.from('v 0 0 0'));
    expect(reply.result).toEqual({ ok: true });
    expect(reply.attachment?.toString()).toBe('back');
    const sent = server!.received.find((r) => r.message.method === 'upload-model')!;
    expect(sent.text).toBe(false);
    expect(sent.message.params).toEqual({ loader_name: 'mesh', type: 'obj' });
    expect(sent.attachment?.toString()).toBe('v 0 0 0');
  });

  it('refuses binary requests on R1 with a CAPABILITY error', async () => {
    const c = await serve('2.0.0', () => {});
    await expect(c.requestBinary!('request-model-upload', {}, Buffer.from('x'))).rejects.toMatchObject({ code: 'CAPABILITY' });
  });
});

describe('R1 text replies', () => {
  it('decodes base64 snapshots and ignores the unrelated binary frames R1 broadcasts', async () => {
    const events: BraynsEvent[] = [];
    const c = await serve(
      '2.0.0',
      ({ message }, socket) => {
        socket.send(Buffer.from([0xff, 0xd8, 0xff]), { binary: true }); // a viewport JPEG broadcast
        reply(socket, message.id, { data: Buffer.from('an image').toString('base64') });
      },
      events,
    );
    expect((await c.snapshot(SNAPSHOTS.png!))?.toString()).toBe('an image');
    expect(events.map((e) => e.code)).toContain('brayns.binary.ignored');
  });

  it('turns an empty R1 image (an encoding failure) into a clear error', async () => {
    const c = await serve('2.0.0', ({ message }, socket) => reply(socket, message.id, { data: '' }));
    await expect(c.snapshot(SNAPSHOTS.png!)).rejects.toMatchObject({ code: 'RENDER_FAILED', message: expect.stringContaining('empty snapshot') as string });
  });
});

describe('progress, errors and cancellation', () => {
  it('surfaces progress notifications (method = the request\'s method) to onProgress', async () => {
    const c = await serve('3.10.1', ({ message }, socket) => {
      for (const amount of [0.25, 0.5]) socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'add-model', params: { id: message.id, operation: 'Neuron load', amount } }));
      // A progress for some other request must not reach this caller.
      socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'add-model', params: { id: 999, operation: 'other', amount: 1 } }));
      reply(socket, message.id, []);
    });
    const seen: Progress[] = [];
    const { SPHERES } = await import('./fixtures.js');
    await c.loadCircuit(SPHERES, { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { operation: 'Neuron load', amount: 0.25 },
      { operation: 'Neuron load', amount: 0.5 },
    ]);
  });

  it('renders -32602 errors with their data list, and keeps {code, message, data} on the error', async () => {
    const c = await serve('3.10.1', ({ message }, socket) =>
      replyError(socket, message.id, -32602, 'Invalid loader params schema', ["missing required property 'path'", "unknown property 'foo'"]),
    );
    const error = await c.getModel(3).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'JSONRPC',
      data: { code: -32602, message: 'Invalid loader params schema', data: ["missing required property 'path'", "unknown property 'foo'"] },
    });
    expect((error as Error).message).toBe("Brayns rejected 'get-model' (-32602 Invalid loader params schema):\n  - missing required property 'path'\n  - unknown property 'foo'");
  });

  it('fails every pending request at once on an error with id null', async () => {
    const c = await serve('3.0.0', ({ message }, socket) => {
      if (message.method === 'get-scene') replyError(socket, null, -32600, 'Invalid request schema', null);
    });
    const first = c.registry();
    const second = c.getLoaders();
    const third = c.getScene();
    for (const p of [first, second, third]) await expect(p).rejects.toMatchObject({ code: 'JSONRPC', data: { code: -32600 } });
  });

  it('sends cancel for the request id when the signal fires; the request rejects with CANCELLED', async () => {
    const c = await serve('3.10.1', ({ message }, socket) => {
      if (message.method === 'cancel') {
        const target = (message.params as { id: number }).id;
        reply(socket, message.id, null);
        replyError(socket, target, 20, 'Task has been cancelled');
      }
      if (message.method === 'registry') reply(socket, message.id, ['snapshot']);
    });
    const abort = new AbortController();
    const snapshot = c.snapshot(SNAPSHOTS.png!, { signal: abort.signal });
    const request = await received('snapshot');
    abort.abort(new Error('user pressed Ctrl-C'));
    await expect(snapshot).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('user pressed Ctrl-C') as string });
    const cancel = await received('cancel');
    expect(cancel.message.params).toEqual({ id: request.message.id });
    // The late code-20 error is dropped and the connection keeps working.
    expect(await c.registry()).toEqual(['snapshot']);
  });

  it('rejects a request the server cancelled by itself (code 20) with CANCELLED', async () => {
    const c = await serve('3.0.0', ({ message }, socket) => replyError(socket, message.id, 20, 'Task has been cancelled'));
    await expect(c.snapshot(SNAPSHOTS.png!)).rejects.toMatchObject({ code: 'CANCELLED', data: { code: 20 } });
  });

  it('times out a request the server never answers, and cancels it server-side', async () => {
    const c = await serve('3.10.1', () => {});
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const scene = c.getScene({ timeoutMs: 60_000 });
    const settled = vi.fn();
    scene.catch(settled);
    await vi.waitUntil(() => server?.received.some((r) => r.message.method === 'get-scene'), { interval: 5 });
    vi.advanceTimersByTime(59_999);
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    await expect(scene).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining("did not answer 'get-scene' within 60000 ms") as string });
    vi.useRealTimers();
    const cancel = await received('cancel');
    expect((cancel.message.params as { id: number }).id).toBe(server!.received.find((r) => r.message.method === 'get-scene')!.message.id);
  });

  it('uses the connect-wide default timeout for quick methods but none for async ones', async () => {
    server = await startScriptedServer((request, socket) => {
      if (request.message.method === 'get-version') reply(socket, request.message.id, versionOf('3.10.1'));
    });
    client = await connect(server.hostPort, { retries: 0, requestTimeoutMs: 1000 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const registry = client.registry();
    const snapshot = client.snapshot(SNAPSHOTS.png!);
    const snapshotSettled = vi.fn();
    snapshot.catch(snapshotSettled);
    vi.advanceTimersByTime(1000);
    await expect(registry).rejects.toMatchObject({ code: 'TIMEOUT' });
    vi.advanceTimersByTime(3_600_000);
    await Promise.resolve();
    expect(snapshotSettled).not.toHaveBeenCalled();
    vi.useRealTimers();
    await client.close();
    await expect(snapshot).rejects.toMatchObject({ code: 'CONNECTION' });
  });
});

describe('large R1 replies', () => {
  const image = Buffer.from(Uint8Array.from({ length: 600_000 }, (_, i) => (i * 7919) % 251));
  const base64 = image.toString('base64');

  it.each([
    ['as plain JSON', base64],
    ['with escaped slashes (Poco writes / as \\/)', base64.replaceAll('/', '\\/')],
  ])('decodes a %s base64 snapshot to the exact bytes', async (_name, encoded) => {
    const c = await serve('2.0.0', ({ message }, socket) => socket.send(`{"id":${String(message.id)},"jsonrpc":"2.0","result":{"data":"${encoded}"}}`));
    const bytes = await c.snapshot(SNAPSHOTS.png!);
    expect(bytes?.equals(image)).toBe(true);
  });

  it('still reads large replies whose big string is not the image', async () => {
    const c = await serve('2.0.0', ({ message }, socket) => reply(socket, message.id, { bounds: null, models: [{ model_id: 0, metadata: { data: 'x'.repeat(400_000) } }] }));
    const scene = await c.getScene();
    expect(scene.models[0]?.metadata.data?.length).toBe(400_000);
  });
});
