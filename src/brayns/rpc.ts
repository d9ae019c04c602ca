import type WebSocket from 'ws';
import { RenderRecipesError } from '../errors.js';
import { decodeBinaryMessage, encodeBinaryMessage } from './binary.js';
import { parseFrameText } from './large-text.js';
import type { BraynsEventSink } from './events.js';
import { cancelledError, jsonRpcError, timeoutError } from './rpc-errors.js';
import type { Progress } from './types.js';

export interface RpcReply {
  result: unknown;
  /** R2/R3 binary replies only: the bytes after the JSON, a view into the received frame. */
  attachment: Buffer | undefined;
}

export interface RpcCallOptions {
  signal?: AbortSignal | undefined;
  /** 0 or undefined = wait as long as the connection lives. */
  timeoutMs?: number | undefined;
  onProgress?: ((progress: Progress) => void) | undefined;
  /** Sent after the JSON in one R2/R3 binary frame (`upload-model`); R1 has no such frames. */
  attachment?: Buffer | undefined;
}

interface Pending {
  method: string;
  resolve(reply: RpcReply): void;
  reject(error: RenderRecipesError): void;
  onProgress: ((progress: Progress) => void) | undefined;
  cleanup(): void;
}

/**
 * JSON-RPC 2.0 over one WebSocket. Requests are written as they come, but a Brayns server executes
 * one request at a time for all its clients (only `cancel` jumps the queue), so callers must treat a
 * connection as one unit of concurrency and never count on two requests running in parallel.
 */
export class RpcConnection {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Requests given up on (cancelled, timed out) and our own `cancel`s: their replies are dropped. */
  private readonly abandoned = new Set<number>();
  private binaryReplies = false;
  private failure: RenderRecipesError | undefined;
  private socketError: Error | undefined;
  private readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    private readonly uri: string,
    private readonly onEvent: BraynsEventSink = () => {},
  ) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', (error) => {
      this.socketError = error;
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString()));
  }

  /** R2/R3 send replies with attachments as binary frames; R1's binary frames are JPEG broadcasts. */
  setBinaryReplies(enabled: boolean): void {
    this.binaryReplies = enabled;
  }

  get isOpen(): boolean {
    return this.failure === undefined;
  }

  call(method: string, params: unknown, options: RpcCallOptions = {}): Promise<RpcReply> {
    if (this.failure) return Promise.reject(this.failure);
    const { signal, timeoutMs, onProgress } = options;
    if (signal?.aborted) return Promise.reject(cancelledError(method, signal.reason));
    if (options.attachment && !this.binaryReplies) {
      return Promise.reject(new RenderRecipesError('CAPABILITY', `'${method}' with binary data needs a Brayns 3.x server: R1 takes no JSON-RPC requests in binary frames`));
    }
    const id = this.nextId++;
    return new Promise<RpcReply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => this.abandon(id, cancelledError(method, signal?.reason));
      this.pending.set(id, {
        method,
        resolve,
        reject,
        onProgress,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(() => this.abandon(id, timeoutError(method, timeoutMs, this.uri)), timeoutMs);
      }
      // `params` undefined is omitted: Brayns rejects even `{}` for methods that take no params.
      this.send({ jsonrpc: '2.0', id, method, params }, options.attachment);
    });
  }

  /** Fails every pending request, then closes the socket (Brayns never answers a close frame). */
  async close(): Promise<void> {
    this.fail(new RenderRecipesError('CONNECTION', `the connection to ${this.uri} was closed by render-recipes`));
    if (this.ws.readyState === this.ws.CLOSED) return;
    this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 250);
    await this.closed;
    clearTimeout(timer);
  }

  private send(message: object, attachment?: Buffer): void {
    const data = attachment ? encodeBinaryMessage(JSON.stringify(message), attachment) : JSON.stringify(message);
    this.ws.send(data, { binary: attachment !== undefined }, (error) => {
      if (error) this.fail(new RenderRecipesError('CONNECTION', `cannot send to ${this.uri}: ${error.message}`, { cause: error }));
    });
  }

  /** Rejects the caller at once and asks the server to stop the work (same connection, by id). */
  private abandon(id: number, error: RenderRecipesError): void {
    const entry = this.take(id);
    if (!entry) return;
    this.abandoned.add(id);
    if (!this.failure) {
      const cancelId = this.nextId++;
      this.abandoned.add(cancelId);
      this.send({ jsonrpc: '2.0', id: cancelId, method: 'cancel', params: { id } });
    }
    entry.reject(error);
  }

  private take(id: unknown): Pending | undefined {
    if (typeof id !== 'number') return undefined;
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    entry.cleanup();
    return entry;
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    try {
      if (isBinary && !this.binaryReplies) {
        this.onEvent({ code: 'brayns.binary.ignored', level: 'debug', message: `ignored a ${data.length}-byte binary frame`, data: { bytes: data.length } });
        return;
      }
      if (isBinary) {
        const { json, attachment } = decodeBinaryMessage(data);
        this.onMessage(parseMessage(() => JSON.parse(json), json, this.uri), attachment);
      } else {
        this.onMessage(parseMessage(() => parseFrameText(data), data, this.uri), undefined);
      }
    } catch (error) {
      // A frame we cannot read means we no longer know which reply is which: give up the connection.
      this.fail(error instanceof RenderRecipesError ? error : new RenderRecipesError('PROTOCOL', String(error), { cause: error }));
      this.ws.terminate();
    }
  }

  private onMessage(message: Record<string, unknown>, attachment: Buffer | undefined): void {
    if (!('id' in message)) {
      // Progress notifications carry the running request's method name and its id in params.
      const params = message.params as { id?: unknown; operation?: unknown; amount?: unknown } | undefined;
      const entry = typeof params?.id === 'number' ? this.pending.get(params.id) : undefined;
      entry?.onProgress?.({ operation: typeof params?.operation === 'string' ? params.operation : '', amount: Number(params?.amount ?? 0) });
      return;
    }
    if ('error' in message) {
      if (message.id === null) {
        this.failPending(jsonRpcError(null, message.error, this.uri));
        return;
      }
      const entry = this.take(message.id);
      if (entry) entry.reject(jsonRpcError(entry.method, message.error, this.uri));
      else this.orphan(message.id);
      return;
    }
    if (!('result' in message)) {
      throw new RenderRecipesError('PROTOCOL', `${this.uri} sent a JSON-RPC message with an id but neither result nor error: is it a Brayns server?`);
    }
    const entry = this.take(message.id);
    if (entry) entry.resolve({ result: message.result, attachment });
    else this.orphan(message.id);
  }

  private orphan(id: unknown): void {
    if (typeof id === 'number' && this.abandoned.delete(id)) return;
    this.onEvent({ code: 'brayns.reply.orphan', level: 'warn', message: `dropped a reply for unknown request id ${JSON.stringify(id)}`, data: { id } });
  }

  private onClose(code: number, reason: string): void {
    const cause = this.socketError;
    if (isPayloadTooLarge(cause)) {
      this.fail(new RenderRecipesError('PROTOCOL', `${this.uri} sent a message larger than the client's size limit (${cause?.message})`, {
        cause,
        hint: 'raise the maxPayload connect option if the server really sends images that large',
      }));
    }
    const detail = cause ? `: ${cause.message}` : reason ? `: ${reason}` : ` (code ${code})`;
    this.fail(new RenderRecipesError('CONNECTION', `the connection to ${this.uri} was lost${detail}`, { cause, hint: 'is the Brayns server still running?' }));
  }

  /** Marks the connection failed (first cause wins) and rejects everything pending. */
  private fail(error: RenderRecipesError): void {
    this.failure ??= error;
    this.failPending(this.failure);
  }

  private failPending(error: RenderRecipesError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      entry.cleanup();
      entry.reject(error);
    }
  }
}

function parseMessage(parse: () => unknown, raw: string | Buffer, uri: string): Record<string, unknown> {
  const excerpt = (): string => JSON.stringify(raw.slice(0, 80).toString());
  let message: unknown;
  try {
    message = parse();
  } catch {
    throw new RenderRecipesError('PROTOCOL', `${uri} sent a frame that is not JSON (${excerpt()}): is it a Brayns server?`);
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new RenderRecipesError('PROTOCOL', `${uri} sent ${excerpt()}, expected a JSON-RPC object: is it a Brayns server?`);
  }
  return message as Record<string, unknown>;
}

function isPayloadTooLarge(error: Error | undefined): boolean {
  return (error as { code?: string } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}
