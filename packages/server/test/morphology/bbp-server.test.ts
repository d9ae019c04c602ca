import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { startServer, type ApiVersion } from '../../src/serve.js';
import { RawClient } from '../protocol/raw-client.js';

/** BBP loader morphology mode behind the real server: the sample circuit's SWC neurons drawn as cones. */

let dir: string;
let blueConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-bbp-morph-'));
  blueConfig = (await generateSampleCircuit(join(dir, 'circuit'), { cells: 40 })).blueConfig;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

async function load(api: ApiVersion, morphology: Record<string, unknown>): Promise<{ bounds: Bounds; opaque: number }> {
  const server = await startServer({ api });
  const client = await RawClient.connect(server.url);
  try {
    const [model] = await client.result<{ bounds: Bounds }[]>('add-model', {
      path: blueConfig,
      loader_name: 'BBP loader',
      loader_properties: { percentage: 1, gids: [1, 2, 3], neuron_morphology_parameters: morphology },
    });
    const bounds = model?.bounds as Bounds;
    // Seen from 3 mm in front of the model's centre with the default perspective camera.
    const center = [0, 1, 2].map((i) => ((bounds.min[i] ?? 0) + (bounds.max[i] ?? 0)) / 2);
    const answer = await client.call('snapshot', {
      image_settings: { format: 'png', size: [120, 120] },
      renderer: { name: 'interactive', params: { background_color: [0, 0, 0, 0] } },
      camera_view: { position: [center[0], center[1], 3000], target: center, up: [0, 1, 0] },
    });
    const result = answer.json?.['result'] as { data?: string; color_buffer?: { size: number } };
    const png = result.data !== undefined ? Buffer.from(result.data, 'base64') : (answer.attachment as Buffer).subarray(0, result.color_buffer?.size);
    const rgba = await sharp(png).ensureAlpha().raw().toBuffer();
    let opaque = 0;
    for (let i = 3; i < rgba.length; i += 4) if ((rgba[i] ?? 0) > 0) opaque += 1;
    return { bounds, opaque };
  } finally {
    await client.close();
    await server.close();
  }
}

describe('BBP loader in morphology mode', () => {
  it('R3: dendrites reach far above the soma, the axon below, and both add pixels', async () => {
    const somaOnly = await load('3.10.1', { load_soma: true });
    const dendrites = await load('3.10.1', { load_soma: true, load_dendrites: true });
    const all = await load('3.10.1', { load_soma: true, load_dendrites: true, load_axon: true });
    const height = (b: Bounds): number => b.max[1] - b.min[1];
    // The sample neurons' apical trunks are ~250-300 µm long; axons ~150-190 µm plus collaterals.
    expect(height(dendrites.bounds)).toBeGreaterThan(height(somaOnly.bounds) + 250);
    expect(all.bounds.min[1]).toBeLessThan(dendrites.bounds.min[1] - 100);
    expect(dendrites.opaque).toBeGreaterThan(somaOnly.opaque);
  });

  it('R1: axons are drawn only when load_axon is true', async () => {
    const without = await load('2.0.0', { load_soma: true, load_dendrites: true, load_axon: false, radius_multiplier: 1 });
    const withAxon = await load('2.0.0', { load_soma: true, load_dendrites: true, load_axon: true, radius_multiplier: 1 });
    expect(withAxon.bounds.min[1]).toBeLessThan(without.bounds.min[1] - 100);
  });
});
