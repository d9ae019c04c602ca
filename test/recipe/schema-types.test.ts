import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaToTypeScript } from '../../src/recipe/schema-to-ts.js';
import { recipeSchema } from '../../src/recipe/schema.js';

const generatedPath = fileURLToPath(new URL('../../src/recipe/recipe-types.generated.ts', import.meta.url));

describe('recipe types generated from the schema', () => {
  it('are up to date with schema/recipe.schema.json', () => {
    const expected = schemaToTypeScript(recipeSchema());
    if (process.env.UPDATE_GENERATED === '1') writeFileSync(generatedPath, expected);
    const committed = readFileSync(generatedPath, 'utf8');
    // When this fails: UPDATE_GENERATED=1 npx vitest run test/recipe/schema-types.test.ts
    expect(committed).toBe(expected);
  });

  it('rejects schema features the generator does not understand instead of guessing', () => {
    expect(() => schemaToTypeScript({ type: 'object', properties: { a: { type: 'null' } } })).toThrow(/unsupported schema type/);
    expect(() => schemaToTypeScript({ $ref: 'other.json' })).toThrow(/unsupported \$ref/);
  });

  it('documents every field with a description, a default or examples', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string, isField: boolean): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      // A `$ref` field is documented by its definition, which is walked too.
      if (isField && !('$ref' in n) && typeof n.description !== 'string') missing.push(`${path}: description`);
      if (isField && !('default' in n) && !('examples' in n) && !('$ref' in n)) missing.push(`${path}: default/examples`);
      for (const [key, child] of Object.entries((n.properties ?? {}))) walk(child, `${path}.${key}`, true);
      for (const [i, branch] of ((n.anyOf ?? []) as unknown[]).entries()) walk(branch, `${path}|${i}`, false);
    };
    const schema = recipeSchema();
    walk(schema, '$', false);
    for (const [name, def] of Object.entries(schema.$defs as object)) walk(def, `#${name}`, true);
    expect(missing).toEqual([]);
  });
});
