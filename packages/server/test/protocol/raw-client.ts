import WebSocket from 'ws';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve.js';

/**
 * A deliberately dumb Brayns client for the server tests: raw frames in, raw frames out, no
 * dependency on the project's own client. Binary frames are split as `[u32 LE n][json][attachment]`.
 */
export interface Received {
  binary: boolean;
  /** Parsed JSON (the JSON part of a binary frame), or undefined when the text was not JSON. */
  json: Record<string, unknown> | undefined;
  text: string;
  attachment: Buffer | null;
  raw: Buffer;
  /** Arrival order across every RawClient of the test process (for ordering checks between clients). */
  seq: number;
}

let arrivals = 0;

export class RawClient {
  readonly received: Received[] = [];
  private waiters: { predicate: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  private nextId = 1000;
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => this.onMessage(data, isBinary));
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static async connect(url: string, path = '/'): Promise<RawClient> {
    const ws = new WebSocket(url + path, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    let text = data.toString('utf8');
    let attachment: Buffer | null = null;
    if (isBinary) {
      const size = data.readUInt32LE(0);
      text = data.subarray(4, 4 + size).toString('utf8');
      attachment = data.subarray(4 + size);
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const message: Received = { binary: isBinary, json, text, attachment, raw: data, seq: arrivals++ };
    this.received.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(data: Buffer): void {
    this.ws.send(data, { binary: true });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Waits for the first message (already received or future) matching the predicate. */
  waitFor(predicate: (m: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${this.received.map((m) => m.text.slice(0, 200)).join('\n')}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** The reply or error answering request `id` (progress messages have no top-level id). */
  answer(id: number | string): Promise<Received> {
    return this.waitFor((m) => m.json !== undefined && 'id' in m.json && m.json['id'] === id);
  }

  /** Sends a request and resolves to its answer. */
  async call(method: string, params?: unknown, id: number | string = this.nextId++): Promise<Received> {
    const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
    if (params !== undefined) message['params'] = params;
    this.send(message);
    return this.answer(id);
  }

  /** Sends a request and returns its `result`, failing on an error reply. */
  async result<T = unknown>(method: string, params?: unknown): Promise<T> {
    const answer = await this.call(method, params);
    if (!answer.json || !('result' in answer.json)) throw new Error(`${method} failed: ${answer.text}`);
    return answer.json['result'] as T;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

export function errorOf(m: Received): { code: number; message: string; data?: unknown } {
  const error = m.json?.['error'];
  if (!error) throw new Error(`expected an error, got ${m.text}`);
  return error as { code: number; message: string; data?: unknown };
}

/** Starts a built-in server, connects a RawClient to it, runs `body`, and always closes both. */
export async function withServer(options: ServeOptions, body: (client: RawClient, server: RunningServer) => Promise<void>): Promise<void> {
  const server = await startServer(options);
  const client = await RawClient.connect(server.url);
  try {
    await body(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}
