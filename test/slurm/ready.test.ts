import { createServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { probeWebSocket, readyPort, webSocketUri } from '../../src/slurm/ready.js';

describe('ready line', () => {
  it.each([
    ['render-recipes serve: listening on ws://0.0.0.0:20480 (Brayns API 3.10.1)', 20480],
    ['listening on ws://[::]:5000', 5000],
    ['[serve] client 1 connected', undefined],
    ['listening on ws://%%%', undefined],
  ])('%j -> port %j', (line, port) => {
    expect(readyPort(line)).toBe(port);
  });
});

describe('webSocketUri', () => {
  it('brackets IPv6 addresses only', () => {
    expect(webSocketUri('10.0.0.7', 20001)).toBe('ws://10.0.0.7:20001');
    expect(webSocketUri('node-7', 20001)).toBe('ws://node-7:20001');
    expect(webSocketUri('fd00::7', 20001)).toBe('ws://[fd00::7]:20001');
  });
});

describe('probeWebSocket', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  it('is true for a WebSocket server', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    closers.push(() => server.close());
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    expect(await probeWebSocket(`ws://127.0.0.1:${port}`, 2000)).toBe(true);
  });

  it('is false for a closed port and for a TCP server that is not WebSocket', async () => {
    const tcp = createServer((socket) => socket.end('HTTP/1.1 404 Not Found\r\n\r\n'));
    closers.push(() => tcp.close());
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as { port: number };
    expect(await probeWebSocket(`ws://127.0.0.1:${port}`, 2000)).toBe(false);
    tcp.close();
    expect(await probeWebSocket(`ws://127.0.0.1:${port}`, 2000)).toBe(false);
  });
});
