import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawClient} from '../protocol/raw-client.js';
import { errorOf, withServer } from '../protocol/raw-client.js';
import { writeSonataCircuit } from './circuit-fixture.js';

/** The SONATA loader behind the real R3 server, over a real WebSocket. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-sonata-server-'));
  await writeSonataCircuit(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withR3 = (body: (client: RawClient) => Promise<void>): Promise<void> => withServer({ api: '3.10.1' }, body);

interface Model {
  model_id: number;
  bounds: { min: number[]; max: number[] };
  info: { metadata: Record<string, string>; load_info: Record<string, unknown> };
}

describe('SONATA loader over the protocol (R3)', () => {
  it('is listed by get-loaders with the published schema', async () => {
    await withR3(async (client) => {
      const loaders = await client.result<{ name: string; extensions: string[] }[]>('get-loaders');
      expect(loaders.find((l) => l.name === 'SONATA loader')?.extensions).toEqual(['.json']);
    });
  });

  it('returns one model per population, draws the node set and reports Brayns metadata', async () => {
    await withR3(async (client) => {
      const models = await client.result<Model[]>('add-model', {
        path: join(dir, 'simulation_config.json'),
        loader_name: 'SONATA loader',
        loader_properties: {
          node_population_settings: [
            { node_population: 'cortex', node_percentage: 1, node_sets: ['L5'], report_type: 'spikes', neuron_morphology_parameters: { radius_multiplier: 30 } },
            { node_population: 'thalamus', node_percentage: 1, neuron_morphology_parameters: { radius_multiplier: 30 } },
          ],
        },
      });
      expect(models.map((m) => m.model_id)).toEqual([0, 1]);
      expect(models[0]?.info.metadata).toEqual({ population_type: 'node', population_name: 'cortex', loaded_neuron_count: '5', node_sets: 'L5' });
      expect(models[1]?.info.metadata).toEqual({ population_type: 'node', population_name: 'thalamus', loaded_neuron_count: '3' });
      // L5 nodes 0, 2, 5, 7, 9 at x = 100·i, spheres of radius 30.
      expect(models[0]?.bounds).toEqual({ min: [-30, -30, -30], max: [930, 30, 30] });
      const simulation = await client.result<{ start_frame: number; end_frame: number; dt: number }>('get-simulation-parameters');
      expect(simulation.dt).toBe(0.01);

      await client.result('remove-model', { ids: [1] });
      const answer = await client.call('snapshot', {
        image_settings: { format: 'png', size: [200, 20] },
        camera: { name: 'orthographic', params: { height: 100 } },
        camera_view: { position: [450, 0, 500], target: [450, 0, 0], up: [0, 1, 0] },
        renderer: { name: 'interactive', params: { background_color: [0, 0, 0, 0] } },
      });
      const size = (answer.json?.['result'] as { color_buffer: { size: number } }).color_buffer.size;
      const rgba = await sharp((answer.attachment as Buffer).subarray(0, size)).ensureAlpha().raw().toBuffer();
      // Pixel column of node i: (100·i + 50) / 5; opaque where an L5 node is, transparent elsewhere.
      const opaque = (node: number): boolean => (rgba[4 * (10 * 200 + Math.round((100 * node + 50) / 5)) + 3] ?? 0) > 0;
      expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(opaque)).toEqual([true, false, true, false, false, true, false, true, false, true]);
    });
  });

  it('answers a bad node set or population with an error naming it', async () => {
    await withR3(async (client) => {
      const load = (settings: Record<string, unknown>) =>
        client.call('add-model', {
          path: join(dir, 'circuit_config.json'),
          loader_name: 'SONATA loader',
          loader_properties: { node_population_settings: [{ node_population: 'cortex', ...settings }] },
        });
      expect(errorOf(await load({ node_sets: ['Nope'] })).message).toMatch(/^Invalid node set: 'Nope'/);
      expect(errorOf(await load({ node_population: 'nowhere' })).message).toMatch(/^Population nowhere does not exists/);
      expect(errorOf(await load({ node_percentage: 2 })).code).toBe(-32602);
    });
  });
});
