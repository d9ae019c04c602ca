import type { RequestId } from '../personas/types.js';
import type { JsonRpcError } from './errors.js';
import { stringifySorted } from './json.js';

/** Outgoing JSON-RPC messages, condensed with sorted keys like Brayns writes them. */

export function replyText(id: RequestId | null, result: unknown): string {
  return stringifySorted({ id, jsonrpc: '2.0', result: result ?? null });
}

export function errorText(id: RequestId | null, error: JsonRpcError, emptyData: 'null' | 'omit'): string {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.data !== null && error.data.length > 0) body['data'] = error.data;
  else if (emptyData === 'null') body['data'] = null;
  return stringifySorted({ error: body, id, jsonrpc: '2.0' });
}

/** Progress has no top-level id; `method` is the method of the request being processed. */
export function progressText(method: string, id: RequestId, operation: string, amount: number): string {
  return stringifySorted({ jsonrpc: '2.0', method, params: { amount, id, operation } });
}

/** R2/R3 binary frame: `[u32 LE json length][JSON][attachment]`. */
export function binaryFrame(json: string, attachment: Buffer): Buffer {
  const text = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(text.length, 0);
  return Buffer.concat([header, text, attachment]);
}
