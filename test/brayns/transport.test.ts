import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import type { BraynsEvent } from '../../src/brayns/events.js';
import { revisionOf } from '../../src/brayns/revision.js';
import { toWebSocketUrl } from '../../src/brayns/uri.js';
import { SNAPSHOTS } from './fixtures.js';
import { startRawServer, textFrame, VERSION_REPLY, type RawServer } from './helpers/raw-server.js';
import { reply, startScriptedServer, versionOf, type ScriptedServer } from './helpers/scripted-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scripted(...args: Parameters<typeof startScriptedServer>): Promise<ScriptedServer> {
  const server = await startScriptedServer(...args);
  cleanups.push(() => server.close());
  return server;
}

async function raw(...args: Parameters<typeof startRawServer>): Promise<RawServer> {
  const server = await startRawServer(...args);
  cleanups.push(() => server.close());
  return server;
}

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('addresses and versions', () => {
  it.each([
    ['localhost:5000', 'ws://localhost:5000/'],
    ['10.0.0.7:5000', 'ws://10.0.0.7:5000/'],
    ['ws://host:5000', 'ws://host:5000/'],
    ['wss://host:443/any/path', 'wss://host/any/path'],
  ])('reads %s as %s', (uri, url) => expect(toWebSocketUrl(uri)).toBe(url));

  it.each(['localhost', 'http://host:5000', 'host:99999', ''])('rejects %j with a USAGE error that shows the expected forms', (uri) => {
    expect(() => toWebSocketUrl(uri)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('host:port') as string }));
  });

  it.each([
    [2, 0, 0, 'R1'],
    [2, 7, 1, 'R1'],
    [3, 0, 0, 'R2'],
    [3, 2, 9, 'R2'],
    [3, 3, 0, 'R3'],
    [3, 10, 1, 'R3'],
  ] as const)('maps Brayns %i.%i.%i to %s', (major, minor, patch, revision) => {
    expect(revisionOf({ major, minor, patch, revision: '' })).toBe(revision);
  });

  it('refuses an unknown major version with a CAPABILITY error at connect time', async () => {
    const server = await scripted(({ message }, socket) => reply(socket, message.id, { major: 4, minor: 0, patch: 0, revision: 'x' }));
    await expect(connect(server.hostPort, { retries: 0 })).rejects.toMatchObject({
      code: 'CAPABILITY',
      message: expect.stringContaining('Brayns 4.0.0 is not supported') as string,
    });
  });
});

describe('connecting', () => {
  it('retries a refused connection with backoff, then fails with a CONNECTION error that says how to fix it', async () => {
    const port = await closedPort();
    const events: BraynsEvent[] = [];
    const error = await connect(`127.0.0.1:${port}`, { retries: 2, onEvent: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('ECONNREFUSED') as string, hint: expect.stringContaining('--uri') as string });
    expect((error as Error).message).toContain('after 3 attempts');
    expect(events.filter((e) => e.code === 'brayns.connect.retry').map((e) => e.data?.delayMs)).toEqual([250, 500]);
  });

  it('connects after the server comes up during the retries', async () => {
    const port = await closedPort();
    let refusedOnce: () => void = () => undefined;
    const refused = new Promise<void>((resolve) => (refusedOnce = resolve));
    const pending = connect(`127.0.0.1:${port}`, { retries: 5, onEvent: (e) => e.code === 'brayns.connect.retry' && refusedOnce() });
    // The server comes up only once the first attempt was refused.
    await refused;
    const server = createServer();
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => socket.on('message', (data: Buffer) => reply(socket, (JSON.parse(data.toString()) as { id: number }).id, versionOf('3.0.0'))));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(); server.close(() => resolve()); }));
    const client = await pending;
    expect(client.revision).toBe('R2');
    await client.close();
  });

  it('times out a server that accepts TCP but never completes the handshake', async () => {
    const server = await raw({ handshake: false });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = connect(server.hostPort, { retries: 0, timeoutMs: 5000 });
    const settled = vi.fn();
    pending.catch(settled);
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('no WebSocket handshake') as string });
  });

  it('says "not a Brayns server" for an HTTP server that refuses the upgrade', async () => {
    const http = createServer((_req, res) => res.writeHead(404).end('nope'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const { port } = http.address() as AddressInfo;
    await expect(connect(`127.0.0.1:${port}`, { retries: 3 })).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('HTTP 404') as string });
  });

  it('says "not a Brayns server" for a WebSocket peer that answers get-version with something else', async () => {
    const server = await scripted((request, socket) => socket.send(JSON.stringify(request.message)));
    await expect(connect(server.hostPort, { retries: 0 })).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('Brayns server') as string });
  });

  it('says "not a Brayns server" for a JSON-RPC peer without get-version', async () => {
    const server = await scripted(({ message }, socket) => socket.send(JSON.stringify({ error: { code: -32601, message: 'Method not found' }, id: message.id, jsonrpc: '2.0' })));
    await expect(connect(server.hostPort, { retries: 0 })).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('not a Brayns server') as string });
  });

  it('never answers a ping (Brayns takes control frames as a close) and never sends one', async () => {
    const server = await scripted(({ message }, socket) => {
      socket.ping();
      reply(socket, message.id, message.method === 'get-version' ? versionOf('3.10.1') : []);
    });
    const client = await connect(server.hostPort, { retries: 0 });
    expect(await client.registry()).toEqual([]);
    await client.close();
    expect(server.pings).toBe(0);
  });

  it('times out get-version on a WebSocket peer that never answers', async () => {
    const server = await scripted(() => {});
    await expect(connect(server.hostPort, { retries: 0, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('did not answer get-version within 300 ms') as string,
    });
  });

  it('aborts connecting when the signal fires', async () => {
    const port = await closedPort();
    const abort = new AbortController();
    const pending = connect(`127.0.0.1:${port}`, { retries: 10, signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('a connection that breaks', () => {
  it('fails every pending request at once when the server drops the connection mid-reply', async () => {
    const server = await raw({
      handshake: true,
      onChunk: (socket, index) => {
        if (index === 0) socket.write(textFrame(VERSION_REPLY));
        // The next request(s): announce a 300-byte reply, send 20 bytes of it, hang up.
        if (index === 1) {
          socket.write(Buffer.concat([Buffer.from([0x81, 126, 0x01, 0x2c]), Buffer.from('{"id":1,"jsonrpc":"2')]));
          socket.destroy();
        }
      },
    });
    const client = await connect(server.hostPort, { retries: 0 });
    const first = client.getScene();
    const second = client.snapshot(SNAPSHOTS.png!);
    for (const p of [first, second]) await expect(p).rejects.toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('was lost') as string });
    await expect(client.registry()).rejects.toMatchObject({ code: 'CONNECTION' });
  });

  it('fails with PROTOCOL on a text frame that is not JSON', async () => {
    const server = await scripted(({ message }, socket) => {
      if (message.method === 'get-version') reply(socket, message.id, versionOf('3.10.1'));
      else socket.send('<html>hello</html>');
    });
    const client = await connect(server.hostPort, { retries: 0 });
    await expect(client.getScene()).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('not JSON') as string });
  });

  it('fails with CONNECTION on bytes that are not WebSocket frames', async () => {
    const server = await raw({
      handshake: true,
      onChunk: (socket, index) => socket.write(index === 0 ? textFrame(VERSION_REPLY) : Buffer.from([0x8f, 0x03, 1, 2, 3])),
    });
    const client = await connect(server.hostPort, { retries: 0 });
    await expect(client.getScene()).rejects.toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('opcode') as string });
  });

  it('fails with PROTOCOL, naming the limit, on a frame larger than maxPayload', async () => {
    const server = await scripted(({ message }, socket) => {
      if (message.method === 'get-version') reply(socket, message.id, versionOf('2.0.0'));
      else reply(socket, message.id, { data: 'A'.repeat(4096) });
    });
    const client = await connect(server.hostPort, { retries: 0, maxPayload: 1024 });
    await expect(client.snapshot(SNAPSHOTS.png!)).rejects.toMatchObject({ code: 'PROTOCOL', message: expect.stringContaining('size limit') as string });
  });

  it('close() fails pending requests with CONNECTION and never hangs, even if the server ignores the close', async () => {
    const server = await raw({ handshake: true, onChunk: (socket, index) => index === 0 && socket.write(textFrame(VERSION_REPLY)) });
    const client = await connect(server.hostPort, { retries: 0 });
    const pending = expect(client.getScene()).rejects.toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('closed by render-recipes') as string });
    await client.close();
    await pending;
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('TLS (wss://) with a self-signed certificate', () => {
  function certificate(): { cert: Buffer; key: Buffer; certFile: string; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'rr-tls-'));
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, dir };
  }

  it('rejects the certificate without its CA, naming the cause and the fix, without retrying', async () => {
    const tls = certificate();
    const server = await scripted(({ message }, socket) => reply(socket, message.id, versionOf('3.10.1')), { tls });
    const events: BraynsEvent[] = [];
    const error = await connect(server.url, { retries: 3, onEvent: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('certificate') as string, hint: expect.stringContaining('--ca-file') as string });
    expect(events).toEqual([]);
  });

  it('connects with the CA file', async () => {
    const tls = certificate();
    const server = await scripted(({ message }, socket) => reply(socket, message.id, versionOf('3.10.1')), { tls });
    const client = await connect(server.url, { retries: 0, caFile: tls.certFile });
    expect(client.version).toEqual(versionOf('3.10.1'));
    await client.close();
  });

  it('says the server does not speak TLS when wss:// meets a plain ws server', async () => {
    const server = await scripted(({ message }, socket) => reply(socket, message.id, versionOf('3.10.1')));
    await expect(connect(`wss://${server.hostPort}`, { retries: 2 })).rejects.toMatchObject({
      code: 'CONNECTION',
      message: expect.stringMatching(/failed: the server does not speak TLS$/) as string,
      hint: expect.stringContaining('ws://') as string,
    });
  });

  it('gives a USAGE error for a CA file that cannot be read', async () => {
    await expect(connect('wss://127.0.0.1:1', { caFile: '/nonexistent/ca.pem' })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('/nonexistent/ca.pem') as string });
  });
});
if (!hasOpenssl) console.warn('openssl not found: TLS tests skipped');
