import { RenderRecipesError } from '@render-recipes/protocol';

/**
 * A problem with the circuit files a model load points at. The message is exactly what the server
 * sends to the client (the protocol layer maps it to JSON-RPC -32603), so it starts with Brayns'
 * own wording where Brayns has one and then names the file.
 */
export function circuitError(message: string, cause?: unknown): RenderRecipesError {
  return new RenderRecipesError('CIRCUIT_INVALID', message, cause === undefined ? {} : { cause });
}

/** Node's error code for a failed fs call, if any. */
export function fsErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
