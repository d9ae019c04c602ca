import type { RegisterCommand } from '../context.js';

/**
 * Every subcommand, one module each. Order here is the order in `--help`.
 */
export const commands: RegisterCommand[] = [];
