import type { Persona, RequestId } from '../personas/types.js';
import { JsonRpcError, RPC } from './errors.js';
import { floatPathsUnder, floatSpelledPaths, type FloatPaths } from './json.js';
import { jsonDepth, tooDeep, type ServeLimits } from './limits.js';
import type { Validate } from './validator.js';

/** A frame that passed envelope validation (PROTOCOL §3.1). */
export interface IncomingRequest {
  method: string;
  /** null for notifications (no id, or id null): no reply, no progress. */
  id: RequestId | null;
  params: unknown;
  /** Float-spelled number paths inside `params`, relative to params (ajv style). */
  paramsFloatPaths: FloatPaths;
  attachment: Buffer | null;
}

/** `id` is set when the request could be read far enough to be answered by its id. */
export type ParsedFrame = { ok: true; request: IncomingRequest } | { ok: false; error: JsonRpcError; id?: RequestId } | { ok: 'ignored' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text and binary frames to requests. Every failure here is answered with `id: null`, whatever
 * the frame held, because the request could not be trusted (Brayns `JsonRpcParser`).
 */
export function parseFrame(data: Buffer, isBinary: boolean, persona: Persona, validateEnvelope: Validate, limits: ServeLimits): ParsedFrame {
  let text: string;
  let attachment: Buffer | null = null;
  try {
    if (isBinary) {
      // R1 binary frames are raw upload chunks; without an upload in progress they are dropped.
      if (!persona.wire.binaryRequests) return { ok: 'ignored' };
      if (data.length < 4) {
        throw new JsonRpcError(RPC.parseError, `Invalid binary packet, expected at least 4 bytes, got ${data.length}`);
      }
      const size = data.readUInt32LE(0);
      if (size > data.length - 4) {
        throw new JsonRpcError(
          RPC.parseError,
          `Invalid binary packet, JSON size ${size} is larger than the ${data.length - 4} bytes that follow the header`,
        );
      }
      text = decode(data.subarray(4, 4 + size), persona);
      attachment = data.subarray(4 + size);
    } else {
      text = decode(data, persona);
    }
    return { ok: true, request: parseText(text, attachment, persona, validateEnvelope, limits) };
  } catch (error) {
    if (error instanceof TooDeep) return { ok: false, error: error.error, ...(error.id === null ? {} : { id: error.id }) };
    if (error instanceof JsonRpcError) return { ok: false, error };
    throw error;
  }
}

function decode(bytes: Buffer, persona: Persona): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new JsonRpcError(RPC.parseError, persona.wire.parseError('invalid UTF-8 text'));
  }
}

/** A message over --max-json-depth, answered by its id when it has a usable one. */
class TooDeep extends Error {
  constructor(
    readonly error: JsonRpcError,
    readonly id: RequestId | null,
  ) {
    super(error.message);
  }
}

function parseText(text: string, attachment: Buffer | null, persona: Persona, validateEnvelope: Validate, limits: ServeLimits): IncomingRequest {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    throw new JsonRpcError(RPC.parseError, persona.wire.parseError(error instanceof Error ? error.message : String(error)));
  }
  // JSON.parse does not recurse, but validation, cloning and error replies do: a 100,000-deep
  // value would overflow the stack there, so depth is checked before anything else looks at it.
  const depth = jsonDepth(message, limits.maxJsonDepth);
  if (depth > limits.maxJsonDepth) throw new TooDeep(tooDeep(limits), usableId(message));
  const floatPaths = floatSpelledPaths(text);
  const problems = validateEnvelope(message, floatPaths);
  if (problems) throw new JsonRpcError(RPC.invalidRequest, persona.wire.invalidEnvelope, problems);
  const envelope = message as { jsonrpc: string; method: string; id?: RequestId | null; params?: unknown };
  if (envelope.jsonrpc !== '2.0') {
    throw new JsonRpcError(RPC.invalidRequest, `Unsupported JSON-RPC version: '${envelope.jsonrpc}'`);
  }
  if (envelope.method === '') throw new JsonRpcError(RPC.invalidRequest, 'No methods provided in request');
  return {
    method: envelope.method,
    id: envelope.id ?? null,
    params: envelope.params,
    paramsFloatPaths: floatPathsUnder(floatPaths, 'params'),
    attachment,
  };
}

function usableId(message: unknown): RequestId | null {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return null;
  const id = (message as Record<string, unknown>)['id'];
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? id : null;
}
