/**
 * Generates the raw recipe types (`recipe-types.generated.ts`) from `schema/recipe.schema.json`.
 *
 * Why generated types: the JSON Schema is the one source of truth for the recipe shape (ajv checks
 * it, editors complete from it). Deriving the TypeScript types from it, and failing a test when the
 * committed file is stale, means a schema change that the normaliser does not handle breaks the
 * type-check instead of slipping through. It covers exactly the schema features the recipe schema
 * uses; anything else is a generator error, so the schema cannot silently outgrow it.
 */
export type JsonSchema = { [key: string]: unknown };

const HEADER = `// GENERATED from schema/recipe.schema.json by src/recipe/schema-to-ts.ts. Do not edit.
// Regenerate: UPDATE_GENERATED=1 npx vitest run test/recipe/schema-types.test.ts
`;

export function schemaToTypeScript(root: JsonSchema): string {
  const defs = (root.$defs ?? {}) as Record<string, JsonSchema>;
  const out: string[] = [HEADER];
  out.push(declare('RawRecipe', root));
  for (const [name, def] of Object.entries(defs)) out.push(declare(rawName(name), def));
  return out.join('\n');
}

function rawName(defName: string): string {
  return `Raw${defName.replace(/(^|[-_])([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase())}`;
}

function declare(name: string, schema: JsonSchema): string {
  return `${doc(schema, '')}export type ${name} = ${typeOf(schema, '')};\n`;
}

function doc(schema: JsonSchema, indent: string): string {
  const description = schema.description;
  if (typeof description !== 'string') return '';
  return `${indent}/** ${description.replaceAll('*/', '*\\/')} */\n`;
}

function typeOf(schema: JsonSchema, indent: string): string {
  if (typeof schema.$ref === 'string') {
    const match = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    if (!match?.[1]) throw new Error(`unsupported $ref ${schema.$ref}`);
    return rawName(match[1]);
  }
  if (Array.isArray(schema.anyOf)) {
    const members = (schema.anyOf as JsonSchema[]).map((s) => typeOf(s, indent));
    // `string` already covers a branch of string literals (a colour is a hex string or a name).
    const hasString = members.includes('string');
    return members
      .filter((m) => !(hasString && /^"[^"]*"( \| "[^"]*")*$/.test(m)))
      .map(wrap)
      .join(' | ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return arrayType(schema, indent);
    case 'object':
      return objectType(schema, indent);
    case undefined:
      return 'unknown';
    default:
      throw new Error(`unsupported schema type ${JSON.stringify(schema.type)}`);
  }
}

function wrap(type: string): string {
  return type.includes(' | ') ? `(${type})` : type;
}

function arrayType(schema: JsonSchema, indent: string): string {
  const item = schema.items === undefined ? 'unknown' : typeOf(schema.items as JsonSchema, indent);
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
  // Short fixed-size arrays (vectors, colours, [width, height]) become tuples.
  if (max !== undefined && max <= 4 && min >= 1) {
    const tuples: string[] = [];
    for (let n = min; n <= max; n++) tuples.push(`[${Array.from({ length: n }, () => item).join(', ')}]`);
    return tuples.join(' | ');
  }
  return `${wrap(item)}[]`;
}

function objectType(schema: JsonSchema, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const [key, prop] of Object.entries(properties)) {
    const optional = required.has(key) ? '' : '?';
    lines.push(`${doc(prop, inner)}${inner}${safeKey(key)}${optional}: ${typeOf(prop, inner)};`);
  }
  const patterns = (schema.patternProperties ?? {}) as Record<string, JsonSchema>;
  for (const pattern of Object.keys(patterns)) {
    const prefix = /^\^([a-z-]+)$/.exec(pattern)?.[1];
    if (!prefix) throw new Error(`unsupported patternProperties ${pattern}`);
    lines.push(`${inner}[key: \`${prefix}\${string}\`]: unknown;`);
  }
  const additional = schema.additionalProperties;
  if (additional !== undefined && additional !== false) {
    const value = additional === true ? 'unknown' : typeOf(additional as JsonSchema, inner);
    lines.push(`${inner}[key: string]: ${value};`);
  }
  return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`;
}

function safeKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}
