import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The recipe JSON Schema, read from the package's `schema/` folder (shipped with the package, the
 * same file editors use through the `# yaml-language-server: $schema=` line).
 */
export const RECIPE_SCHEMA_PATH = fileURLToPath(new URL('../../schema/recipe.schema.json', import.meta.url));

let cached: Record<string, unknown> | undefined;

export function recipeSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(RECIPE_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return cached;
}

/** The schema node for a dotted recipe path (`circuit.cells.density`), following `$ref`s; undefined when unknown. */
export function schemaAt(path: readonly string[]): Record<string, unknown> | undefined {
  const root = recipeSchema();
  let node: Record<string, unknown> | undefined = root;
  for (const key of path) {
    node = deref(root, node);
    const properties = node?.properties as Record<string, Record<string, unknown>> | undefined;
    node = properties?.[key];
    if (!node) return undefined;
  }
  return deref(root, node);
}

export function deref(root: Record<string, unknown>, node: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!node || typeof node.$ref !== 'string') return node;
  const name = node.$ref.replace('#/$defs/', '');
  const target = (root.$defs as Record<string, Record<string, unknown>>)[name];
  // Annotations beside the $ref (description, default) win over the definition's own.
  return target ? { ...target, ...node, $ref: undefined } : undefined;
}

/** Names of the properties allowed at a schema node (for "did you mean" hints). */
export function propertyNames(node: Record<string, unknown> | undefined): string[] {
  const root = recipeSchema();
  const resolved = deref(root, node);
  if (!resolved) return [];
  const names = new Set(Object.keys((resolved.properties ?? {})));
  for (const branch of (resolved.anyOf ?? []) as Record<string, unknown>[]) {
    for (const name of Object.keys((deref(root, branch)?.properties ?? {}))) names.add(name);
  }
  return [...names];
}
