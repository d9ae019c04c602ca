import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isRenderRecipesError } from '../errors.js';
import type { CircuitSpec } from '../plan/types.js';
import { BBP_LOADER, SONATA_LOADER } from './adapters/common.js';
import { formatVersion } from './revision.js';
import type { BraynsClient, LoaderInfo, RequestOptions } from './types.js';

/**
 * What a server says about the loads a plan will ask of it, checked before the first `add-model`:
 * the loader exists in its `get-loaders`, and the exact params the client will send validate
 * against that server's own `schema` of add-model and the loader's input schema. Servers differ
 * (a 2.0.0 server has no SONATA loader; a build may lack a property): this finds it at connect,
 * not as a failed task after a scene started loading.
 */

export interface LoadProblem {
  /** The circuit config whose load the server would refuse. */
  circuit: string;
  loader: string;
  /** Where in the add-model params (`loader_properties.gids[0]`), or null for the loader itself. */
  property: string | null;
  message: string;
  hint?: string;
}

const LOADER_NAME: Record<CircuitSpec['loader'], string> = { bbp: BBP_LOADER, sonata: SONATA_LOADER };

export async function checkLoads(client: BraynsClient, circuits: readonly CircuitSpec[], options: RequestOptions = {}): Promise<LoadProblem[]> {
  const loaders = await client.getLoaders(options);
  const addModel = await addModelParamsSchema(client, options);
  const problems: LoadProblem[] = [];
  const seen = new Set<string>();
  for (const circuit of circuits) {
    const loaderName = LOADER_NAME[circuit.loader];
    const loader = loaders.find((l) => l.name === loaderName);
    if (!loader) {
      problems.push(missingLoader(client, circuit, loaderName, loaders));
      continue;
    }
    let params: unknown;
    try {
      params = client.loadRequest(circuit).params;
    } catch (error) {
      // The adapter refuses what this revision cannot express (it says why).
      if (!isRenderRecipesError(error)) throw error;
      problems.push({ circuit: circuit.path, loader: loaderName, property: null, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
      continue;
    }
    // Scenes differing only in what the schemas do not constrain (view, frames) send the same params.
    const key = JSON.stringify(params);
    if (seen.has(key)) continue;
    seen.add(key);
    const version = `Brayns ${formatVersion(client.version)}`;
    if (addModel) problems.push(...issues(addModel, params, '', `${version}'s add-model`, circuit.path, loaderName));
    const properties = (params as { loader_properties?: unknown } | null)?.loader_properties;
    if (isSchema(loader.schema)) problems.push(...issues(loader.schema, properties, 'loader_properties', `${version}'s ${loaderName}`, circuit.path, loaderName));
  }
  return problems;
}

/** One line per problem, for an error message or a probe report. */
export function describeLoadProblem(problem: LoadProblem): string {
  return `${problem.circuit}: ${problem.message}`;
}

function missingLoader(client: BraynsClient, circuit: CircuitSpec, name: string, loaders: readonly LoaderInfo[]): LoadProblem {
  const has = loaders.map((l) => l.name).join(', ') || 'none';
  const hint =
    circuit.loader === 'sonata'
      ? 'the SONATA loader needs Brayns 3.3+ with --plugin braynsCircuitExplorer; for a BlueConfig use loader: bbp'
      : 'start braynsService with --plugin braynsCircuitExplorer';
  return {
    circuit: circuit.path,
    loader: name,
    property: null,
    message: `the plan loads it with the "${name}", which this server (Brayns ${formatVersion(client.version)}) does not have (its loaders: ${has})`,
    hint,
  };
}

async function addModelParamsSchema(client: BraynsClient, options: RequestOptions): Promise<Record<string, unknown> | null> {
  let reply: unknown;
  try {
    reply = await client.request('schema', { endpoint: 'add-model' }, options);
  } catch (error) {
    // A server without the `schema` method publishes nothing to check against; its loaders still are.
    if (isRenderRecipesError(error) && error.code === 'JSONRPC') return null;
    throw error;
  }
  const params = (reply as { params?: unknown } | null)?.params;
  return isSchema(params) ? params : null;
}

function isSchema(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
}

// Servers publish the same schemas to every connection: each is compiled once per process.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const compiled = new Map<string, ValidateFunction>();

function validator(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

function issues(schema: Record<string, unknown>, data: unknown, root: string, whose: string, circuit: string, loader: string): LoadProblem[] {
  const validate = validator(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).filter((e) => !isUmbrella(e)).map((error) => {
    const { property, message } = describe(error, root, whose);
    return { circuit, loader, property, message, hint: 'this server is older or newer than render-recipes expects for this revision: use a server whose loader accepts it, or change the recipe' };
  });
}

/** `anyOf`/`oneOf`/`if` only say that their branches failed; the branches' own errors say what. */
function isUmbrella(error: ErrorObject): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if';
}

function describe(error: ErrorObject, root: string, whose: string): { property: string; message: string } {
  const at = join(root, error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = join(at, `/${String(p.additionalProperty)}`);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { property, message: `${whose} does not accept the property \`${property}\` render-recipes sends (it accepts: ${known.join(', ') || 'none'})` };
    }
    case 'required': {
      const property = join(at, `/${String(p.missingProperty)}`);
      return { property, message: `${whose} requires \`${property}\`, which render-recipes does not send` };
    }
    default:
      return { property: at || '(params)', message: `${whose} expects \`${at || 'params'}\` ${error.message ?? 'to be different'}, found ${JSON.stringify(error.data) ?? 'nothing'}` };
  }
}

/** `loader_properties` + `/gids/0` -> `loader_properties.gids[0]`. */
function join(root: string, pointer: string): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part;
  }
  return out;
}
