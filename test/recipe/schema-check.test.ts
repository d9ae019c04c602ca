import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { recipeSchema } from '../../src/recipe/schema.js';

// The standalone check the build writes (npm run build; the test global setup runs it too).
const root = fileURLToPath(new URL('../../', import.meta.url));
const quickCheck = createRequire(import.meta.url)(join(root, 'dist/recipe/recipe-schema-check.cjs')) as (value: unknown) => boolean;
const full = new Ajv2020({ allErrors: true, verbose: true, strict: true }).compile(recipeSchema());

/** Every recipe document of the fixtures and of recipes/ that parses as YAML (schema-level cases). */
function documents(): Array<[string, unknown]> {
  const dirs = ['test/fixtures/recipes/valid', 'test/fixtures/recipes/invalid', 'recipes'];
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((file) => /\.ya?ml$/.test(file))
      .flatMap((file): Array<[string, unknown]> => {
        try {
          return [[`${dir}/${file}`, parse(readFileSync(join(root, dir, file), 'utf8'))]];
        } catch {
          return [];
        }
      }),
  );
}

describe('the build-time recipe schema check', () => {
  const cases = documents();

  it('covers valid and invalid recipes', () => {
    expect(cases.filter(([, doc]) => full(doc)).length).toBeGreaterThan(3);
    expect(cases.filter(([, doc]) => !full(doc)).length).toBeGreaterThan(10);
  });

  it.each(cases)('agrees with the full validator on %s', (_name, doc) => {
    expect(quickCheck(doc)).toBe(full(doc));
  });
});
