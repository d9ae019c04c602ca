import { RenderRecipesError } from '../errors.js';
import { ADAPTERS } from './adapters/index.js';
import { Client } from './client.js';
import type { BraynsEventSink } from './events.js';
import { formatVersion, parseVersion, revisionOf } from './revision.js';
import { RpcConnection } from './rpc.js';
import { openSocket } from './socket.js';
import type { BraynsClient } from './types.js';
import { toWebSocketUrl } from './uri.js';

export interface ConnectOptions {
  /** Per connection attempt (TCP + TLS + handshake), and for the `get-version` reply. Default 10 s. */
  timeoutMs?: number;
  /** Further attempts after a refused, reset or timed-out connection, with backoff. Default 3. */
  retries?: number;
  /** PEM file with the CA that signed a wss:// server's certificate. */
  caFile?: string;
  /** Aborts connecting (not the connection once made: pass signals per request for that). */
  signal?: AbortSignal;
  onEvent?: BraynsEventSink;
  /** Default timeout of requests that cannot report progress. Default 5 minutes; 0 = none. */
  requestTimeoutMs?: number;
  /** Largest message accepted from the server, in bytes. Default 1 GiB (a 16K PNG fits). */
  maxPayload?: number;
}

/**
 * Connects to a Brayns server (`host:port`, `ws://…` or `wss://…`) and picks the protocol
 * revision from its `get-version` reply: 2.x -> R1, 3.0-3.2 -> R2, 3.3+ -> R3.
 */
export async function connect(uri: string, options: ConnectOptions = {}): Promise<BraynsClient> {
  const url = toWebSocketUrl(uri);
  const onEvent = options.onEvent ?? ((): void => {});
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ws = await openSocket(url, {
    timeoutMs,
    retries: options.retries ?? 3,
    caFile: options.caFile,
    signal: options.signal,
    maxPayload: options.maxPayload ?? 2 ** 30,
    onEvent,
  });
  const rpc = new RpcConnection(ws, url, onEvent);
  try {
    const reply = await rpc.call('get-version', undefined, { timeoutMs, signal: options.signal }).catch((error: unknown) => {
      if (error instanceof RenderRecipesError && error.code === 'TIMEOUT') {
        error.message = `${url} accepted the WebSocket but did not answer get-version within ${timeoutMs} ms: is it a Brayns server?`;
      }
      // Every Brayns revision has get-version: a peer that refuses it is something else.
      if (error instanceof RenderRecipesError && error.code === 'JSONRPC') {
        throw new RenderRecipesError('PROTOCOL', `${url} answered get-version with an error (${error.message}): it is not a Brayns server`, { cause: error });
      }
      throw error;
    });
    const version = parseVersion(reply.result, url);
    const adapter = ADAPTERS[revisionOf(version)];
    rpc.setBinaryReplies(adapter.binaryReplies);
    onEvent({
      code: 'brayns.connected',
      level: 'info',
      message: `connected to Brayns ${formatVersion(version)} (${adapter.revision}) at ${url}`,
      data: { url, version, revision: adapter.revision },
    });
    return new Client(url, version, adapter, rpc, options.requestTimeoutMs ?? 300_000, onEvent);
  } catch (error) {
    await rpc.close();
    throw error;
  }
}
