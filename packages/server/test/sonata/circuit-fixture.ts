import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { generateSampleMorphologies } from '../../src/sample/morphology.js';

/**
 * A small SONATA circuit written for the tests:
 * - population `cortex`, 10 nodes on the x axis (node i at x = 100·i), orientation quaternions,
 *   `morphology` and `mtype` as `@library` enumerations, numeric `layer`;
 * - population `thalamus`, 3 nodes at z = -500 with rotation angles and plain string morphologies;
 * - a circuit config with nested manifest variables, node sets, a simulation config whose output
 *   holds spikes for cortex nodes 2 (at 5 ms) and 4 (at 9 ms).
 */
export const MTYPES = ['L5_TPC', 'L23_PC', 'L5_TPC', 'L4_SS', 'L23_PC', 'L5_TPC', 'L4_SS', 'L5_TPC', 'L23_PC', 'L5_TPC'];
export const LAYERS = [5, 2, 5, 4, 3, 5, 4, 5, 2, 5];

export async function writeSonataCircuit(dir: string): Promise<void> {
  await h5wasm.ready;
  await mkdir(join(dir, 'network'), { recursive: true });
  await mkdir(join(dir, 'output'), { recursive: true });
  await generateSampleMorphologies(join(dir, 'morphologies', 'h5'), { count: 2, formats: ['h5'] });
  await generateSampleMorphologies(join(dir, 'morphologies', 'ascii'), { count: 2, formats: ['asc'] });

  const nodesPath = join(dir, 'network', 'nodes.h5');
  await writeFile(nodesPath, '');
  const file = new h5wasm.File(nodesPath, 'w');
  try {
    const nodes = file.create_group('nodes');
    const cortexPopulation = nodes.create_group('cortex');
    const cortex = cortexPopulation.create_group('0');
    const n = MTYPES.length;
    cortex.create_dataset({ name: 'x', data: Float32Array.from({ length: n }, (_, i) => 100 * i) });
    cortex.create_dataset({ name: 'y', data: new Float32Array(n) });
    cortex.create_dataset({ name: 'z', data: new Float32Array(n) });
    // Node 1 is turned 90° about z, all others unrotated.
    const s = Math.SQRT1_2;
    cortex.create_dataset({ name: 'orientation_w', data: Float32Array.from({ length: n }, (_, i) => (i === 1 ? s : 1)) });
    cortex.create_dataset({ name: 'orientation_x', data: new Float32Array(n) });
    cortex.create_dataset({ name: 'orientation_y', data: new Float32Array(n) });
    cortex.create_dataset({ name: 'orientation_z', data: Float32Array.from({ length: n }, (_, i) => (i === 1 ? s : 0)) });
    cortex.create_dataset({ name: 'morphology', data: Int32Array.from({ length: n }, (_, i) => i % 2) });
    const mtypeNames = [...new Set(MTYPES)];
    cortex.create_dataset({ name: 'mtype', data: Int32Array.from(MTYPES, (m) => mtypeNames.indexOf(m)) });
    cortex.create_dataset({ name: 'layer', data: Int32Array.from(LAYERS) });
    const library = cortex.create_group('@library');
    library.create_dataset({ name: 'morphology', data: ['sample_pyramidal_0', 'sample_pyramidal_1'] });
    library.create_dataset({ name: 'mtype', data: mtypeNames });
    cortexPopulation.create_dataset({ name: 'node_type_id', data: new Int32Array(n).fill(-1) });
    cortexPopulation.create_dataset({ name: 'node_group_id', data: new Int32Array(n) });
    cortexPopulation.create_dataset({ name: 'node_group_index', data: Int32Array.from({ length: n }, (_, i) => i) });

    const thalamus = nodes.create_group('thalamus').create_group('0');
    thalamus.create_dataset({ name: 'x', data: Float32Array.from([0, 50, 100]) });
    thalamus.create_dataset({ name: 'y', data: new Float32Array(3) });
    thalamus.create_dataset({ name: 'z', data: Float32Array.from([-500, -500, -500]) });
    thalamus.create_dataset({ name: 'rotation_angle_yaxis', data: Float32Array.from([0, Math.PI / 2, Math.PI]) });
    thalamus.create_dataset({ name: 'morphology', data: ['sample_pyramidal_1', 'sample_pyramidal_0', 'sample_pyramidal_1'] });
  } finally {
    file.close();
  }

  // Population `typed` keeps morphology and mtype in a node types file, per node_type_id.
  const typedPath = join(dir, 'network', 'typed.h5');
  await writeFile(typedPath, '');
  const typed = new h5wasm.File(typedPath, 'w');
  try {
    const population = typed.create_group('nodes').create_group('typed');
    population.create_dataset({ name: 'node_type_id', data: Int32Array.from([100, 101, 100, 101]) });
    const group = population.create_group('0');
    group.create_dataset({ name: 'x', data: Float32Array.from([0, 0, 0, 0]) });
    group.create_dataset({ name: 'y', data: Float32Array.from([0, 200, 400, 600]) });
    group.create_dataset({ name: 'z', data: new Float32Array(4) });
  } finally {
    typed.close();
  }
  await writeFile(
    join(dir, 'network', 'node_types.csv'),
    'node_type_id model_type morphology mtype\n100 biophysical sample_pyramidal_0 "L2 PC"\n101 biophysical sample_pyramidal_1 L6_BPC\n',
  );

  const spikesPath = join(dir, 'output', 'spikes.h5');
  await writeFile(spikesPath, '');
  const spikes = new h5wasm.File(spikesPath, 'w');
  try {
    const cortexSpikes = spikes.create_group('spikes').create_group('cortex');
    cortexSpikes.create_dataset({ name: 'timestamps', data: Float64Array.from([5, 9]) });
    cortexSpikes.create_dataset({ name: 'node_ids', data: BigUint64Array.from([2n, 4n]) });
  } finally {
    spikes.close();
  }

  const circuitConfig = {
    version: 2,
    manifest: { $BASE_DIR: './', $NETWORK_DIR: '$BASE_DIR/network', $MORPHS: '$NETWORK_DIR/../morphologies' },
    node_sets_file: '$BASE_DIR/node_sets.json',
    components: { alternate_morphologies: { h5v1: '$MORPHS/h5', 'neurolucida-asc': '$MORPHS/missing' } },
    networks: {
      nodes: [
        {
          nodes_file: '$NETWORK_DIR/nodes.h5',
          populations: {
            cortex: { type: 'biophysical' },
            thalamus: { type: 'biophysical', alternate_morphologies: { 'neurolucida-asc': '$MORPHS/ascii' } },
          },
        },
        { nodes_file: '$NETWORK_DIR/typed.h5', node_types_file: '$NETWORK_DIR/node_types.csv', populations: { typed: {} } },
      ],
      edges: [],
    },
  };
  await writeFile(join(dir, 'circuit_config.json'), JSON.stringify(circuitConfig, null, 2));

  const nodeSets = {
    L5: { population: 'cortex', mtype: 'L5_TPC' },
    Layer23: { layer: [2, 3] },
    L4_or_L23: { mtype: { $regex: 'L(4|23)_.*' } },
    deep: { layer: { $gte: 5 } },
    picked: { node_id: [0, 7] },
    thalamic: { population: 'thalamus' },
    L6: { mtype: 'L6_BPC' },
    Mixed: ['L5', 'Layer23'],
    Nested: ['Mixed', 'picked'],
  };
  await writeFile(join(dir, 'node_sets.json'), JSON.stringify(nodeSets, null, 2));

  const simulationConfig = {
    manifest: { $OUTPUT_DIR: './output' },
    network: 'circuit_config.json',
    run: { tstop: 20, dt: 0.025 },
    output: { output_dir: '$OUTPUT_DIR', spikes_file: 'spikes.h5' },
  };
  await writeFile(join(dir, 'simulation_config.json'), JSON.stringify(simulationConfig, null, 2));
}
