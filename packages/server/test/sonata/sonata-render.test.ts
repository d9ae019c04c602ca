import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderImage } from '../../src/render/index.js';
import { loadSonataCircuit } from '../../src/scene/sonata/load-sonata.js';
import type { RenderedImage } from '../../src/scene/types.js';
import { MTYPES, writeSonataCircuit } from './circuit-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-sonata-render-'));
  await writeSonataCircuit(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Cortex nodes sit at x = 100·i; the view spans x in [-50, 950] over 200 pixels (5 µm/pixel). */
async function renderNodeSet(nodeSet: string): Promise<RenderedImage> {
  const circuit = await loadSonataCircuit(
    {
      path: join(dir, 'circuit_config.json'),
      node_population_settings: [
        {
          node_population: 'cortex',
          node_percentage: 1,
          node_sets: [nodeSet],
          report_type: 'none',
          spike_transition_time: 1,
          neuron_morphology_parameters: { load_soma: false, load_axon: false, load_dendrites: false, radius_multiplier: 20 },
        },
      ],
    },
    { signal: new AbortController().signal, onProgress: () => undefined },
  );
  return renderImage(
    {
      width: 200,
      height: 40,
      camera: { type: 'orthographic', height: 200, view: { position: [450, 0, 500], target: [450, 0, 0], up: [0, 1, 0] } },
      renderer: { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 1, background: [0, 0, 0, 1], shadows: false, aoSamples: 0 },
      lights: [{ type: 'ambient', color: [1, 1, 1], intensity: 1 }],
      models: [{ circuit, colors: new Float32Array(4 * circuit.gids.length).fill(1) }],
    },
    { signal: new AbortController().signal, onProgress: () => undefined },
    { workers: 0 },
  );
}

function litAtNode(image: RenderedImage, node: number): boolean {
  const x = Math.round((100 * node + 50) / 5);
  return (image.rgba[4 * (20 * image.width + x)] ?? 0) > 100;
}

describe('the SONATA loader in pixels', () => {
  it('draws exactly the nodes of a property node set', async () => {
    const image = await renderNodeSet('L5');
    const drawn = MTYPES.map((_, node) => litAtNode(image, node));
    expect(drawn).toEqual(MTYPES.map((mtype) => mtype === 'L5_TPC'));
  });

  it('draws the union of a compound node set', async () => {
    const image = await renderNodeSet('Nested');
    const drawn = MTYPES.map((_, node) => litAtNode(image, node));
    // Nested = L5 ∪ layers 2/3 ∪ nodes 0 and 7: every node but the two L4_SS cells (3 and 6).
    expect(drawn).toEqual(MTYPES.map((_, node) => node !== 3 && node !== 6));
  });
});
