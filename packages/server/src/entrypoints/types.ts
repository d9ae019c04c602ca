import type { MethodSchema } from '@render-recipes/protocol';
import type { ServeLimits } from '../protocol/limits.js';
import type { FloatPaths } from '../protocol/json.js';
import type { Validate } from '../protocol/validator.js';
import type { Persona, RequestId } from '../personas/types.js';
import type { ServerState } from '../state/index.js';

/** What an entrypoint hands back: the JSON result and, for binary replies, the attachment. */
export interface Reply {
  result: unknown;
  attachment?: Buffer;
}

export interface LatencySimulation {
  loadMs: number;
  renderMs: number;
}

/** Server-wide services an entrypoint may use. */
export interface ServerContext {
  persona: Persona;
  state: ServerState;
  /** Orchestration-benchmark mode: loads and renders take fixed times (see serve.ts). */
  latency: LatencySimulation | null;
  /** What one request may make the server allocate or do (serve's --max-* options). */
  limits: ServeLimits;
  /** Vendored schemas of every implemented method (for `schema`). */
  schemas: ReadonlyMap<string, MethodSchema>;
  /** Compiles a schema once with the persona's validation rules (loader and engine-object schemas). */
  validators: ValidatorCache;
  log(line: string): void;
  /** Stops the server after the current reply was sent. */
  quit(): void;
  exitLater(minutes: number): void;
}

export interface ValidatorCache {
  get(key: string, schema: Record<string, unknown>): Validate;
}

export interface Call<P> {
  /** Validated params with schema defaults filled in. */
  params: P;
  /** Params exactly as sent (to tell a default from a value the client gave). */
  raw: unknown;
  /** ajv-style paths of numbers the client spelled as floats (`1.0`). */
  floatPaths: FloatPaths;
  /** Aborted by `cancel` (and, for snapshots, by the client disconnecting). */
  signal: AbortSignal;
  /** Sends a progress notification to the requesting client (only if the request has an id). */
  progress: (operation: string, amount: number) => void;
  server: ServerContext;
  /** `cancel` only: marks the client's request; returns what aborts it once the reply is out. */
  cancelRequest: (id: RequestId | null) => () => void;
  /** Runs after the reply was sent (cancel aborts its target, quit stops the server). */
  afterReply: (fn: () => void) => void;
  /** What is left of this request (encoding a rendered frame) may run beside the next queued request. */
  overlapNext: () => void;
}

export interface Entrypoint<P = unknown> {
  method: string;
  /** Async entrypoints report progress and can be cancelled while they run. */
  async: boolean;
  /** Runs at once on arrival instead of queueing (Brayns: only `cancel`). */
  priority?: boolean;
  /** Brayns cancels a running snapshot whose client went away; other tasks finish. */
  cancelOnDisconnect?: boolean;
  run(call: Call<P>): Promise<Reply> | Reply;
}

/** Erases the params type so entrypoints of different shapes share one list. */
export function entrypoint<P>(definition: Entrypoint<P>): Entrypoint {
  return definition;
}

export const reply = (result: unknown): Reply => ({ result });
