import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RenderRecipesError } from './errors.js';

/**
 * Below the stages: both the run stage (`--launch`) and the Slurm stage (batch script, allocation)
 * start servers from it, and neither should load the other to do so.
 *
 * The command that starts one Brayns (or built-in backend), locally (`run --launch N --brayns-cmd`)
 * or in a Slurm step. It is shell text: users write `module load brayns && braynsService --uri
 * 0.0.0.0:{port} ...` as they would in a job script, and it runs through `/bin/sh -c`.
 */

/** This package's bin, absolute, so compute nodes run the same render-recipes as the submitter. */
export const BIN_PATH = fileURLToPath(new URL('../bin/render-recipes.js', import.meta.url));

/** `node <bin>`: the argv prefix that runs this render-recipes wherever it is installed. */
export function selfCommand(): string[] {
  return [process.execPath, BIN_PATH];
}

/**
 * The built-in backend, started the way a real Brayns would be: bound to all interfaces on
 * `{port}`, rendering with the CPUs Slurm gave its step.
 */
export function defaultBraynsCommand(): string {
  return [...selfCommand().map(shellQuote), 'serve', '--host', '0.0.0.0', '--port', '{port}', '--render-threads', '{cpus}'].join(' ');
}

/** The command must name `{port}`, or every instance would fight for one port. */
export function checkCommandTemplate(template: string): void {
  if (!template.includes('{port}')) {
    throw new RenderRecipesError('USAGE', `expected --brayns-cmd to contain {port}, got ${JSON.stringify(template)}`, {
      hint: "write where the port goes, e.g. --brayns-cmd 'braynsService --uri 0.0.0.0:{port} --plugin braynsCircuitExplorer'",
    });
  }
}

/**
 * Fills `{port}`, `{host}` (a node address, quoted in case it is unusual) and `{cpus}` (CPUs for
 * this server; default: all of this machine's).
 */
export function fillCommandTemplate(template: string, values: { port: number; host: string; cpus?: number }): string {
  checkCommandTemplate(template);
  return template
    .replaceAll('{port}', String(values.port))
    .replaceAll('{host}', shellQuote(values.host))
    .replaceAll('{cpus}', String(values.cpus ?? availableParallelism()));
}

/** Words made only of these characters mean the same quoted or not; leaving them bare keeps scripts readable. */
const PLAIN_WORD = /^[A-Za-z0-9_\-+=.,/:@%]+$/;

/** One shell word that bash reads back as exactly `value`, whatever it contains. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    throw new RenderRecipesError('USAGE', `a value for a shell command contains a NUL byte: ${JSON.stringify(value)}`);
  }
  if (PLAIN_WORD.test(value)) return value;
  // Inside single quotes nothing is special except the closing quote: close, add an escaped quote, reopen.
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
