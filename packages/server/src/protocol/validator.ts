import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { jsonTypeName, NO_FLOAT_PATHS, type FloatPaths } from './json.js';

/**
 * Params validation against the vendored schemas, with Brayns' rules layered on ajv:
 * - `1.0` is a float: rejected where an integer is required (keyword `x-int-spelling`, fed with
 *   the float-spelled paths of the request text);
 * - read-only properties are never required in input; R1/R2 accept and ignore them, R3 rejects
 *   them (keyword `x-read-only`);
 * - every problem is reported (allErrors), schema defaults are filled in (useDefaults).
 * Messages are worded by the persona through `ValidationStyle`.
 */

export type IssueKind =
  | 'missing'
  | 'unknown'
  | 'type'
  | 'minimum'
  | 'maximum'
  | 'enum'
  | 'minItems'
  | 'maxItems'
  | 'readOnly'
  | 'oneOf'
  | 'other';

export interface Issue {
  kind: IssueKind;
  /** Dotted path of the offending value (`image_settings.size[0]`), '' for the root. */
  path: string;
  /** Path of the object holding a missing/unknown/read-only property, and its name. */
  parent: string;
  property: string;
  expected: string;
  actual: string;
  limit: number;
  value: unknown;
  allowed: unknown[];
}

export interface ValidationStyle {
  rejectReadOnly: boolean;
  format(issue: Issue): string;
}

/** Validates (and fills defaults into) `data`; returns the messages, or null when valid. */
export interface Validate {
  (data: unknown, floatPaths: FloatPaths): string[] | null;
  /** Whether the schema has defaults to fill in (ajv writes them into `data`); else `data` is left as it is. */
  readonly fillsDefaults: boolean;
}

// ajv keywords are synchronous and the server is single-threaded: the paths of the request being
// validated are handed to the keyword through this variable for the duration of one call.
let activeFloatPaths: FloatPaths = NO_FLOAT_PATHS;

export class SchemaValidator {
  private readonly ajv: Ajv;

  constructor(private readonly style: ValidationStyle) {
    this.ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
    this.ajv.addKeyword({
      keyword: 'x-int-spelling',
      schemaType: 'boolean',
      errors: false,
      validate: (_schema: boolean, _data: unknown, _parent?: unknown, cxt?: { instancePath: string }) =>
        !activeFloatPaths.has(cxt?.instancePath ?? ''),
    });
    this.ajv.addKeyword({ keyword: 'x-read-only', schemaType: 'boolean', errors: false, validate: () => false });
  }

  compile(schema: Record<string, unknown>): Validate {
    const prepared = prepareSchema(schema, this.style.rejectReadOnly);
    const validate: ValidateFunction = this.ajv.compile(prepared);
    const run = (data: unknown, floatPaths: FloatPaths): string[] | null => {
      activeFloatPaths = floatPaths;
      try {
        if (validate(data)) return null;
        return this.messages(validate.errors ?? [], floatPaths);
      } finally {
        activeFloatPaths = NO_FLOAT_PATHS;
      }
    };
    return Object.assign(run, { fillsDefaults: hasDefaults(prepared) });
  }

  private messages(errors: ErrorObject[], floatPaths: FloatPaths): string[] {
    // A failed oneOf also reports why each branch failed; Brayns reports the oneOf only.
    const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
    const kept = errors.filter((e) => !oneOfPaths.some((p) => e.schemaPath.startsWith(p)));
    const out = kept.map((e) => this.style.format(toIssue(e, floatPaths)));
    return [...new Set(out)];
  }
}

function toIssue(error: ErrorObject, floatPaths: FloatPaths): Issue {
  const path = dotted(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const issue: Issue = {
    kind: 'other',
    path,
    parent: path,
    property: '',
    expected: '',
    actual: jsonTypeName(error.data, floatPaths.has(error.instancePath)),
    limit: typeof params['limit'] === 'number' ? params['limit'] : 0,
    value: error.data,
    allowed: Array.isArray(params['allowedValues']) ? params['allowedValues'] : [],
  };
  const child = (name: string): Issue => ({ ...issue, property: name, path: path ? `${path}.${name}` : name });
  switch (error.keyword) {
    case 'required':
      return { ...child(String(params['missingProperty'])), kind: 'missing' };
    case 'additionalProperties':
      return { ...child(String(params['additionalProperty'])), kind: 'unknown' };
    case 'x-read-only': {
      const segments = error.instancePath.split('/');
      const name = unescape(segments.pop() ?? '');
      return { ...issue, kind: 'readOnly', property: name, parent: dotted(segments.join('/')) };
    }
    case 'type':
      return { ...issue, kind: 'type', expected: [params['type']].flat().join('|') };
    case 'x-int-spelling':
      return { ...issue, kind: 'type', expected: 'integer', actual: 'number' };
    case 'minimum':
    case 'exclusiveMinimum':
      return { ...issue, kind: 'minimum' };
    case 'maximum':
    case 'exclusiveMaximum':
      return { ...issue, kind: 'maximum' };
    case 'minItems':
      return { ...issue, kind: 'minItems', value: Array.isArray(error.data) ? error.data.length : 0 };
    case 'maxItems':
      return { ...issue, kind: 'maxItems', value: Array.isArray(error.data) ? error.data.length : 0 };
    case 'enum':
      return { ...issue, kind: 'enum' };
    case 'oneOf':
      return { ...issue, kind: 'oneOf' };
    default:
      return issue;
  }
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `/image_settings/size/0` -> `image_settings.size[0]`. */
export function dotted(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = unescape(raw);
    out += /^\d+$/.test(segment) ? `[${segment}]` : out ? `.${segment}` : segment;
  }
  return out;
}

/** Whether the schema has a `default` anywhere (a property named "default" counts too: a needless copy, never a missed one). */
function hasDefaults(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasDefaults);
  if (node === null || typeof node !== 'object') return false;
  return 'default' in node || Object.values(node).some(hasDefaults);
}

/** A copy of the schema with the Brayns rules above turned into keywords ajv runs. */
export function prepareSchema(schema: unknown, rejectReadOnly: boolean): Record<string, unknown> {
  const copy = structuredClone(schema) as Record<string, unknown>;
  walk(copy, rejectReadOnly);
  return copy;
}

function walk(node: unknown, rejectReadOnly: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, rejectReadOnly);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema['type'] === 'integer') schema['x-int-spelling'] = true;
  const properties = schema['properties'] as Record<string, Record<string, unknown>> | undefined;
  if (properties && typeof properties === 'object') {
    const readOnly = Object.keys(properties).filter((key) => properties[key]?.['readOnly'] === true);
    for (const key of readOnly) properties[key] = rejectReadOnly ? { 'x-read-only': true } : {};
    if (Array.isArray(schema['required'])) {
      schema['required'] = (schema['required'] as string[]).filter((key) => !readOnly.includes(key));
    }
    for (const value of Object.values(properties)) walk(value, rejectReadOnly);
  }
  for (const key of ['items', 'oneOf', 'anyOf', 'allOf', 'additionalProperties', 'not']) {
    if (key in schema) walk(schema[key], rejectReadOnly);
  }
}
