import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { loaderSchemas, methodSchemas, schemaRoot, type Api } from './plausible.js';

type Schema = Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new WeakMap<object, ValidateFunction>();

function check(schema: Schema, data: unknown, where: string): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/**
 * R3 rejects read-only properties in input and does not require them (a required read-only
 * property only means the server always returns it), so its input schema drops them from
 * `required` and a separate walk flags any that are present.
 */
function inputSchema(schema: Schema): Schema {
  const copy = structuredClone(schema);
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Schema;
    const props = n.properties as Record<string, Schema> | undefined;
    if (props && Array.isArray(n.required)) n.required = n.required.filter((k) => props[k as string]?.readOnly !== true);
    for (const value of Object.values(n)) visit(value);
  };
  visit(copy);
  return copy;
}

function readOnlyViolations(schema: Schema | undefined, data: unknown, where: string): string[] {
  if (!schema || data === null || typeof data !== 'object') return [];
  if (Array.isArray(data)) return data.flatMap((d, i) => readOnlyViolations(schema.items as Schema | undefined, d, `${where}[${i}]`));
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  return Object.entries(data).flatMap(([key, value]) => {
    const prop = props[key];
    if (prop?.readOnly === true) return [`${where}.${key}: read only property sent to R3`];
    return readOnlyViolations(prop, value, `${where}.${key}`);
  });
}

const envelopes = new Map<Api, Schema>();
function envelope(api: Api): Schema {
  let e = envelopes.get(api);
  if (!e) {
    e = (JSON.parse(readFileSync(join(schemaRoot, api, '_jsonrpc-envelope.json'), 'utf8')) as { RequestMessage: Schema }).RequestMessage;
    envelopes.set(api, e);
  }
  return e;
}

const methodCache = new Map<Api, ReturnType<typeof methodSchemas>>();
const methods = (api: Api): ReturnType<typeof methodSchemas> => {
  if (!methodCache.has(api)) methodCache.set(api, methodSchemas(api));
  return methodCache.get(api)!;
};

function validateAgainst(api: Api, schema: Schema, data: unknown, where: string): string[] {
  const strictReadOnly = api === '3.10.1';
  return [...check(strictReadOnly ? inputSchema(schema) : schema, data, where), ...(strictReadOnly ? readOnlyViolations(schema, data, where) : [])];
}

/** Every problem of one request against the published schemas of that revision ([] = valid). */
export function validateRequest(api: Api, message: Record<string, unknown>): string[] {
  const problems = check(envelope(api), message, 'envelope');
  const method = String(message.method);
  const schema = methods(api).get(method);
  if (!schema) return [...problems, `method ${method} does not exist in ${api}`];
  const params = message.params;
  if (schema.params === undefined) {
    if (params !== undefined && params !== null) problems.push(`${method} takes no params but got ${JSON.stringify(params)}`);
    return problems;
  }
  if (params === undefined) return [...problems, `${method} needs params (send {} at least)`];
  problems.push(...validateAgainst(api, schema.params, params, `${method}.params`));
  const p = params as Record<string, unknown>;
  if (method === 'add-model') {
    const loader = loaderSchemas(api).find((l) => l.name === p.loader_name);
    const loaderSchema = (loader?.inputParametersSchema ?? loader?.input_parameters_schema) as Schema | undefined;
    if (!loaderSchema) problems.push(`loader ${String(p.loader_name)} does not exist in ${api}`);
    else problems.push(...validateAgainst(api, loaderSchema, p.loader_properties, 'loader_properties'));
  }
  if (method === 'snapshot') {
    for (const [key, kind] of [['camera', 'camera'], ['renderer', 'renderer']] as const) {
      const object = p[key] as { name?: string; params?: unknown } | undefined;
      if (!object) continue;
      const typeSchema = methods(api).get(`set-${kind}-${object.name ?? ''}`)?.params;
      if (!typeSchema) problems.push(`${key}.name ${String(object.name)} has no set-${kind}-<name> schema in ${api}`);
      else if (object.params === undefined) problems.push(`${key}.params must be sent with ${key}.name`);
      else problems.push(...validateAgainst(api, typeSchema, object.params, `${key}.params`));
    }
  }
  return problems;
}

/** Problems of a fake server's result against the method's `returns` schema. */
export function validateResult(api: Api, method: string, result: unknown): string[] {
  const returns = methods(api).get(method)?.returns;
  if (!returns) return result === null ? [] : [`${method} returns nothing but the fake returned ${JSON.stringify(result)}`];
  return check(returns, result, `${method}.result`);
}
