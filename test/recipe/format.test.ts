import { describe, expect, it } from 'vitest';
import { formatDiagnostics, summarizeDiagnostics, type Diagnostic } from '../../src/recipe/index.js';

const d: Diagnostic = {
  code: 'OUT_OF_RANGE',
  severity: 'error',
  file: 'recipes/a.yaml',
  line: 12,
  col: 14,
  path: '$.circuit.cells.density',
  message: 'expected `circuit.cells.density` to be a number in (0, 1], found 1.5',
  expected: 'a number in (0, 1]',
  found: '1.5',
  sourceLine: '    density: 1.5',
  span: 3,
};

describe('formatDiagnostics', () => {
  it('renders file:line:col, the source line, a caret under the value, the field and the hint', () => {
    expect(formatDiagnostics([{ ...d, hint: 'densities are fractions of the cells' }])).toBe(
      [
        'recipes/a.yaml:12:14: expected `circuit.cells.density` to be a number in (0, 1], found 1.5',
        '    |',
        ' 12 |     density: 1.5',
        '    |              ^^^',
        '    = field: $.circuit.cells.density [OUT_OF_RANGE]',
        '    = hint: densities are fractions of the cells',
        '',
      ].join('\n'),
    );
  });

  it('shows expected vs found when the message does not, and labels warnings', () => {
    const text = formatDiagnostics([{ ...d, severity: 'warning', message: 'odd density', found: '1.5' }]);
    expect(text).toContain('recipes/a.yaml:12:14: warning: odd density\n');
    expect(text).toContain('= expected a number in (0, 1], found 1.5');
  });

  it('renders problems without a position as file: message', () => {
    expect(formatDiagnostics([{ code: 'FILE_NOT_FOUND', severity: 'error', file: 'x.yaml', line: 0, col: 0, path: '', message: '`x.yaml` does not exist' }])).toBe(
      'x.yaml: `x.yaml` does not exist\n   = [FILE_NOT_FOUND]\n',
    );
  });

  it('colours only when asked', () => {
    expect(formatDiagnostics([d])).not.toContain('\u001b[');
    expect(formatDiagnostics([d], { color: true })).toContain('\u001b[31m');
  });

  it('summarises counts', () => {
    expect(summarizeDiagnostics([d, { ...d, severity: 'warning' }, { ...d, file: 'b.yaml' }])).toBe('2 errors and 1 warning in 2 files');
  });
});
