import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ApiVersion, type RunningServer } from '../../src/serve.js';
import { errorOf, RawClient } from './raw-client.js';

/** Envelope, parse and params errors: codes, messages, data and id rules per revision (PROTOCOL §3). */

const revisions: { api: ApiVersion; parse: string; envelope: string; dataNull: boolean; notificationErrors: boolean }[] = [
  { api: '2.0.0', parse: 'Request is not a valid JSON: ', envelope: 'Invalid request schema', dataNull: true, notificationErrors: true },
  { api: '3.0.0', parse: 'Request is not a valid JSON: ', envelope: 'Invalid request schema', dataNull: true, notificationErrors: true },
  { api: '3.10.1', parse: 'Invalid JSON: ', envelope: 'Invalid JSON-RPC request schema', dataNull: false, notificationErrors: false },
];

describe.each(revisions)('envelope errors, Brayns $api', (rev) => {
  let server: RunningServer;
  let client: RawClient;
  beforeAll(async () => {
    server = await startServer({ api: rev.api });
    client = await RawClient.connect(server.url);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  /** Sends a raw frame and waits for the error answered with id null. */
  async function nullIdError(text: string): Promise<{ code: number; message: string; data?: unknown }> {
    const before = client.received.length;
    client.sendText(text);
    const reply = await client.waitFor((m) => client.received.indexOf(m) >= before && m.json?.['id'] === null);
    return errorOf(reply);
  }

  it('answers a frame that is not JSON with -32700 and id null', async () => {
    const error = await nullIdError('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(error.code).toBe(-32700);
    expect(error.message.startsWith(rev.parse)).toBe(true);
  });

  it.each([
    ['an extra top-level key', '{"jsonrpc":"2.0","id":1,"method":"get-version","extra":1}'],
    ['a batch (top-level array)', '[{"jsonrpc":"2.0","id":1,"method":"get-version"}]'],
    ['a float id', '{"jsonrpc":"2.0","id":1.5,"method":"get-version"}'],
    ['an integral id spelled as a float', '{"jsonrpc":"2.0","id":1.0,"method":"get-version"}'],
    ['a missing method', '{"jsonrpc":"2.0","id":1}'],
    ['a numeric jsonrpc', '{"jsonrpc":2,"id":1,"method":"get-version"}'],
  ])('rejects %s with -32600 and the schema problems in data', async (_name, text) => {
    const error = await nullIdError(text);
    expect(error.code).toBe(-32600);
    expect(error.message).toBe(rev.envelope);
    expect(Array.isArray(error.data)).toBe(true);
    expect((error.data as string[]).length).toBeGreaterThan(0);
  });

  it('rejects another JSON-RPC version and an empty method with -32600', async () => {
    const version = await nullIdError('{"jsonrpc":"1.0","id":1,"method":"get-version"}');
    expect(version).toMatchObject({ code: -32600, message: "Unsupported JSON-RPC version: '1.0'" });
    const empty = await nullIdError('{"jsonrpc":"2.0","id":1,"method":""}');
    expect(empty).toMatchObject({ code: -32600, message: 'No methods provided in request' });
    // Errors without detail: R1/R2 write data null, R3 leaves it out.
    expect('data' in version).toBe(rev.dataNull);
    if (rev.dataNull) expect(version.data).toBeNull();
  });

  it('answers an unknown method with -32601 and the request id', async () => {
    const error = errorOf(await client.call('no-such-method', undefined, 41));
    expect(error).toMatchObject({ code: -32601, message: "Method 'no-such-method' not found" });
  });

  it('sends errors for notifications with id null only in R1/R2', async () => {
    client.send({ jsonrpc: '2.0', method: 'no-such-method' });
    // A request sent afterwards is answered after any error for the notification.
    await client.call('get-version', undefined, 'after-notification');
    const notificationError = client.received.find((m) => m.json?.['id'] === null && m.text.includes('no-such-method'));
    expect(notificationError !== undefined).toBe(rev.notificationErrors);
  });

  it('requires params for object methods and rejects them for methods without', async () => {
    const absent = errorOf(await client.call('get-model'));
    expect(absent.code).toBe(-32602);
    expect(absent.message).toBe('Invalid params schema');
    const extra = errorOf(await client.call('get-version', {}));
    expect(extra).toMatchObject({ code: -32602, message: 'This method takes no params' });
    const nullParams = await client.call('get-version', null);
    expect(nullParams.json?.['result']).toMatchObject({ major: expect.any(Number) as number });
  });

  it('rejects 1.0 where an integer is required but accepts integers where numbers are', async () => {
    client.sendText('{"jsonrpc":"2.0","id":"float-id","method":"get-model","params":{"id":1.0}}');
    const error = errorOf(await client.answer('float-id'));
    expect(error.code).toBe(-32602);
    expect(String((error.data as string[])[0])).toMatch(/integer/);
    const ok = await client.call('set-camera-orthographic', { height: 3 });
    expect(ok.json?.['result']).toBeNull();
  });

  it('lists every problem of invalid params in data', async () => {
    const error = errorOf(await client.call('snapshot', { image_settings: { size: [1] }, bogus: true }));
    expect(error.code).toBe(-32602);
    expect(error.data as string[]).toHaveLength(2);
  });
});

describe('validation wording per revision', () => {
  it.each([
    ['2.0.0', ["Unknown property: 'foo'", "Missing property: 'id'"]],
    ['3.10.1', ["unknown property 'foo'", "missing required property 'id'"]],
  ] as const)('Brayns %s words schema errors its own way', async (api, expected) => {
    const server = await startServer({ api });
    const client = await RawClient.connect(server.url);
    try {
      const error = errorOf(await client.call('get-model', { foo: 1 }));
      expect(error.data as string[]).toEqual(expect.arrayContaining([...expected]));
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('R3 rejects read-only properties, R1/R2 ignore them', async () => {
    for (const [api, rejected] of [['2.0.0', false], ['3.0.0', false], ['3.10.1', true]] as const) {
      const server = await startServer({ api });
      const client = await RawClient.connect(server.url);
      try {
        const answer = await client.call('set-simulation-parameters', { current: 0, dt: 5, unit: 'ms' });
        if (rejected) {
          const error = errorOf(answer);
          expect(error.code).toBe(-32602);
          expect(error.data).toEqual(["read only property 'dt'", "read only property 'unit'"]);
        } else {
          expect(answer.json?.['result']).toBeNull();
          const params = await client.result<{ dt: number }>('get-simulation-parameters');
          expect(params.dt).not.toBe(5);
        }
      } finally {
        await client.close();
        await server.close();
      }
    }
  });
});

describe('binary frames', () => {
  function framed(json: string, attachment = Buffer.alloc(0)): Buffer {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(Buffer.byteLength(json), 0);
    return Buffer.concat([header, Buffer.from(json), attachment]);
  }

  it('R2/R3 read [u32 LE size][JSON][attachment] requests and reject short or oversized headers with -32700', async () => {
    for (const api of ['3.0.0', '3.10.1'] as const) {
      const server = await startServer({ api });
      const client = await RawClient.connect(server.url);
      try {
        client.sendBinary(framed('{"jsonrpc":"2.0","id":7,"method":"get-version"}', Buffer.from('ignored')));
        expect((await client.answer(7)).json?.['result']).toMatchObject({ major: 3 });
        client.sendBinary(Buffer.from([1, 2]));
        const short = errorOf(await client.waitFor((m) => m.json?.['id'] === null));
        expect(short.code).toBe(-32700);
        expect(short.message).toMatch(/^Invalid binary packet, /);
        const bad = Buffer.alloc(8);
        bad.writeUInt32LE(100, 0);
        client.sendBinary(bad);
        await client.waitFor((m) => m.json?.['id'] === null && m !== client.received.find((x) => x.json?.['id'] === null));
        expect(client.received.filter((m) => m.json?.['id'] === null).map((m) => errorOf(m).code)).toEqual([-32700, -32700]);
      } finally {
        await client.close();
        await server.close();
      }
    }
  });

  it('R1 ignores binary frames (they are upload chunks there)', async () => {
    const server = await startServer({ api: '2.0.0' });
    const client = await RawClient.connect(server.url);
    try {
      client.sendBinary(framed('{"jsonrpc":"2.0","id":7,"method":"get-version"}'));
      await client.call('get-version', undefined, 8);
      expect(client.received.map((m) => m.json?.['id'])).toEqual([8]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('answers text frames with invalid UTF-8 with -32700 instead of dropping the connection', async () => {
    const server = await startServer({ api: '3.10.1' });
    const client = await RawClient.connect(server.url);
    try {
      client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      expect(errorOf(await client.waitFor((m) => m.json?.['id'] === null)).code).toBe(-32700);
      expect((await client.call('get-version')).json?.['result']).toMatchObject({ minor: 10 });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
