import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { RenderRecipesError } from '@render-recipes/protocol';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { LatencySimulation, ServerContext } from './entrypoints/types.js';
import { loadPersona } from './personas/index.js';
import type { Persona } from './personas/types.js';
import { Admission, type PendingUpgrade } from './protocol/admission.js';
import { Dispatcher, type Connection } from './protocol/dispatcher.js';
import { RequestQueue } from './protocol/request-queue.js';
import { IdleTimer } from './protocol/idle.js';
import { resolveLimits, type ServeLimits } from './protocol/limits.js';
import { loadEnvelopeSchema, loadMethodSchemas, type ApiVersion } from '@render-recipes/protocol';
import { SchemaValidator, type Validate } from './protocol/validator.js';
import { createState } from './state/index.js';
import { loaderValidatorKey } from './loaders/properties.js';

export type { ApiVersion } from '@render-recipes/protocol';
export { DEFAULT_LIMITS, type ServeLimits } from './protocol/limits.js';
export type { LatencySimulation } from './entrypoints/types.js';

const CLOSE_GRACE_MS = 200;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** WebSocket close codes (RFC 6455 §7.4.1). */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_TOO_BIG = 1009;
/** Replies a session may leave unread before it is dropped (one big snapshot always goes out). */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

export interface ServeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Brayns API revision to speak; default 3.10.1. */
  api?: ApiVersion;
  /** Concurrent sessions (Brayns --max-clients); default 2. */
  maxClients?: number;
  /** Fixed load/render times instead of real work (orchestration benchmarks). */
  latency?: LatencySimulation | null;
  /** Receives one line per server event (connections, internal failures); never required. */
  log?: (line: string) => void;
  /** What one client may make the server hold or do; defaults in protocol/limits.ts. */
  limits?: Partial<ServeLimits>;
}

export interface RunningServer {
  /** The real `ws://host:port`. */
  url: string;
  port: number;
  api: ApiVersion;
  /** Stops accepting, drops every connection and frees the port. */
  close(): Promise<void>;
  /** Resolves once the server stopped for a reason of its own (a client sent `quit`, `exit-later`). */
  closed: Promise<void>;
}

/** Starts the built-in Brayns-compatible server; resolves once it accepts connections. */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const api = options.api ?? '3.10.1';
  const log = options.log ?? ((): void => undefined);
  const limits = resolveLimits(options.limits);
  const persona = await loadPersona(api);
  const queue = new RequestQueue();
  let stop: () => Promise<void> = () => Promise.resolve();
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let exitTimer: NodeJS.Timeout | null = null;
  const stopFromInside = (): void => {
    void stop().then(resolveClosed);
  };

  // Node timers overflow above 2^31 - 1 ms (about 24.8 days): long delays are chained.
  const exitAfter = (ms: number): void => {
    exitTimer = setTimeout(() => (ms > MAX_TIMER_MS ? exitAfter(ms - MAX_TIMER_MS) : stopFromInside()), Math.min(ms, MAX_TIMER_MS));
  };
  const server = await serverContext(persona, options.latency ?? null, limits, log, stopFromInside, (minutes) => {
    if (exitTimer) clearTimeout(exitTimer);
    exitAfter(minutes * 60_000);
  });
  const dispatcher = new Dispatcher({
    server,
    queue,
    validateEnvelope: server.validators.get('envelope', await loadEnvelopeSchema(api)),
    paramsValidators: compileParams(server),
    entrypoints: persona.entrypoints,
  });

  // Brayns never negotiates permessage-deflate, and text frames are checked for UTF-8 by the
  // dispatcher so that bad bytes get a -32700 reply instead of a closed connection. A message over
  // maxPayload is refused from its frame header, before any of it is buffered.
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    skipUTF8Validation: true,
    maxPayload: limits.maxMessageBytes,
    WebSocket: sessionSocket(limits.maxMessageBytes),
  });
  let nextClient = 1;
  const admission: Admission = new Admission(options.maxClients ?? 2, ({ request, socket, head }: PendingUpgrade) => {
    // A failed handshake never becomes a session; its slot is freed when the socket goes.
    let opened = false;
    socket.once('close', () => {
      if (!opened) admission.release();
    });
    wss.handleUpgrade(request, socket, head, (ws) => {
      opened = true;
      session(ws, nextClient++);
    });
  });
  const session = (ws: WebSocket, number: number): void => {
    const idle = new IdleTimer(limits.idleTimeoutMs, () => queue.hasWork(conn), () => {
      log(`client ${number} idle for ${limits.idleTimeoutMs / 1000} s: closing its session`);
      ws.close(CLOSE_GOING_AWAY, `idle for ${limits.idleTimeoutMs / 1000} s (serve --idle-timeout)`);
    });
    const conn: Connection = {
      number,
      connected: true,
      send: (data) => {
        idle.touch();
        // A client that sends requests but never reads the replies would have them pile up here.
        if (ws.bufferedAmount > MAX_UNREAD_BYTES) {
          log(`client ${number} left ${ws.bufferedAmount} bytes of replies unread: closing its session`);
          ws.terminate();
          return;
        }
        ws.send(data);
      },
    };
    log(`client ${number} connected`);
    ws.on('message', (data: Buffer, isBinary) => {
      idle.touch();
      try {
        dispatcher.handleFrame(conn, data, isBinary);
      } catch (error) {
        log(`internal error on a frame from client ${number}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    });
    ws.on('error', (error) => log(`client ${number}: ${error.message}`));
    ws.once('close', () => {
      idle.stop();
      conn.connected = false;
      queue.disconnect(conn);
      admission.release();
      log(`client ${number} disconnected`);
    });
  };

  const http = createServer((request, response) => answerHttp(persona, request, response));
  http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => undefined);
    admission.offer({ request, socket, head });
  });
  http.on('clientError', (_error, socket) => socket.destroy());
  await listen(http, host, options.port ?? 0);
  const port = (http.address() as AddressInfo).port;

  let stopping: Promise<void> | null = null;
  stop = () =>
    (stopping ??= (async () => {
      if (exitTimer) clearTimeout(exitTimer);
      queue.stop();
      admission.dropWaiting();
      // A close frame goes out after what is already queued (the `quit` reply); a peer that does not
      // answer it within CLOSE_GRACE_MS is cut off.
      await Promise.all(
        [...wss.clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              client.once('close', () => resolve());
              client.close(1001, 'server stopping');
              setTimeout(() => client.terminate(), CLOSE_GRACE_MS).unref();
            }),
        ),
      );
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      wss.close();
    })());
  return { url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}`, port, api, close: () => stop(), closed };
}

async function listen(http: HttpServer, host: string, port: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new RenderRecipesError('USAGE', `cannot listen on ${host}:${port}: ${code} (${(error as Error).message})`, {
      cause: error,
      hint: code === 'EADDRINUSE' ? 'another process uses that port: pick another --port, or --port 0 for a free one' : 'check --host and --port',
    });
  }
}

function answerHttp(persona: Persona, request: IncomingMessage, response: ServerResponse): void {
  if (persona.wire.healthz && request.method === 'GET' && request.url?.split('?')[0] === '/healthz') {
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('Ok');
    return;
  }
  // Anything else is meant to be a WebSocket handshake.
  response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad Request: expected a WebSocket upgrade');
}

async function serverContext(
  persona: Persona,
  latency: LatencySimulation | null,
  limits: ServeLimits,
  log: (line: string) => void,
  quit: () => void,
  exitLater: (minutes: number) => void,
): Promise<ServerContext> {
  const validator = new SchemaValidator(persona.validation);
  const compiled = new Map<string, Validate>();
  return {
    persona,
    state: createState({ type: 'interactive', params: persona.engine.interactiveDefaults() }),
    latency,
    limits,
    schemas: await loadMethodSchemas(persona.api, persona.entrypoints.map((e) => e.method)),
    validators: {
      get(key, schema) {
        let validate = compiled.get(key);
        if (!validate) {
          validate = validator.compile(schema);
          compiled.set(key, validate);
        }
        return validate;
      },
    },
    log,
    quit,
    exitLater,
  };
}

/**
 * Every method's params validator, compiled once at startup; null = the method takes no params.
 * Loader property schemas are compiled now too, so no request pays for a compilation.
 */
function compileParams(server: ServerContext): Map<string, Validate | null> {
  for (const loader of server.persona.loaders.loaders) server.validators.get(loaderValidatorKey(loader.name), loader.schema);
  const out = new Map<string, Validate | null>();
  for (const [method, schema] of server.schemas) {
    out.set(method, schema.params ? server.validators.get(`params:${method}`, schema.params) : null);
  }
  return out;
}

/**
 * ws closes a connection whose message is over maxPayload with code 1009 and no reason; this
 * session socket adds one, so the client learns which limit it hit and how to raise it.
 */
function sessionSocket(maxBytes: number): typeof WebSocket {
  return class SessionSocket extends WebSocket {
    override close(code?: number, reason?: string | Buffer): void {
      if (code === CLOSE_TOO_BIG && reason === undefined) {
        super.close(code, `message over ${maxBytes} bytes (serve --max-message-size)`);
        return;
      }
      super.close(code, reason);
    }
  };
}
