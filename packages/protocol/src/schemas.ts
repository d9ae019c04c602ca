import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The vendored Brayns schemas (packages/protocol/schemas/<api>/). They are the server's source of truth for
 * params validation, for the `schema` entrypoint and for `get-loaders`. `x-source` is our
 * provenance note, not part of what Brayns sends, so it is stripped on load.
 */

export type ApiVersion = '2.0.0' | '3.0.0' | '3.10.1';

export const API_VERSIONS: readonly ApiVersion[] = ['2.0.0', '3.0.0', '3.10.1'];

export function isApiVersion(value: string): value is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(value);
}

/** A method schema as the `schema` entrypoint returns it. */
export interface MethodSchema {
  title: string;
  plugin: string;
  description: string;
  async: boolean;
  deprecated?: boolean;
  params?: Record<string, unknown>;
  returns?: Record<string, unknown>;
}

// The same relative hop works from src/ and dist/.
const schemaRoot = new URL('../schemas/', import.meta.url);

/** The folder of the vendored schemas: `<api>/<method>.json`, `<api>/loaders/`, PROTOCOL facts. */
export const BRAYNS_SCHEMA_DIR = fileURLToPath(schemaRoot);

/** Brayns' colour table for spike activity (128 colours, from the Brayns sources). */
export const SPIKE_COLORMAP_PATH = fileURLToPath(new URL('spike-colormap.json', schemaRoot));

async function readJson(relative: string): Promise<Record<string, unknown>> {
  const text = await readFile(new URL(relative, schemaRoot), 'utf8');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  delete parsed['x-source'];
  return parsed;
}

/**
 * Schemas of core methods the vendored copy lacks, extracted from Brayns 3.10.1's published API
 * page (schemas/core-additions/README.md).
 */
async function readMethodSchema(api: ApiVersion, method: string): Promise<MethodSchema> {
  try {
    return (await readJson(`${api}/${method}.json`)) as unknown as MethodSchema;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return (await readJson(`core-additions/${api}/${method}.json`)) as unknown as MethodSchema;
  }
}

export async function loadMethodSchemas(api: ApiVersion, methods: readonly string[]): Promise<Map<string, MethodSchema>> {
  const entries = await Promise.all(methods.map(async (method) => [method, await readMethodSchema(api, method)] as const));
  return new Map(entries);
}

/** A loader's `get-loaders` entry, keys as the revision spells them. */
export async function loadLoaderInfo(api: ApiVersion, file: string): Promise<Record<string, unknown>> {
  return readJson(`${api}/loaders/${file}`);
}

export async function loadEnvelopeSchema(api: ApiVersion): Promise<Record<string, unknown>> {
  const envelope = await readJson(`${api}/_jsonrpc-envelope.json`);
  return envelope['RequestMessage'] as Record<string, unknown>;
}
