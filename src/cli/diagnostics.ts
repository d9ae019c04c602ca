import { formatDiagnostics, summarizeDiagnostics, type Diagnostic } from '../recipe/index.js';
import { print, type CliIo } from './io.js';

/** Diagnostics go to stderr, coloured on a terminal unless NO_COLOR is set. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  const color = io.stderr.isTTY === true && io.env.NO_COLOR === undefined;
  io.stderr.write(formatDiagnostics(diagnostics, { color }));
  print(io.stderr, `\n${summarizeDiagnostics(diagnostics)}`);
}
