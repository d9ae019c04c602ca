import { Command, CommanderError } from '@commander-js/extra-typings';
import { EXIT, isRenderRecipesError, type ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { commands, commandsFor } from './commands/index.js';
import type { CommandContext } from './context.js';
import { print, type CliIo } from './io.js';

/** The root command, without subcommands. */
function rootCommand(io: CliIo): Command {
  return new Command()
    .name('render-recipes')
    .description('Turn declarative scene recipes into rendered figures on Brayns.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
}

/** Runs the CLI in-process and resolves to the exit code; never calls `process.exit`. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const ctx: CommandContext = {
    io,
    setExitCode(code) {
      exitCode = code;
    },
  };
  const program = rootCommand(io);
  try {
    const registers = await Promise.all(commandsFor(argv).map((command) => command.load()));
    for (const register of registers) register(program, ctx);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    if (isRenderRecipesError(error)) {
      if (error.source === 'internal') print(io.stderr, `internal error: ${error.stack ?? error.message}`);
      else print(io.stderr, `error: ${error.message}`);
      if (error.hint) print(io.stderr, `hint: ${error.hint}`);
      return error.exitCode;
    }
    print(io.stderr, `internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.internal;
  }
}

/**
 * Every command with its long options, as `--help` shows them (`slurm submit` for nested ones): the
 * source the README's option tables are checked against.
 */
export async function commandOptions(io: CliIo): Promise<Array<{ command: string; options: string[] }>> {
  const program = rootCommand(io);
  const ctx: CommandContext = { io, setExitCode: () => undefined };
  for (const register of await Promise.all(commands.map((command) => command.load()))) register(program, ctx);
  const walk = (command: Command, prefix: string): Array<{ command: string; options: string[] }> =>
    command.commands.flatMap((sub) => {
      const name = `${prefix}${sub.name()}`;
      const options = sub.options.map((option) => option.long).filter((flag): flag is string => flag !== undefined);
      return [{ command: name, options }, ...walk(sub as unknown as Command, `${name} `)];
    });
  return walk(program, '');
}
