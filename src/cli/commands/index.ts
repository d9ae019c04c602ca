import type { RegisterCommand } from '../context.js';

/**
 * Every subcommand, one module each, loaded on demand: a command line names one command, and only
 * that command's module (and what it imports) is loaded, so `--version` or `validate` do not pay
 * for the runner, the Brayns client or sharp. Order here is the order in `--help`.
 */
export const commands: ReadonlyArray<{ name: string; load: () => Promise<RegisterCommand> }> = [
  { name: 'validate', load: async () => (await import('./validate.js')).register },
  { name: 'plan', load: async () => (await import('./plan.js')).register },
  { name: 'run', load: async () => (await import('./run.js')).register },
  { name: 'status', load: async () => (await import('./status.js')).register },
  { name: 'inspect', load: async () => (await import('./inspect.js')).register },
  { name: 'probe', load: async () => (await import('./probe.js')).register },
  { name: 'slurm', load: async () => (await import('./slurm.js')).register },
  { name: 'sample-circuit', load: async () => (await import('./sample-circuit.js')).register },
  { name: 'serve', load: async () => (await import('./serve.js')).register },
];

/**
 * The commands a command line needs registered: the one it names, or all of them when it names none
 * it knows (`--help`, a bare invocation, a typo that commander answers with "did you mean").
 * `--version` and `-V` before any command need none.
 */
export function commandsFor(argv: readonly string[]): typeof commands {
  const first = argv.find((arg) => !arg.startsWith('-'));
  const named = commands.find((command) => command.name === first);
  if (named) return [named];
  if (first === undefined && argv.length > 0 && argv.every((arg) => arg === '--version' || arg === '-V')) return [];
  return commands;
}
