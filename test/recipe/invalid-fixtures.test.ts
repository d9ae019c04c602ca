import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/index.js';
import { formatDiagnostics } from '../../src/recipe/index.js';

/**
 * One fixture per error case. Each starts with `# expect: CODE line:col` lines (or
 * `CODE file:line:col` when the problem sits in a base file): exactly those errors, no others.
 */
const dir = fileURLToPath(new URL('../fixtures/recipes/invalid/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
  .sort();

function expectations(file: string): string[] {
  const text = readFileSync(`${dir}${file}`, 'utf8');
  return [...text.matchAll(/^# expect: (\S+) (\S+)$/gm)].map(([, code, where]) => `${code} ${where?.split(':').length === 2 ? `${file}:${where}` : where}`).sort();
}

describe('invalid recipe fixtures', () => {
  it('cover at least 30 distinct error cases', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    const codes = new Set(fixtures.flatMap((f) => expectations(f).map((e) => e.split(' ')[0])));
    expect(codes.size).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtures)('%s reports exactly its expected errors at their positions', async (file) => {
    const expected = expectations(file);
    expect(expected.length).toBeGreaterThan(0);
    const { plan, diagnostics } = await buildPlan([file], { cwd: dir });
    expect(plan).toBeUndefined();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.file}:${d.line}:${d.col}`).sort()).toEqual(expected);
    for (const d of errors) {
      // Every problem names its field and explains itself, and the rendering shows the line.
      expect(d.message.length).toBeGreaterThan(10);
      expect(d.sourceLine).toBeDefined();
      const text = formatDiagnostics([d]);
      expect(text.startsWith(`${d.file}:${d.line}:${d.col}: ${d.message}\n`)).toBe(true);
      expect(text).toContain(`${d.line} | ${(d.sourceLine ?? '').replaceAll('\t', ' ')}`);
      expect(text).toContain('^');
    }
  });

  it('reports every error of every recipe in one run', async () => {
    const { plan, diagnostics } = await buildPlan(['.'], { cwd: dir });
    expect(plan).toBeUndefined();
    const found = new Set(diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.col}`));
    const missing = fixtures.flatMap(expectations).filter((e) => !found.has(e));
    expect(missing).toEqual([]);
  });
});
