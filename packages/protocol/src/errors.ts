/**
 * One error type for the whole tool, with a closed set of codes. `source: 'user'` errors are the
 * user's to fix (bad recipe, unreachable server) and are printed without a stack trace; `internal`
 * ones are bugs in render-recipes.
 */
export type ErrorCode =
  | 'RECIPE_INVALID' // one or more recipes failed to load or validate (see diagnostics)
  | 'RECIPE_NOT_FOUND'
  | 'USAGE' // bad command-line usage
  | 'CONNECTION' // cannot reach or keep a Brayns instance
  | 'PROTOCOL' // the peer is not Brayns, or broke the protocol
  | 'JSONRPC' // Brayns answered a request with a JSON-RPC error
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'CAPABILITY' // the server lacks what the recipe needs (loader, method)
  | 'RENDER_FAILED' // a run finished with failed tasks
  | 'OUTPUT' // cannot write outputs
  | 'SLURM'
  | 'CIRCUIT_INVALID' // a circuit file (BlueConfig, cells, targets, spikes) is missing, unreadable or selects nothing
  | 'TOOL_MISSING' // an external program the recipes need (ffmpeg for movies) is not installed
  | 'MOVIE' // a movie could not be assembled: frames missing, or ffmpeg failed
  | 'INTERNAL';

/** Process exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  internal: 1,
  invalidInput: 2,
  unreachable: 3,
  renderFailed: 4,
  capability: 5,
  slurm: 6,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const exitByCode: Record<ErrorCode, ExitCode> = {
  RECIPE_INVALID: EXIT.invalidInput,
  RECIPE_NOT_FOUND: EXIT.invalidInput,
  USAGE: EXIT.invalidInput,
  CONNECTION: EXIT.unreachable,
  PROTOCOL: EXIT.unreachable,
  JSONRPC: EXIT.renderFailed,
  TIMEOUT: EXIT.unreachable,
  CANCELLED: EXIT.interrupted,
  CAPABILITY: EXIT.capability,
  RENDER_FAILED: EXIT.renderFailed,
  OUTPUT: EXIT.renderFailed,
  SLURM: EXIT.slurm,
  CIRCUIT_INVALID: EXIT.invalidInput,
  TOOL_MISSING: EXIT.invalidInput,
  MOVIE: EXIT.renderFailed,
  INTERNAL: EXIT.internal,
};

export interface RenderRecipesErrorOptions {
  source?: 'user' | 'internal';
  cause?: unknown;
  hint?: string;
  data?: unknown;
}

export class RenderRecipesError extends Error {
  override readonly name = 'RenderRecipesError';
  readonly code: ErrorCode;
  readonly source: 'user' | 'internal';
  readonly hint: string | undefined;
  readonly data: unknown;

  constructor(code: ErrorCode, message: string, options: RenderRecipesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.source = options.source ?? (code === 'INTERNAL' ? 'internal' : 'user');
    this.hint = options.hint;
    this.data = options.data;
  }

  get exitCode(): ExitCode {
    return exitByCode[this.code];
  }
}

export function isRenderRecipesError(error: unknown): error is RenderRecipesError {
  return error instanceof RenderRecipesError;
}
