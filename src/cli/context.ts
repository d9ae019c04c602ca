import type { Command } from '@commander-js/extra-typings';
import type { ExitCode } from '../errors.js';
import type { CliIo } from './io.js';

/** What a command module gets: the program to attach to and a way to report its exit code. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: ExitCode): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
