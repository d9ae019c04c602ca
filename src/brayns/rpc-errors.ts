import { RenderRecipesError } from '../errors.js';

/** A JSON-RPC error object as Brayns sends it (`data` is a list of strings, null, or absent). */
export interface JsonRpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

/** Brayns' "task cancelled" error code. */
export const CANCELLED_CODE = 20;

/**
 * One typed error for every JSON-RPC error reply: code JSONRPC (CANCELLED for Brayns code 20), the
 * server's {code, message, data} in `data`, and -32602 schema problems listed readably.
 */
export function jsonRpcError(method: string | null, body: unknown, uri: string): RenderRecipesError {
  const error = normalizeBody(body);
  const details = Array.isArray(error.data) ? error.data.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))) : [];
  const what = method === null ? `${uri} reported an error for the whole connection` : `Brayns rejected '${method}'`;
  const listed = details.length > 0 ? `:\n${details.map((d) => `  - ${d}`).join('\n')}` : '';
  const message = `${what} (${error.code} ${error.message})${listed}`;
  const data = { code: error.code, message: error.message, data: error.data };
  if (error.code === CANCELLED_CODE) return new RenderRecipesError('CANCELLED', message, { data });
  return new RenderRecipesError('JSONRPC', message, { data, hint: hintFor(error.code) });
}

function normalizeBody(body: unknown): JsonRpcErrorBody {
  const b = body as Partial<JsonRpcErrorBody> | null;
  if (b === null || typeof b !== 'object') return { code: 0, message: `malformed error ${JSON.stringify(body)}` };
  return {
    code: typeof b.code === 'number' ? b.code : 0,
    message: typeof b.message === 'string' ? b.message : '(no message)',
    ...('data' in b ? { data: b.data } : {}),
  };
}

function hintFor(code: number): string | undefined {
  switch (code) {
    case -32601:
      return 'the server lacks this method: check its version and plugins with `render-recipes probe <uri>`';
    case -32602:
      return 'the request did not match what this server version accepts; `render-recipes probe <uri>` shows its version';
    default:
      return undefined;
  }
}

export function cancelledError(method: string, reason: unknown): RenderRecipesError {
  const why = reason instanceof Error ? `: ${reason.message}` : '';
  return new RenderRecipesError('CANCELLED', `'${method}' was cancelled${why}`, { cause: reason });
}

export function timeoutError(method: string, timeoutMs: number, uri: string): RenderRecipesError {
  return new RenderRecipesError('TIMEOUT', `${uri} did not answer '${method}' within ${timeoutMs} ms`, {
    hint: 'the server may be busy with another client\'s request (Brayns runs one request at a time): retry or raise the timeout',
  });
}
