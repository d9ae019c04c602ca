/** JSON-RPC error codes the Brayns server uses (PROTOCOL §3.3). */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  cancelled: 20,
  /** A Brayns JsonRpcException built from a message alone keeps its default code, 0. */
  unspecified: 0,
} as const;

export type RpcCode = (typeof RPC)[keyof typeof RPC];

/**
 * An error that goes back to the client as a JSON-RPC error. Anything else thrown by an
 * entrypoint becomes -32603 with the exception's message, as in Brayns.
 */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';

  constructor(
    readonly code: RpcCode,
    message: string,
    /** A list of strings, or null when the error has no detail. */
    readonly data: string[] | null = null,
  ) {
    super(message);
  }
}

export const cancelledError = (): JsonRpcError => new JsonRpcError(RPC.cancelled, 'Task has been cancelled');

export function invalidParams(message: string, data: string[] | null = null): JsonRpcError {
  return new JsonRpcError(RPC.invalidParams, message, data);
}

export function internalError(message: string): JsonRpcError {
  return new JsonRpcError(RPC.internalError, message);
}

/** Turns anything thrown while a request ran into the error the client receives. */
export function toJsonRpcError(error: unknown): JsonRpcError {
  if (error instanceof JsonRpcError) return error;
  if (error instanceof Error) return internalError(error.message);
  return internalError(String(error));
}
