import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * What the proxy does to the reply of each `snapshot` request (by its order, 0-based, over all
 * connections): pass it on, damage the image, or never answer (a stalled server).
 */
export type Tamper = 'pass' | 'truncate' | 'not-png' | 'stall';

export interface TamperingProxy {
  /** `ws://127.0.0.1:port`, stable across `down()`/`up()`. */
  uri: string;
  /** Snapshot requests seen so far. */
  snapshots: number;
  /** Drops every connection and stops listening: the server is gone. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real misbehaving Brayns: a WebSocket proxy in front of a real (built-in) server that forwards
 * every frame both ways, except that it can damage or withhold snapshot replies. Everything else
 * (get-version, loads, lights) is the real server's answer.
 */
export async function startTamperingProxy(upstream: string, tamper: (snapshot: number) => Tamper): Promise<TamperingProxy> {
  let http: Server;
  let wss: WebSocketServer;
  let port = 0;
  const sockets = new Set<WebSocket>();
  const proxy: TamperingProxy = {
    uri: '',
    snapshots: 0,
    down: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
    up: () => listen(),
    close: () => proxy.down(),
  };

  const listen = async (): Promise<void> => {
    http = createServer();
    wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 0 });
    wss.on('connection', (client) => connectUpstream(client));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => resolve());
    });
    port = (http.address() as AddressInfo).port;
    proxy.uri = `ws://127.0.0.1:${port}`;
  };

  const connectUpstream = (client: WebSocket): void => {
    const server = new WebSocket(upstream, { perMessageDeflate: false, maxPayload: 0 });
    sockets.add(client).add(server);
    const queued: { data: Buffer; binary: boolean }[] = [];
    /** Request id -> what to do with its reply. */
    const plans = new Map<number, Tamper>();
    const closeBoth = (): void => {
      client.terminate();
      server.terminate();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('close', closeBoth);
    server.on('close', closeBoth);
    server.on('error', closeBoth);
    server.on('open', () => {
      for (const m of queued.splice(0)) server.send(m.data, { binary: m.binary });
    });
    client.on('message', (data: Buffer, binary) => {
      const message = JSON.parse((binary ? data.subarray(4, 4 + data.readUInt32LE(0)) : data).toString('utf8')) as { id?: number; method?: string };
      if (message.method === 'snapshot' && typeof message.id === 'number') plans.set(message.id, tamper(proxy.snapshots++));
      if (server.readyState === WebSocket.OPEN) server.send(data, { binary });
      else queued.push({ data, binary });
    });
    server.on('message', (data: Buffer, binary) => {
      const json = binary ? data.subarray(4, 4 + data.readUInt32LE(0)) : data;
      const message = JSON.parse(json.toString('utf8')) as { id?: number; params?: { id?: number } };
      // A stalled server also sends no progress for the request.
      const id = message.id ?? message.params?.id;
      const plan = typeof id === 'number' ? plans.get(id) : undefined;
      if (plan === 'stall') return;
      if (!binary || message.id === undefined || plan === undefined || plan === 'pass') {
        client.send(data, { binary });
        return;
      }
      // A consistent reply (its color_buffer locates the whole attachment) carrying bad bytes.
      const image = data.subarray(4 + json.length);
      const damaged = plan === 'truncate' ? image.subarray(0, image.length - Math.max(16, image.length >> 2)) : Buffer.from('GIF89a not the PNG you asked for');
      const reply = JSON.parse(json.toString('utf8')) as { result: { color_buffer: { offset: number; size: number } } };
      reply.result.color_buffer = { offset: 0, size: damaged.length };
      const text = Buffer.from(JSON.stringify(reply));
      const header = Buffer.alloc(4);
      header.writeUInt32LE(text.length);
      client.send(Buffer.concat([header, text, damaged]), { binary: true });
    });
  };

  await listen();
  return proxy;
}
