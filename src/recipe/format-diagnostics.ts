import type { Diagnostic } from './diagnostics.js';

export interface FormatOptions {
  /** ANSI colours (the CLI turns them on for a TTY). */
  color?: boolean;
}

const codes = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;

/**
 * Renders diagnostics the way compilers do:
 *
 *     recipes/seed.yaml:7:14: expected `circuit.cells.density` to be a number in (0, 1], found 1.5
 *        |
 *      7 |     density: 1.5
 *        |              ^^^
 *        = field: $.circuit.cells.density [OUT_OF_RANGE]
 *        = hint: ...
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const paint = (style: keyof typeof codes, text: string): string => (options.color ? `\u001b[${codes[style]}m${text}\u001b[0m` : text);
  const blocks = diagnostics.map((d) => {
    const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
    const label = d.severity === 'warning' ? `${paint('yellow', 'warning')}: ` : '';
    const lines = [`${paint('bold', `${where}:`)} ${label}${d.severity === 'error' ? paint('red', d.message) : d.message}`];
    const gutter = d.line > 0 ? String(d.line).length + 1 : 2;
    const pad = ' '.repeat(gutter);
    if (d.line > 0 && d.sourceLine !== undefined) {
      const text = d.sourceLine.replaceAll('\t', ' ');
      const caretStart = Math.min(d.col - 1, text.length);
      const caret = `${' '.repeat(caretStart)}${'^'.repeat(Math.max(1, Math.min(d.span ?? 1, text.length - caretStart)))}`;
      lines.push(`${pad} ${paint('dim', '|')}`, `${paint('dim', ` ${d.line} |`)} ${text}`, `${pad} ${paint('dim', '|')} ${paint(d.severity === 'error' ? 'red' : 'yellow', caret)}`);
    }
    const field = d.path ? `field: ${d.path} ` : '';
    lines.push(`${pad} = ${field}[${d.code}]`);
    // Most messages already say what was expected and found; the line is for those that do not.
    if (d.expected !== undefined && d.found !== undefined && !d.message.includes(d.found)) lines.push(`${pad} = expected ${d.expected}, found ${d.found}`);
    else if (d.expected !== undefined && d.found === undefined) lines.push(`${pad} = expected ${d.expected}`);
    if (d.hint) lines.push(`${pad} = ${paint('cyan', `hint: ${d.hint}`)}`);
    return lines.join('\n');
  });
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

/** `2 errors and 1 warning in 2 files`. */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [count(errors, 'error'), ...(warnings > 0 ? [count(warnings, 'warning')] : [])];
  return `${parts.join(' and ')} in ${count(files, 'file')}`;
}
