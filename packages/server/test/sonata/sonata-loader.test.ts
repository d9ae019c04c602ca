import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import h5wasm from 'h5wasm/node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRenderRecipesError } from '@render-recipes/protocol';
import { spikeColorTable } from '../../src/scene/spike-colormap.js';
import { loadSonataCircuit, loadSonataCircuits, sonataMetadata } from '../../src/scene/sonata/load-sonata.js';
import { readSonataConfig } from '../../src/scene/sonata/config.js';
import type { LoadContext, SonataLoadRequest, SonataNodePopulationSettings } from '../../src/scene/types.js';
import { LAYERS, MTYPES, writeSonataCircuit } from './circuit-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-sonata-'));
  await writeSonataCircuit(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = (): LoadContext => ({ signal: new AbortController().signal, onProgress: () => undefined });

/** R3 schema defaults, sphere mode (every section off), all nodes. */
function population(overrides: Partial<SonataNodePopulationSettings> = {}): SonataNodePopulationSettings {
  return {
    node_population: 'cortex',
    node_percentage: 1,
    report_type: 'none',
    spike_transition_time: 1,
    neuron_morphology_parameters: { load_soma: false, load_axon: false, load_dendrites: false, radius_multiplier: 1 },
    ...overrides,
  };
}

function request(settings: SonataNodePopulationSettings[], file = 'circuit_config.json'): SonataLoadRequest {
  return { path: join(dir, file), node_population_settings: settings };
}

async function loadIds(settings: Partial<SonataNodePopulationSettings>): Promise<number[]> {
  const [circuit] = await loadSonataCircuits(request([population(settings)]), ctx());
  return Array.from(circuit?.gids ?? []);
}

const where = (predicate: (i: number) => boolean): number[] => MTYPES.flatMap((_, i) => (predicate(i) ? [i] : []));

describe('SONATA config', () => {
  it('expands nested manifest variables and resolves paths against the config directory', async () => {
    const config = await readSonataConfig(join(dir, 'circuit_config.json'));
    const cortex = config.populations.get('cortex');
    expect(cortex?.nodesFile).toBe(join(dir, 'network', 'nodes.h5'));
    expect(cortex?.alternateMorphologies.h5v1).toBe(join(dir, 'morphologies', 'h5'));
    expect(config.populations.get('thalamus')?.alternateMorphologies['neurolucida-asc']).toBe(join(dir, 'morphologies', 'ascii'));
    expect(config.nodeSetsFiles).toEqual([join(dir, 'node_sets.json')]);
    expect(config.spikesPath).toBeNull();
  });

  it('follows a simulation config to its network and its spikes file', async () => {
    const config = await readSonataConfig(join(dir, 'simulation_config.json'));
    expect(config.circuitPath).toBe(join(dir, 'circuit_config.json'));
    expect(config.spikesPath).toBe(join(dir, 'output', 'spikes.h5'));
  });

  it('names the file and the variable when a manifest variable is unknown or loops', async () => {
    await writeFile(join(dir, 'bad_manifest.json'), JSON.stringify({ manifest: { $A: '$B/x' }, networks: { nodes: [] } }));
    await expect(readSonataConfig(join(dir, 'bad_manifest.json'))).rejects.toThrow(/bad_manifest\.json: manifest '\$A' uses unknown variable \$B/);
    await writeFile(join(dir, 'loop.json'), JSON.stringify({ manifest: { $A: '$B', $B: '$A' }, networks: { nodes: [] } }));
    await expect(readSonataConfig(join(dir, 'loop.json'))).rejects.toThrow(/loop\.json: manifest variables refer to each other in a loop/);
    await writeFile(join(dir, 'unknown_use.json'), JSON.stringify({ networks: { nodes: [{ nodes_file: '$NOPE/nodes.h5' }] } }));
    await expect(readSonataConfig(join(dir, 'unknown_use.json'))).rejects.toThrow(/unknown_use\.json: '\$NOPE\/nodes\.h5' uses \$NOPE/);
  });

  it('names a missing config file', async () => {
    const error: unknown = await readSonataConfig(join(dir, 'nope.json')).catch((e: unknown) => e);
    expect(isRenderRecipesError(error) && error.code).toBe('CIRCUIT_INVALID');
    expect((error as Error).message).toBe(`Cannot read SONATA config ${join(dir, 'nope.json')}: no such file`);
  });
});

describe('SONATA node selection', () => {
  it('selects nodes of a property node set', async () => {
    expect(await loadIds({ node_sets: ['L5'] })).toEqual(where((i) => MTYPES[i] === 'L5_TPC'));
    expect(await loadIds({ node_sets: ['deep'] })).toEqual(where((i) => (LAYERS[i] ?? 0) >= 5));
    expect(await loadIds({ node_sets: ['L4_or_L23'] })).toEqual(where((i) => MTYPES[i] !== 'L5_TPC'));
  });

  it('selects the union of a compound node set, recursively', async () => {
    const mixed = where((i) => MTYPES[i] === 'L5_TPC' || LAYERS[i] === 2 || LAYERS[i] === 3);
    expect(await loadIds({ node_sets: ['Mixed'] })).toEqual(mixed);
    expect(await loadIds({ node_sets: ['Nested'] })).toEqual([...new Set([...mixed, 0, 7])].sort((a, b) => a - b));
  });

  it('selects nothing from a node set of another population', async () => {
    await expect(loadIds({ node_sets: ['thalamic'] })).rejects.toThrow('Empty node selection for cortex');
  });

  it('thins with node_percentage as a deterministic stride, and keeps node_ids as given', async () => {
    expect(await loadIds({ node_percentage: 0.5 })).toEqual([0, 2, 4, 6, 8]);
    expect(await loadIds({ node_percentage: 0.01 })).toEqual([0]);
    expect(await loadIds({ node_percentage: 0.5, node_sets: ['L5'] })).toEqual([0, 5, 9]);
    expect(await loadIds({ node_ids: [7, 3, 3], node_percentage: 0.01 })).toEqual([3, 7]);
    expect(await loadIds({ node_count_limit: 4 })).toEqual([0, 2, 4, 6, 8]);
  });

  it('rejects unknown populations, node sets and out-of-range ids with Brayns wording', async () => {
    await expect(loadIds({ node_population: 'hippocampus' })).rejects.toThrow(/^Population hippocampus does not exists \(.*has: cortex, thalamus, typed\)/);
    await expect(loadIds({ node_sets: ['Missing'] })).rejects.toThrow(/^Invalid node set: 'Missing'/);
    await expect(loadIds({ node_ids: [10] })).rejects.toThrow(/Node id 10 is out of range for population cortex \(.*nodes\.h5 has 10 nodes/);
  });
});

describe('SONATA geometry and spikes', () => {
  it('draws one sphere per node of radius radius_multiplier when every section is off', async () => {
    const [circuit] = await loadSonataCircuits(
      request([population({ node_ids: [1, 3], neuron_morphology_parameters: { load_soma: false, load_axon: false, load_dendrites: false, radius_multiplier: 12 } })]),
      ctx(),
    );
    expect(Array.from(circuit?.spheres.centers ?? [])).toEqual([100, 0, 0, 300, 0, 0]);
    expect(Array.from(circuit?.spheres.radii ?? [])).toEqual([12, 12]);
    expect(circuit?.bounds).toEqual({ min: [88, -12, -12], max: [312, 12, 12] });
  });

  it('instances morphologies at node positions and orientations (h5v1 / neurolucida-asc directories)', async () => {
    const morph = { load_soma: true, load_axon: true, load_dendrites: true, radius_multiplier: 1 };
    const [cortex, thalamus] = await loadSonataCircuits(
      request([
        population({ node_ids: [0, 1], neuron_morphology_parameters: morph }),
        population({ node_population: 'thalamus', neuron_morphology_parameters: morph }),
      ]),
      ctx(),
    );
    // Contour somata: one sphere per cell at the node position.
    expect(Array.from(cortex?.spheres.centers ?? []).map((v) => Math.round(v))).toEqual([0, 0, 0, 100, 0, 0]);
    expect(Array.from(thalamus?.spheres.centers ?? []).map((v) => Math.round(v))).toEqual([0, 0, -500, 50, 0, -500, 100, 0, -500]);
    // The apical dendrite grows along +y; node 1 is turned 90° about z, so its cones reach -x.
    const ends = (c: typeof cortex, cell: number): number[][] => {
      const out: number[][] = [];
      c?.cones.cell.forEach((owner, k) => {
        if (owner === cell) out.push(Array.from(c.cones.ends.slice(6 * k, 6 * k + 6)));
      });
      return out;
    };
    const maxY0 = Math.max(...ends(cortex, 0).map((e) => Math.max(e[1] ?? 0, e[4] ?? 0)));
    const minX1 = Math.min(...ends(cortex, 1).map((e) => Math.min(e[0] ?? 0, e[3] ?? 0)));
    expect(maxY0).toBeGreaterThan(250);
    expect(100 - minX1).toBeCloseTo(maxY0 + 0, -1);
    expect(cortex?.cones.cell.length).toBeGreaterThan(100);
  });

  it('colours spiking nodes from the simulation config spikes, resting ones black', async () => {
    const [circuit] = await loadSonataCircuits(
      request([population({ node_ids: [2, 3, 4], report_type: 'spikes', spike_transition_time: 1 })], 'simulation_config.json'),
      ctx(),
    );
    expect(circuit?.simulation).toEqual({ startTime: 5, endTime: 9, dt: 0.01, unit: '' });
    const table = spikeColorTable();
    const at5 = Array.from(circuit?.colorsAt(5) ?? []);
    expect(at5.slice(0, 4)).toEqual(Array.from(table.slice(255 * 4, 256 * 4)));
    expect(at5.slice(4, 12)).toEqual([...Array.from(table.slice(0, 4)), ...Array.from(table.slice(0, 4))]);
    const at9 = Array.from(circuit?.colorsAt(9.5) ?? []);
    expect(at9.slice(8, 12)).toEqual(Array.from(table.slice(127 * 4, 128 * 4)));
  });

  it('needs a simulation config for spikes', async () => {
    await expect(loadIds({ report_type: 'spikes' })).rejects.toThrow(/^No simulation configuration available/);
  });

  it('names the missing morphology directory', async () => {
    await writeFile(
      join(dir, 'no_morphs.json'),
      JSON.stringify({ networks: { nodes: [{ nodes_file: './network/nodes.h5', populations: { cortex: {} } }] } }),
    );
    const settings = population({ neuron_morphology_parameters: { load_soma: true, load_axon: false, load_dendrites: false, radius_multiplier: 1 } });
    await expect(loadSonataCircuits(request([settings], 'no_morphs.json'), ctx())).rejects.toThrow(
      /^SonataConfig: Morphology path not available for population cortex/,
    );
  });

  it('takes morphologies and node-set attributes from the node types file', async () => {
    const morph = { load_soma: true, load_axon: false, load_dendrites: false, radius_multiplier: 1 };
    const [circuit] = await loadSonataCircuits(request([population({ node_population: 'typed', node_sets: ['L6'], neuron_morphology_parameters: morph })]), ctx());
    expect(Array.from(circuit?.gids ?? [])).toEqual([1, 3]);
    expect(Array.from(circuit?.spheres.centers ?? []).map((v) => Math.round(v))).toEqual([0, 200, 0, 0, 600, 0]);
    // sample_pyramidal_1 has a soma ring of radius 8.
    expect(circuit?.spheres.radii[0]).toBeCloseTo(8, 1);
  });

  it('refuses populations split over several node groups, naming the file', async () => {
    await h5wasm.ready;
    const path = join(dir, 'network', 'grouped.h5');
    await writeFile(path, '');
    const file = new h5wasm.File(path, 'w');
    const split = file.create_group('nodes').create_group('split');
    split.create_dataset({ name: 'node_group_id', data: Int32Array.from([0, 1]) });
    split.create_dataset({ name: 'node_group_index', data: Int32Array.from([0, 0]) });
    const group = split.create_group('0');
    for (const axis of ['x', 'y', 'z']) group.create_dataset({ name: axis, data: new Float32Array(1) });
    file.close();
    await writeFile(join(dir, 'grouped.json'), JSON.stringify({ networks: { nodes: [{ nodes_file: './network/grouped.h5' }] } }));
    await expect(loadSonataCircuits(request([population({ node_population: 'split' })], 'grouped.json'), ctx())).rejects.toThrow(
      `Cannot read SONATA nodes file ${path}: population 'split' spreads its nodes over several groups`,
    );
  });

  it('merges populations into one model and reports Brayns metadata', async () => {
    const settings = [population({ node_sets: ['L5'] }), population({ node_population: 'thalamus' })];
    const merged = await loadSonataCircuit(request(settings), ctx());
    expect(merged.gids.length).toBe(5 + 3);
    expect(Array.from(merged.spheres.cell)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const [cortex] = await loadSonataCircuits(request([settings[0] as SonataNodePopulationSettings]), ctx());
    expect(sonataMetadata(settings[0] as SonataNodePopulationSettings, cortex as never)).toEqual({
      population_type: 'node',
      population_name: 'cortex',
      loaded_neuron_count: '5',
      node_sets: 'L5',
    });
  });
});
