// The public library surface. Everything not exported here is internal.
export { RenderRecipesError, EXIT, type ErrorCode, type ExitCode } from './errors.js';
export { VERSION } from './version.js';
