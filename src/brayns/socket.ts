import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { RenderRecipesError } from '../errors.js';
import type { BraynsEventSink } from './events.js';

export interface OpenOptions {
  /** Per attempt, covering TCP, TLS and the WebSocket handshake. */
  timeoutMs: number;
  /** Further attempts after the first one fails for a reason that may pass (refused, reset, timeout). */
  retries: number;
  caFile?: string | undefined;
  signal?: AbortSignal | undefined;
  maxPayload: number;
  onEvent: BraynsEventSink;
}

/** Certificate problems are not transient: retrying them only delays the message the user needs. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface AttemptFailure {
  error: RenderRecipesError;
  retryable: boolean;
}

/**
 * Opens the WebSocket with retries and backoff. Pings are never sent and never answered: Brayns
 * takes any control frame with bit 0x08 (close, ping, pong) as a close. No compression either,
 * since Brayns' Poco server negotiates none.
 */
export async function openSocket(url: string, options: OpenOptions): Promise<WebSocket> {
  const ca = options.caFile === undefined ? undefined : await readCa(options.caFile);
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw abortError(url, options.signal.reason);
    const outcome = await openOnce(url, { ...options, ca });
    if (outcome instanceof WebSocket) return outcome;
    if (!outcome.retryable || attempt >= options.retries) {
      if (attempt > 0) outcome.error.message = `${outcome.error.message} (after ${attempt + 1} attempts)`;
      throw outcome.error;
    }
    const delayMs = Math.min(250 * 2 ** attempt, 4000);
    options.onEvent({ code: 'brayns.connect.retry', level: 'info', message: `${outcome.error.message}; retrying in ${delayMs} ms`, data: { url, attempt: attempt + 1, delayMs } });
    await sleep(delayMs, options.signal);
  }
}

function openOnce(url: string, options: OpenOptions & { ca: Buffer | undefined }): Promise<WebSocket | AttemptFailure> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      autoPong: false,
      handshakeTimeout: options.timeoutMs,
      maxPayload: options.maxPayload,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    let settled = false;
    const finish = (value: WebSocket | AttemptFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (!(value instanceof WebSocket)) ws.terminate();
      resolve(value);
    };
    const onAbort = (): void => finish({ error: abortError(url, options.signal?.reason), retryable: false });
    const timer = setTimeout(() => finish(timedOut(url, options.timeoutMs)), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('open', () => finish(ws));
    ws.on('error', (error) => finish(classify(url, error, options.caFile)));
    // A close before open without an error event still must not hang the caller.
    ws.on('close', () => finish({ error: new RenderRecipesError('CONNECTION', `${url} closed the connection during the handshake`), retryable: true }));
  });
}

function classify(url: string, error: Error, caFile: string | undefined): AttemptFailure {
  const code = (error as { code?: string }).code ?? '';
  if (TLS_CODES.has(code)) {
    const hint = code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? 'connect with the host name the certificate was issued for'
      : caFile === undefined
        ? 'pass the CA certificate that signed the server certificate (--ca-file <pem>)'
        : `the certificate is not signed by the CA in ${caFile}: pass the right CA file`;
    return { error: new RenderRecipesError('CONNECTION', `the TLS certificate of ${url} was rejected (${code}: ${error.message})`, { cause: error, hint }), retryable: false };
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(error.message)) {
    // OpenSSL's text ("...ssl3_get_record:wrong version number...") means the peer answered in plain text.
    const plain = /wrong version number|packet length too long/i.test(error.message);
    const why = plain ? 'the server does not speak TLS' : (error.message.split('\n')[0] ?? '');
    return { error: new RenderRecipesError('CONNECTION', `TLS handshake with ${url} failed: ${why}`, { cause: error, hint: 'the server may not use TLS: try ws:// instead of wss://' }), retryable: false };
  }
  const status = /Unexpected server response: (\d+)/.exec(error.message);
  if (status) {
    return { error: new RenderRecipesError('PROTOCOL', `${url} answered the WebSocket upgrade with HTTP ${status[1]}: it is not a Brayns server`, { cause: error, hint: 'check the host and port of braynsService (--uri)' }), retryable: false };
  }
  if (/handshake has timed out/i.test(error.message)) return timedOut(url, 0);
  const notFound = code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return {
    error: new RenderRecipesError('CONNECTION', `cannot connect to ${url} (${code || error.message})`, {
      cause: error,
      hint: notFound ? 'check the host name' : 'is braynsService running and listening on that host:port (--uri)?',
    }),
    retryable: code !== 'ENOTFOUND',
  };
}

function timedOut(url: string, timeoutMs: number): AttemptFailure {
  const within = timeoutMs > 0 ? ` within ${timeoutMs} ms` : '';
  return { error: new RenderRecipesError('TIMEOUT', `no WebSocket handshake with ${url}${within}`, { hint: 'is the host reachable and is it a Brayns server?' }), retryable: true };
}

function abortError(url: string, reason: unknown): RenderRecipesError {
  return new RenderRecipesError('CANCELLED', `connecting to ${url} was cancelled`, { cause: reason });
}

async function readCa(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new RenderRecipesError('USAGE', `cannot read the CA file ${file} (${(error as Error).message})`, { cause: error, hint: 'give a PEM file with the certificate that signed the server\'s' });
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
