import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ApiVersion, type RunningServer } from '../../src/serve.js';
import { errorOf, RawClient } from './raw-client.js';

/** Each revision's observable quirks (PROTOCOL §1, §4), checked against the vendored schemas. */

interface Rev {
  api: ApiVersion;
  version: [number, number, number];
  viewGet: string;
  viewGetMissing: string;
  loaderKeys: string[];
  /** Schema files of methods the server does not implement (the viewport stream, export). */
  notImplemented: string[];
  modelKeys: string[];
  schemaUnknown: string;
}

const revisions: Rev[] = [
  {
    api: '2.0.0',
    version: [2, 0, 0],
    viewGet: 'get-camera-look-at',
    viewGetMissing: 'get-camera-view',
    loaderKeys: ['extensions', 'inputParametersSchema', 'name'],
    notImplemented: ['export-frames'],
    modelKeys: ['bounds', 'is_visible', 'metadata', 'model_id', 'transform'],
    schemaUnknown: "Method 'Unknown entrypoint 'nope'' not found",
  },
  {
    api: '3.0.0',
    version: [3, 0, 0],
    viewGet: 'get-camera-view',
    viewGetMissing: 'get-camera-look-at',
    loaderKeys: ['extensions', 'input_parameters_schema', 'name'],
    notImplemented: ['render-image'],
    modelKeys: ['bounds', 'info', 'is_visible', 'model_id', 'model_type', 'transform'],
    schemaUnknown: "Method 'nope' not found",
  },
  {
    api: '3.10.1',
    version: [3, 10, 1],
    viewGet: 'get-camera-view',
    viewGetMissing: 'get-camera-look-at',
    loaderKeys: ['binary', 'extensions', 'input_parameters_schema', 'name', 'plugin'],
    notImplemented: [],
    modelKeys: ['bounds', 'info', 'is_visible', 'model_id', 'model_type', 'transform'],
    schemaUnknown: "Method 'nope' not found",
  },
];

const schemaDir = (api: ApiVersion): URL => new URL(`../../../protocol/schemas/${api}/`, import.meta.url);
/** Core methods the vendored copy lacks, with schemas from Brayns' published API page. */
const additionsDir = (api: ApiVersion): URL => new URL(`../../../protocol/schemas/core-additions/${api}/`, import.meta.url);

async function jsonNames(dir: URL): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json') && !f.startsWith('_')).map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}

describe.each(revisions)('Brayns $api persona', (rev) => {
  let server: RunningServer;
  let client: RawClient;
  beforeAll(async () => {
    server = await startServer({ api: rev.api });
    client = await RawClient.connect(server.url, '/any/path/is/upgraded');
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('reports its version', async () => {
    const version = await client.result<Record<string, unknown>>('get-version');
    expect([version['major'], version['minor'], version['patch']]).toEqual(rev.version);
    expect(typeof version['revision']).toBe('string');
  });

  it('lists exactly the methods it implements, each with its vendored schema minus x-source', async () => {
    const vendored = (await jsonNames(schemaDir(rev.api))).filter((m) => !rev.notImplemented.includes(m));
    const added = await jsonNames(additionsDir(rev.api));
    const methods = await client.result<string[]>('registry');
    expect([...methods].sort()).toEqual([...vendored, ...added].sort());
    for (const method of methods) {
      const dir = added.includes(method) ? additionsDir(rev.api) : schemaDir(rev.api);
      const expected = JSON.parse(await readFile(new URL(`${method}.json`, dir), 'utf8')) as Record<string, unknown>;
      delete expected['x-source'];
      expect(await client.result('schema', { endpoint: method })).toEqual(expected);
    }
    expect(errorOf(await client.call('schema', { endpoint: 'nope' }))).toMatchObject({ code: -32601, message: rev.schemaUnknown });
  });

  it('names its loader keys the revision way', async () => {
    const loaders = await client.result<Record<string, unknown>[]>('get-loaders');
    const bbp = loaders.find((l) => l['name'] === 'BBP loader');
    expect(Object.keys(bbp ?? {}).sort()).toEqual(rev.loaderKeys);
    expect(bbp?.['extensions']).toEqual(['BlueConfig', 'CircuitConfig']);
  });

  it('uses its camera view method names, default view and the wrong-type quirk', async () => {
    expect(await client.result(rev.viewGet)).toEqual({ position: [0, 0, 0], target: [0, 0, 1], up: [0, 1, 0] });
    expect(errorOf(await client.call(rev.viewGetMissing)).code).toBe(-32601);
    expect(await client.result('get-camera-type')).toBe('perspective');
    expect(await client.result('get-camera-perspective')).toMatchObject({ fovy: 45 });
    expect(errorOf(await client.call('get-camera-orthographic'))).toMatchObject({ code: -32600, message: "Invalid camera type (should be 'perspective')" });
    await client.result('set-camera-orthographic', { height: 12 });
    expect(await client.result('get-camera-type')).toBe('orthographic');
    expect(await client.result('get-camera-orthographic')).toEqual({ height: 12 });
    await client.result('set-camera-perspective', { fovy: 30 });
    expect(await client.result('get-camera-perspective')).toEqual({ fovy: 30, aperture_radius: 0, focus_distance: 1 });
  });

  it('answers lights and the empty scene the revision way', async () => {
    const light = await client.result('add-light-ambient', { color: [1, 1, 1], intensity: 0.5 });
    const scene = await client.result<{ bounds: { min: number[] }; models: Record<string, unknown>[] }>('get-scene');
    if (rev.api === '2.0.0') {
      expect(light).toBe(0);
      expect(scene.models).toEqual([]);
      expect(scene.bounds.min[0]).toBeGreaterThan(1e38);
    } else {
      const model = light as Record<string, unknown>;
      expect(Object.keys(model).sort()).toEqual(rev.modelKeys);
      expect(model['model_type']).toBe('light');
      expect(scene.models).toHaveLength(1);
      expect(scene.bounds).toEqual({ min: [0, 0, 0], max: [0, 0, 0] });
      await client.result('remove-model', { ids: [model['model_id']] });
      expect((await client.result<{ models: unknown[] }>('get-scene')).models).toEqual([]);
    }
    await client.result('clear-lights');
  });

  it('keeps renderer defaults and switches renderer types', async () => {
    expect(await client.result('get-renderer-type')).toBe('interactive');
    expect(await client.result('get-renderer-interactive')).toEqual({
      samples_per_pixel: 1,
      max_ray_bounces: 3,
      background_color: [0.004, 0.016, 0.102, 0],
      enable_shadows: true,
      ao_samples: 0,
    });
    await client.result('set-renderer-production', { max_ray_bounces: 2 });
    expect(await client.result('get-renderer-production')).toMatchObject({ samples_per_pixel: rev.api === '2.0.0' ? 1 : 5, max_ray_bounces: 2 });
    expect(errorOf(await client.call('get-renderer-interactive'))).toMatchObject({ code: -32600, message: "Invalid renderer type (should be 'production')" });
    await client.result('set-renderer-interactive', {});
  });

  it('reports application parameters with the 800x600 viewport', async () => {
    const app = await client.result<Record<string, unknown>>('get-application-parameters');
    expect(app['viewport']).toEqual([800, 600]);
    expect('jpeg_quality' in app).toBe(rev.api === '2.0.0');
  });

  it('answers GET /healthz only in R3', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url.replace('ws://', 'http://')}/healthz`, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    if (rev.api === '3.10.1') expect({ status, body }).toEqual({ status: 200, body: 'Ok' });
    else expect(status).toBe(400);
  });
});
