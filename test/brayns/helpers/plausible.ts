import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'ws';
import { reply, replyBinary, versionOf, type Received, type Script } from './scripted-server.js';

export type Api = '2.0.0' | '3.0.0' | '3.10.1';
export const APIS: Api[] = ['2.0.0', '3.0.0', '3.10.1'];

export const schemaRoot = fileURLToPath(new URL('../../../packages/protocol/schemas/', import.meta.url));

export interface MethodSchema {
  title: string;
  async: boolean;
  params?: Record<string, unknown>;
  returns?: Record<string, unknown>;
}

export function methodSchemas(api: Api): Map<string, MethodSchema> {
  const dir = join(schemaRoot, api);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('_'));
  return new Map(files.map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8')) as MethodSchema]));
}

export function loaderSchemas(api: Api): Record<string, unknown>[] {
  const dir = join(schemaRoot, api, 'loaders');
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
}

/** The PNG the fake server "renders": 8 recognisable bytes. */
export const FAKE_PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

const BOUNDS = { min: [0, -100, 50], max: [400, 1900, 450] };
const TRANSFORM = { rotation: [0, 0, 0, 1], scale: [1, 1, 1], translation: [0, 0, 0] };

function model(api: Api, id: number, type = 'neurons'): Record<string, unknown> {
  if (api === '2.0.0') return { model_id: id, bounds: BOUNDS, metadata: { 'Neurons loaded count': '3', Targets: '' }, is_visible: true, transform: TRANSFORM };
  return {
    model_id: id,
    model_type: type,
    bounds: BOUNDS,
    info: {
      base_transform: TRANSFORM,
      load_info: { source: 'from_file', path: '/c/BlueConfig', loader_name: 'BBP loader', load_parameters: {} },
      metadata: { loaded_neuron_count: '3' },
    },
    is_visible: true,
    transform: TRANSFORM,
  };
}

/** What each method returns on a plausible server of that revision (checked against `returns`). */
export function resultFor(api: Api, method: string, params: Record<string, unknown> | undefined): unknown {
  const view = { position: [0, 0, 0], target: [0, 0, 1], up: [0, 1, 0] };
  switch (method) {
    case 'get-version':
      return versionOf(api);
    case 'registry':
      return [...methodSchemas(api).keys()];
    case 'schema': {
      const schema: (MethodSchema & { 'x-source'?: unknown }) | undefined = methodSchemas(api).get(String(params?.endpoint));
      if (!schema) return null;
      const { 'x-source': _ignored, ...published } = schema;
      return published;
    }
    case 'get-loaders':
      return loaderSchemas(api).map(({ 'x-source': _ignored, ...loader }) => loader);
    case 'add-model':
      return [model(api, 0)];
    case 'get-model':
      return model(api, Number(params?.id ?? 0));
    case 'get-scene':
      return { bounds: BOUNDS, models: [model(api, 0)] };
    case 'get-simulation-parameters':
      return { start_frame: 0, end_frame: 100, current: 0, dt: 0.01, unit: 'ms' };
    case 'get-camera-look-at':
    case 'get-camera-view':
      return view;
    case 'add-light-ambient':
    case 'add-light-directional':
      return api === '2.0.0' ? 1 : model(api, 1, 'light');
    case 'snapshot':
      if (api === '2.0.0') return { data: params?.file_path ? '' : FAKE_PNG.toString('base64') };
      return { color_buffer: { offset: 0, size: params?.file_path ? 0 : FAKE_PNG.length } };
    default:
      return null;
  }
}

/** Answers every request at once, as the given revision would (binary snapshot replies in R2/R3). */
export function plausible(api: Api): Script {
  return (request: Received, socket: WebSocket) => {
    const { id, method, params } = request.message as { id?: unknown; method: string; params?: Record<string, unknown> };
    if (id === undefined || id === null) return;
    const result = resultFor(api, method, params);
    if (method === 'snapshot' && api !== '2.0.0' && !params?.file_path) replyBinary(socket, id, result, FAKE_PNG);
    else reply(socket, id, result);
  };
}
