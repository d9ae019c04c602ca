import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RenderRecipesError } from '../../src/errors.js';
import { sbatchLine, sbatchPath, shellQuote } from '../../src/slurm/quote.js';

const hostile = [
  'plain.yaml',
  'with space.yaml',
  "it's.yaml",
  '$(touch pwned)',
  '`touch pwned`',
  '${HOME}',
  '"; touch pwned; "',
  "'; touch pwned; '",
  'line\nbreak; touch pwned',
  'back\\slash',
  '-rf',
  '*',
  '~',
  '!event',
  '',
  'tab\there',
  'ünïcødé ✓',
];

describe('shellQuote', () => {
  it.each(hostile)('bash reads %j back unchanged', (value) => {
    // printf through a real bash: what the script's shell would see as one word.
    const seen = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
    expect(seen).toBe(value);
  });

  it('leaves plain words bare so scripts stay readable', () => {
    expect(shellQuote('/work/out/recipes-1.yaml')).toBe('/work/out/recipes-1.yaml');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('refuses a NUL byte, which no shell word can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(RenderRecipesError);
  });
});

describe('#SBATCH values', () => {
  it('accepts a value matching its pattern', () => {
    expect(sbatchLine('partition', 'gpu', /^\w+$/, 'a name')).toBe('#SBATCH --partition=gpu');
  });

  it.each(['gpu debug', 'gpu\n#SBATCH --uid=0', '$(x)', ''])('rejects %j with a USAGE error naming the option', (value) => {
    const error = catchError(() => sbatchLine('partition', value, /^\w+$/, 'a name'));
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain('--partition');
  });

  it('double-quotes a log path and doubles % so sbatch does not expand it', () => {
    expect(sbatchPath('output', "/data/my 100% 'run' $x", 'job-%j.log', 'out')).toBe(
      `#SBATCH --output="/data/my 100%% 'run' $x/job-%j.log"`,
    );
  });

  it.each(['/data/a"b', '/data/a\\b', '/data/a\nb'])('rejects a log dir sbatch cannot read: %j', (dir) => {
    const error = catchError(() => sbatchPath('output', dir, 'job-%j.log', 'out'));
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain('--out');
    expect(error.hint).toContain('#SBATCH');
  });
});

function catchError(fn: () => unknown): RenderRecipesError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RenderRecipesError) return error;
    throw error;
  }
  throw new Error('expected an error');
}
