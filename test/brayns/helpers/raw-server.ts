import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP server that speaks just enough WebSocket by hand to misbehave in ways a real WebSocket
 * library never would: half-sent frames, invalid opcodes, silence after the handshake.
 */
export interface RawServer {
  hostPort: string;
  close(): Promise<void>;
}

/** `onFrame` is called once per chunk the client sends after the upgrade (one request each here). */
export async function startRawServer(
  options: { handshake: boolean; onChunk?: (socket: Socket, index: number) => void },
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let upgraded = false;
    let chunks = 0;
    socket.on('data', (data) => {
      if (!upgraded) {
        if (!options.handshake) return;
        const key = /Sec-WebSocket-Key: (.+)\r\n/i.exec(data.toString('latin1'))?.[1]?.trim() ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        upgraded = true;
        return;
      }
      options.onChunk?.(socket, chunks++);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    hostPort: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An unmasked server text frame. */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

export const VERSION_REPLY = JSON.stringify({ id: 0, jsonrpc: '2.0', result: { major: 3, minor: 10, patch: 1, revision: 'raw' } });
