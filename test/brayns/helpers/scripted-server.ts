import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A request as the test server received it, plus whether it came as a text frame. */
export interface Received {
  message: Record<string, unknown>;
  text: boolean;
  /** Bytes after the JSON of a binary `[u32 length][JSON][bytes]` request. */
  attachment?: Buffer;
}

export type Script = (request: Received, socket: WebSocket, server: ScriptedServer) => void | Promise<void>;

export interface ScriptedServer {
  url: string;
  hostPort: string;
  received: Received[];
  /** Every frame opcode the server saw, to prove the client never pings. */
  pings: number;
  close(): Promise<void>;
}

/**
 * A real WebSocket server on 127.0.0.1:0 whose answers a test scripts per request. It records
 * everything so tests can assert on what went over the wire.
 */
export async function startScriptedServer(script: Script, options: { tls?: { cert: Buffer; key: Buffer } } = {}): Promise<ScriptedServer> {
  const http: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const server: ScriptedServer = {
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/`,
    hostPort: `127.0.0.1:${port}`,
    received: [],
    pings: 0,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  wss.on('connection', (socket) => {
    socket.on('ping', () => (server.pings += 1));
    socket.on('pong', () => (server.pings += 1));
    socket.on('message', (data: Buffer, isBinary) => {
      const json = isBinary ? data.subarray(4, 4 + data.readUInt32LE(0)) : data;
      const request: Received = { message: JSON.parse(json.toString('utf8')) as Record<string, unknown>, text: !isBinary };
      if (isBinary) request.attachment = data.subarray(4 + json.length);
      server.received.push(request);
      void script(request, socket, server);
    });
  });
  return server;
}

export function reply(socket: WebSocket, id: unknown, result: unknown): void {
  socket.send(JSON.stringify({ id, jsonrpc: '2.0', result }));
}

export function replyError(socket: WebSocket, id: unknown, code: number, message: string, data?: unknown): void {
  socket.send(JSON.stringify({ error: { code, message, ...(data === undefined ? {} : { data }) }, id, jsonrpc: '2.0' }));
}

/** `[u32 LE json length][JSON][attachment]`, as R2/R3 send replies with attachments. */
export function replyBinary(socket: WebSocket, id: unknown, result: unknown, attachment: Buffer): void {
  const json = Buffer.from(JSON.stringify({ id, jsonrpc: '2.0', result }));
  const header = Buffer.alloc(4);
  header.writeUInt32LE(json.length);
  socket.send(Buffer.concat([header, json, attachment]), { binary: true });
}

export function versionOf(api: '2.0.0' | '3.0.0' | '3.10.1'): { major: number; minor: number; patch: number; revision: string } {
  const [major = 0, minor = 0, patch = 0] = api.split('.').map(Number);
  return { major, minor, patch, revision: 'test' };
}
