import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { writeSonataCircuit } from '../sonata/circuit-fixture.js';
import { bvhEvents } from '../../src/render/geometry.js';
import { type ApiVersion, type RunningServer } from '../../src/serve.js';
import type { RawClient} from './raw-client.js';
import { errorOf, type Received, withServer } from './raw-client.js';

/**
 * The protocol layer wired to the real scene layer and renderer: a small generated circuit loaded
 * with each revision's parameter rules, drawn in its default colour or its spike colours.
 */

let dir: string;
let blueConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-scene-'));
  blueConfig = (await generateSampleCircuit(join(dir, 'circuit'), { cells: 120 })).blueConfig;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `body` with the primitive counts of every BVH built meanwhile (`bvhEvents`), in order. */
async function withBuildsCounted(body: (builds: readonly number[]) => Promise<void>): Promise<void> {
  const builds: number[] = [];
  const onBuilt = ({ primitives }: { primitives: number }): void => {
    builds.push(primitives);
  };
  bvhEvents.on('built', onBuilt);
  try {
    await body(builds);
  } finally {
    bvhEvents.off('built', onBuilt);
  }
}

const withApi = (api: ApiVersion, body: (client: RawClient, server: RunningServer) => Promise<void>): Promise<void> => withServer({ api }, body);

/** Soma spheres of radius 15 under each revision's trigger rule. */
const spheres = (api: ApiVersion): Record<string, unknown> =>
  api === '3.10.1' ? { radius_multiplier: 15 } : { radius_multiplier: 15, load_soma: true, load_axon: false, load_dendrites: false };

const load = (api: ApiVersion, extra: Record<string, unknown> = {}) => ({
  path: blueConfig,
  loader_name: 'BBP loader',
  loader_properties: { percentage: 1, neuron_morphology_parameters: spheres(api), ...extra },
});

interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

/** The R1 Python client's full-screen view of a bounding box (PROTOCOL §5.3). */
function fullScreenView(b: Bounds) {
  const center = [0, 1, 2].map((i) => ((b.min[i] as number) + (b.max[i] as number)) / 2) as [number, number, number];
  const distance = (b.max[1] - b.min[1]) / 2 / Math.tan(Math.PI / 8) + (b.max[2] - b.min[2]) / 2;
  return { position: [center[0], center[1], center[2] + distance], target: center, up: [0, 1, 0] };
}

/** Renders the scene framed on `bounds` and returns its RGBA pixels. */
async function pixels(client: RawClient, bounds: Bounds, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const answer: Received = await client.call('snapshot', {
    image_settings: { format: 'png', size: [40, 80] },
    camera_view: fullScreenView(bounds),
    renderer: { name: 'interactive', params: { background_color: [0, 0, 0, 0] } },
    ...extra,
  });
  const result = answer.json?.['result'] as { data?: string; color_buffer?: { size: number } } | undefined;
  if (!result) throw new Error(answer.text);
  const png = result.data !== undefined ? Buffer.from(result.data, 'base64') : (answer.attachment as Buffer).subarray(0, result.color_buffer?.size);
  return sharp(png).ensureAlpha().raw().toBuffer();
}

function count(rgba: Buffer, test: (r: number, g: number, b: number, a: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (test(rgba[i] as number, rgba[i + 1] as number, rgba[i + 2] as number, rgba[i + 3] as number)) n += 1;
  return n;
}

describe('BBP loader through add-model', () => {
  it('R1: model object, metadata and white cells', async () => {
    await withApi('2.0.0', async (client) => {
      const [model] = await client.result<Record<string, unknown>[]>('add-model', load('2.0.0', { targets: [] }));
      expect(Object.keys(model ?? {}).sort()).toEqual(['bounds', 'is_visible', 'metadata', 'model_id', 'transform']);
      expect(model?.['model_id']).toBe(0);
      expect(model?.['metadata']).toEqual({ 'Neurons loaded count': '120', Targets: '' });
      const scene = await client.result<{ bounds: Bounds }>('get-scene');
      expect(scene.bounds).toEqual(model?.['bounds']);
      const rgba = await pixels(client, scene.bounds);
      expect(count(rgba, (r, g, b, a) => a > 0 && r > 60 && Math.abs(r - b) < 20 && Math.abs(r - g) < 20)).toBeGreaterThan(20);
      expect(count(rgba, (r, g, b, a) => a > 0 && r > 60 && b < r / 2)).toBe(0);
    });
  });

  it('R3: yellow cells, metadata with targets, spike colours per snapshot frame', async () => {
    await withApi('3.10.1', async (client) => {
      const [model] = await client.result<Record<string, unknown>[]>('add-model', load('3.10.1', { report_type: 'spikes', targets: ['Mosaic'] }));
      const info = model?.['info'] as { metadata: Record<string, string>; load_info: Record<string, unknown> };
      expect(info.metadata['loaded_neuron_count']).toBe('120');
      expect(info.metadata['targets']).toBe('Mosaic');
      expect(info.load_info).toMatchObject({ source: 'from_file', path: blueConfig, loader_name: 'BBP loader' });
      const simulation = await client.result<{ dt: number; end_frame: number; start_frame: number }>('get-simulation-parameters');
      expect(simulation.dt).toBe(0.01);
      expect(simulation.start_frame).toBe(0);
      expect(simulation.end_frame).toBeGreaterThan(100);
      const bounds = model?.['bounds'] as Bounds;
      const yellow = (r: number, g: number, b: number, a: number): boolean => a > 0 && r > 60 && g > 60 && b < Math.min(r, g) / 2;
      await client.result('enable-simulation', { model_id: 0, enabled: false });
      const plain = await pixels(client, bounds);
      expect(count(plain, yellow)).toBeGreaterThan(20);
      await client.result('enable-simulation', { model_id: 0, enabled: true });
      // With the report on, cells take spike colours (black at rest): some frame differs from the plain image.
      const frames = [0, 500, 1000, 2000, 4000].filter((f) => f <= simulation.end_frame);
      const images = await Promise.all(frames.map((f) => pixels(client, bounds, { simulation_frame: f })));
      expect(images.some((img) => count(img, yellow) < count(plain, yellow))).toBe(true);
      expect((await client.result<{ current: number }>('get-simulation-parameters')).current).toBe(0);
    });
  });

  it('builds the acceleration structure while loading, so snapshots do not build it', async () => {
    await withBuildsCounted(async (builds) => {
      await withApi('3.10.1', async (client) => {
        const [model] = await client.result<Record<string, unknown>[]>('add-model', load('3.10.1'));
        expect(builds).toEqual([120]);
        await pixels(client, model?.['bounds'] as Bounds);
        await pixels(client, model?.['bounds'] as Bounds, { image_settings: { format: 'png', size: [64, 32] } });
        expect(builds).toEqual([120]);
      });
    });
  });

  it('builds a moved model\'s acceleration structure once per transform, not once per snapshot', async () => {
    await withBuildsCounted(async (builds) => {
      await withApi('3.10.1', async (client) => {
        const [model] = await client.result<Record<string, unknown>[]>('add-model', load('3.10.1'));
        const moved = await client.result<{ bounds: Bounds }>('update-model', { model_id: 0, model: { transform: { translation: [100, 0, 0] } } });
        const first = await pixels(client, moved.bounds);
        expect(builds).toEqual([120, 120]);
        expect(await pixels(client, moved.bounds)).toEqual(first);
        await pixels(client, moved.bounds, { image_settings: { format: 'png', size: [64, 32] } });
        expect(builds).toEqual([120, 120]);
        // Back where it was: the loaded BVH serves again; moved once more: a new build.
        await client.result('update-model', { model_id: 0, model: { transform: { translation: [0, 0, 0] } } });
        await pixels(client, model?.['bounds'] as Bounds);
        expect(builds).toEqual([120, 120]);
        await client.result('update-model', { model_id: 0, model: { transform: { translation: [0, 50, 0] } } });
        await pixels(client, model?.['bounds'] as Bounds);
        expect(builds).toEqual([120, 120, 120]);
      });
    });
  });

  it('reuses freed model ids, rescans the simulation range and moves bounds with the transform', async () => {
    await withApi('3.0.0', async (client) => {
      await client.result('add-model', load('3.0.0', { report_type: 'spikes' }));
      const [second] = await client.result<Record<string, unknown>[]>('add-model', load('3.0.0'));
      expect(second?.['model_id']).toBe(1);
      expect(errorOf(await client.call('remove-model', { ids: [9] }))).toMatchObject({ code: -32603, message: 'No instance with id 9 was found' });
      await client.result('remove-model', { ids: [0] });
      expect((await client.result<{ end_frame: number }>('get-simulation-parameters')).end_frame).toBe(0);
      const [third] = await client.result<Record<string, unknown>[]>('add-model', load('3.0.0'));
      expect(third?.['model_id']).toBe(0);
      const before = third?.['bounds'] as Bounds;
      const moved = await client.result<{ bounds: Bounds }>('update-model', { model_id: 0, model: { transform: { translation: [100, 0, 0] } } });
      expect(moved.bounds.min[0]).toBeCloseTo(before.min[0] + 100, 3);
      expect(errorOf(await client.call('get-model', { id: 7 }))).toMatchObject({ code: -32602, message: 'No model found with ID 7' });
    });
  });

  it('applies each revision\'s sphere-per-soma trigger (R1/R2 soma only, R3 all sections off)', async () => {
    const boundsOf = async (api: ApiVersion, morphology: Record<string, unknown>): Promise<Bounds> => {
      let bounds: Bounds | undefined;
      await withApi(api, async (client) => {
        const [model] = await client.result<{ bounds: Bounds }[]>('add-model', {
          ...load(api),
          loader_properties: { percentage: 1, neuron_morphology_parameters: { radius_multiplier: 15, ...morphology } },
        });
        bounds = model?.bounds;
      });
      return bounds as Bounds;
    };
    const r1Spheres = await boundsOf('2.0.0', { load_soma: true, load_axon: false, load_dendrites: false });
    const r3Spheres = await boundsOf('3.10.1', {});
    const r3Morphologies = await boundsOf('3.10.1', { load_soma: true, load_dendrites: true });
    expect(r3Spheres).toEqual(r1Spheres);
    expect(r3Morphologies).not.toEqual(r3Spheres);
  });

  it('hides invisible models', async () => {
    await withApi('3.10.1', async (client) => {
      const [model] = await client.result<Record<string, unknown>[]>('add-model', load('3.10.1'));
      await client.result('update-model', { model_id: 0, model: { is_visible: false } });
      const rgba = await pixels(client, model?.['bounds'] as Bounds);
      expect(count(rgba, (_r, _g, _b, a) => a > 0)).toBe(0);
    });
  });
});

describe('BBP loader parameter rules per revision', () => {
  it.each([
    ['2.0.0', { path: '/data/circuit.json', loader_name: 'BBP loader', loader_properties: {} }, -32602, "Unsupported file type: '/data/circuit.json'"],
    ['3.0.0', { path: '/data/BlueConfig', loader_name: 'Mesh loader', loader_properties: {} }, -32603, "No loader found with name 'Mesh loader'"],
    ['3.10.1', { path: '/data/BlueConfig', loader_name: 'Mesh loader', loader_properties: {} }, -32602, "Invalid loader name: 'Mesh loader'"],
  ] as const)('%s: loader lookup errors', async (api, params, code, message) => {
    await withApi(api, async (client) => {
      expect(errorOf(await client.call('add-model', params))).toMatchObject({ code, message });
    });
  });

  it('reports invalid loader properties the revision way', async () => {
    await withApi('2.0.0', async (client) => {
      const error = errorOf(await client.call('add-model', { ...load('2.0.0'), loader_properties: { report_type: 'spikes' } }));
      expect(error.code).toBe(-32603);
      expect(error.message).toMatch(/^Could not parse BBP loader parameters: .*percentage/);
    });
    await withApi('3.10.1', async (client) => {
      const error = errorOf(await client.call('add-model', { ...load('3.10.1'), loader_properties: { percentage: 2 } }));
      expect(error).toMatchObject({ code: -32602, message: 'Invalid loader params schema' });
      expect(error.data).toEqual(['percentage: value above maximum 2 > 1']);
    });
  });

  it('R2 zero-fills omitted morphology parameters; R2/R3 reject empty gid lists; R1 reads them as absent', async () => {
    await withApi('3.0.0', async (client) => {
      const omitted = errorOf(await client.call('add-model', { ...load('3.0.0'), loader_properties: { percentage: 1 } }));
      expect(omitted).toMatchObject({ code: -32603, message: 'All neuron sections cannot be disabled' });
      expect(errorOf(await client.call('add-model', load('3.0.0', { gids: [] })))).toMatchObject({ code: -32603, message: 'Cannot specify an empty list of GIDs' });
    });
    await withApi('3.10.1', async (client) => {
      expect(errorOf(await client.call('add-model', load('3.10.1', { targets: [] }))).message).toBe('Cannot specify an empty list of targets');
    });
    await withApi('2.0.0', async (client) => {
      const [model] = await client.result<Record<string, Record<string, string>>[]>('add-model', load('2.0.0', { gids: [] }));
      expect(model?.['metadata']?.['Neurons loaded count']).toBe('120');
    });
  });

  it('turns loader failures into -32603 with a message naming the file', async () => {
    await withApi('3.10.1', async (client) => {
      const missing = join(dir, 'nowhere', 'BlueConfig');
      const error = errorOf(await client.call('add-model', { ...load('3.10.1'), path: missing }));
      expect(error.code).toBe(-32603);
      expect(error.message).toContain(missing);
    });
  });
});

describe('SONATA loader (R3 only)', () => {
  it('creates one model per node population with the SONATA metadata', async () => {
    const sonata = join(dir, 'sonata');
    await writeSonataCircuit(sonata);
    await withApi('3.10.1', async (client) => {
      const loaders = await client.result<{ name: string }[]>('get-loaders');
      expect(loaders.map((l) => l.name)).toEqual(['BBP loader', 'SONATA loader']);
      const models = await client.result<{ model_id: number; info: { metadata: Record<string, string> } }[]>('add-model', {
        path: join(sonata, 'circuit_config.json'),
        loader_name: 'SONATA loader',
        loader_properties: {
          node_population_settings: [
            { node_population: 'cortex', node_percentage: 1 },
            { node_population: 'typed', node_percentage: 1 },
          ],
        },
      });
      expect(models.map((m) => m.model_id)).toEqual([0, 1]);
      expect(models.map((m) => m.info.metadata['population_name'])).toEqual(['cortex', 'typed']);
      expect(models[0]?.info.metadata['loaded_neuron_count']).toBe('10');
      const bad = errorOf(await client.call('add-model', { path: join(sonata, 'circuit_config.json'), loader_name: 'SONATA loader', loader_properties: {} }));
      expect(bad).toMatchObject({ code: -32602, message: 'Invalid loader params schema' });
    });
    for (const api of ['2.0.0', '3.0.0'] as const) {
      await withApi(api, async (client) => {
        const loaders = await client.result<{ name: string }[]>('get-loaders');
        expect(loaders.map((l) => l.name)).toEqual(['BBP loader']);
      });
    }
  });
});
