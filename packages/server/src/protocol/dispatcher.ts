import { isRenderRecipesError } from '@render-recipes/protocol';
import type { Entrypoint, Reply, ServerContext } from '../entrypoints/types.js';
import type { RequestId } from '../personas/types.js';
import { parseFrame, type IncomingRequest } from './envelope.js';
import { cancelledError, invalidParams, JsonRpcError, RPC, toJsonRpcError } from './errors.js';
import type { ClientRef, RequestQueue, Task } from './request-queue.js';
import { binaryFrame, errorText, progressText, replyText } from './messages.js';
import { BulkGarbage } from './bulk-garbage.js';
import type { Validate } from './validator.js';

/** A client connection: what the dispatcher needs to answer it. */
export interface Connection extends ClientRef {
  send(data: string | Buffer): void;
}

export interface DispatcherOptions {
  server: ServerContext;
  queue: RequestQueue;
  validateEnvelope: Validate;
  /** Params validator per method; null = the method takes no params. */
  paramsValidators: ReadonlyMap<string, Validate | null>;
  entrypoints: readonly Entrypoint[];
  /** A full garbage collection (tests count calls); default: V8's (see bulk-garbage.ts). */
  collectGarbage?: () => void;
}

/**
 * Frame in, replies out: envelope and params validation at arrival (errors are sent at once, as
 * Brayns does while it polls), then the FIFO request queue. `cancel` is the one priority method.
 */
export class Dispatcher {
  private readonly entrypoints: ReadonlyMap<string, Entrypoint>;
  private readonly garbage: BulkGarbage;

  constructor(private readonly options: DispatcherOptions) {
    this.entrypoints = new Map(options.entrypoints.map((e) => [e.method, e]));
    this.garbage = new BulkGarbage(options.collectGarbage);
  }

  handleFrame(conn: Connection, data: Buffer, isBinary: boolean): void {
    this.garbage.received(data.length);
    let queued = false;
    try {
      queued = this.handle(conn, data, isBinary);
    } finally {
      // A frame refused here never reaches `execute`, which counts the others once answered.
      if (!queued) this.garbage.answered();
    }
  }

  /** Whether the frame became a task (answered by `execute`). */
  private handle(conn: Connection, data: Buffer, isBinary: boolean): boolean {
    const { persona } = this.options.server;
    const parsed = parseFrame(data, isBinary, persona, this.options.validateEnvelope, this.options.server.limits);
    if (parsed.ok === 'ignored') return false;
    if (!parsed.ok) {
      this.send(conn, errorText(parsed.id ?? null, parsed.error, persona.wire.emptyErrorData));
      return false;
    }
    const request = parsed.request;
    try {
      const entrypoint = this.entrypoints.get(request.method);
      if (!entrypoint) throw new JsonRpcError(RPC.methodNotFound, `Method '${quoted(request.method)}' not found`);
      const params = this.validateParams(request);
      const task: Task = {
        client: conn,
        id: request.id,
        method: request.method,
        entrypoint,
        cancelled: false,
        controller: new AbortController(),
        execute: (t) => this.execute(conn, t, request, params),
      };
      if (entrypoint.priority) void this.execute(conn, task, request, params);
      else this.options.queue.submit(task);
      return true;
    } catch (error) {
      this.sendError(conn, request.id, toJsonRpcError(error));
      return false;
    }
  }

  private validateParams(request: IncomingRequest): unknown {
    const validate = this.options.paramsValidators.get(request.method);
    const params = request.params === undefined ? null : request.params;
    if (validate === null || validate === undefined) {
      if (params !== null) throw invalidParams('This method takes no params');
      return null;
    }
    // Defaults are filled into a copy so `raw` keeps what the client actually sent. A schema without
    // defaults leaves params as they are, so they are not copied (1M add-spheres items: ~250 MB).
    const filled = validate.fillsDefaults ? structuredClone(params) : params;
    const problems = validate(filled, request.paramsFloatPaths);
    if (problems) throw invalidParams('Invalid params schema', problems);
    return filled;
  }

  private async execute(conn: Connection, task: Task, request: IncomingRequest, params: unknown): Promise<void> {
    try {
      await this.answer(conn, task, request, params);
    } finally {
      this.garbage.answered();
    }
  }

  private async answer(conn: Connection, task: Task, request: IncomingRequest, params: unknown): Promise<void> {
    if (task.cancelled) {
      await task.previousReplied;
      this.sendError(conn, task.id, cancelledError());
      return;
    }
    const afterReply: (() => void)[] = [];
    let outcome: Reply;
    try {
      outcome = await task.entrypoint.run({
        params,
        raw: request.params,
        floatPaths: request.paramsFloatPaths,
        signal: task.controller.signal,
        progress: (operation, amount) => {
          if (task.id !== null && conn.connected && !task.cancelled) {
            this.send(conn, progressText(task.method, task.id, operation, amount));
          }
        },
        server: this.options.server,
        cancelRequest: (id) => this.options.queue.cancel(conn, id, this.options.server.persona.wire),
        afterReply: (fn) => afterReply.push(fn),
        overlapNext: () => this.options.queue.overlapNext(task),
      });
      await task.previousReplied;
      if (task.cancelled) throw cancelledError();
    } catch (error) {
      await task.previousReplied;
      this.sendError(conn, task.id, task.cancelled ? cancelledError() : toJsonRpcError(error));
      // Protocol errors and the loaders' user-facing errors are answers, not server faults.
      const expected = error instanceof JsonRpcError || (isRenderRecipesError(error) && error.source === 'user');
      if (!expected && !task.cancelled) {
        this.options.server.log(`${task.method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      return;
    }
    if (task.id !== null) {
      const text = replyText(task.id, outcome.result);
      this.send(conn, outcome.attachment ? binaryFrame(text, outcome.attachment) : text);
    }
    for (const fn of afterReply) fn();
  }

  private sendError(conn: Connection, id: RequestId | null, error: JsonRpcError): void {
    const { wire } = this.options.server.persona;
    if (id === null && !wire.errorsForNotifications) return;
    this.send(conn, errorText(id, error, wire.emptyErrorData));
  }

  private send(conn: Connection, data: string | Buffer): void {
    if (conn.connected) conn.send(data);
  }
}

/** Echoes a client's string back at most this long: a 10 MB method name must not come back whole. */
const MAX_ECHO = 200;

function quoted(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}... (${text.length} characters)` : text;
}
