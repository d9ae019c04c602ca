import type { Group } from 'h5wasm/node';
import type { SpikeTrain } from './activity.js';
import { ETYPES, MTYPES, type SampleCell } from './column.js';
import { yRotationQuaternion } from '../scene/cells/cell-table.js';
import { loadH5wasm } from '../scene/hdf5.js';

/**
 * The HDF5 files of the sample circuit, written with h5wasm: circuit.mvd3, an optional SONATA
 * nodes file and the SONATA spike report. Each holds exactly the numbers of the text files.
 */

export const SONATA_POPULATION = 'column';

async function writeHdf5(path: string, fill: (root: Group) => void): Promise<void> {
  const h5wasm = (await loadH5wasm()).default;
  const file = new h5wasm.File(path, 'w');
  try {
    fill(file);
  } finally {
    file.close();
  }
}

interface CellColumns {
  positions: Float64Array;
  orientations: Float64Array;
  morphologyIndex: Uint32Array;
  morphologies: string[];
  mtypeIndex: Uint32Array;
  etypeIndex: Uint32Array;
  layer: Int32Array;
  synapseClass: Uint32Array;
}

function cellColumns(cells: SampleCell[]): CellColumns {
  const morphologies = [...new Set(cells.map((cell) => cell.morphology))].sort();
  const columns: CellColumns = {
    positions: new Float64Array(cells.length * 3),
    orientations: new Float64Array(cells.length * 4),
    morphologyIndex: new Uint32Array(cells.length),
    morphologies,
    mtypeIndex: new Uint32Array(cells.length),
    etypeIndex: new Uint32Array(cells.length),
    layer: new Int32Array(cells.length),
    synapseClass: new Uint32Array(cells.length),
  };
  cells.forEach((cell, i) => {
    columns.positions.set(cell.position, i * 3);
    columns.orientations.set(yRotationQuaternion(cell.rotationY), i * 4);
    columns.morphologyIndex[i] = morphologies.indexOf(cell.morphology);
    columns.mtypeIndex[i] = MTYPES.indexOf(cell.mtype);
    columns.etypeIndex[i] = ETYPES.indexOf(cell.etype);
    columns.layer[i] = cell.layer;
    columns.synapseClass[i] = cell.mtype.synapseClass === 'EXC' ? 0 : 1;
  });
  return columns;
}

/** MVD3: /cells/{positions, orientations (x,y,z,w)}, /cells/properties/* indexing /library/*. */
export async function writeMvd3(path: string, cells: SampleCell[]): Promise<void> {
  const c = cellColumns(cells);
  await writeHdf5(path, (root) => {
    const cellsGroup = root.create_group('cells');
    cellsGroup.create_dataset({ name: 'positions', data: c.positions, shape: [cells.length, 3] });
    cellsGroup.create_dataset({ name: 'orientations', data: c.orientations, shape: [cells.length, 4] });
    const properties = cellsGroup.create_group('properties');
    properties.create_dataset({ name: 'morphology', data: c.morphologyIndex });
    properties.create_dataset({ name: 'mtype', data: c.mtypeIndex });
    properties.create_dataset({ name: 'etype', data: c.etypeIndex });
    properties.create_dataset({ name: 'layer', data: c.layer });
    properties.create_dataset({ name: 'synapse_class', data: c.synapseClass });
    const library = root.create_group('library');
    library.create_dataset({ name: 'morphology', data: c.morphologies });
    library.create_dataset({ name: 'mtype', data: MTYPES.map((m) => m.name) });
    library.create_dataset({ name: 'etype', data: ETYPES });
    library.create_dataset({ name: 'synapse_class', data: ['EXC', 'INH'] });
  });
}

/** SONATA nodes: /nodes/column/0/{x,y,z, orientation_*, morphology + @library/morphology, ...}. */
export async function writeSonataNodes(path: string, cells: SampleCell[]): Promise<void> {
  const c = cellColumns(cells);
  const n = cells.length;
  const column = (values: Float64Array, stride: number, offset: number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => values[i * stride + offset] ?? 0);
  await writeHdf5(path, (root) => {
    const population = root.create_group('nodes').create_group(SONATA_POPULATION);
    population.create_dataset({ name: 'node_type_id', data: new Int32Array(n).fill(-1) });
    population.create_dataset({ name: 'node_group_id', data: new Uint32Array(n) });
    population.create_dataset({ name: 'node_group_index', data: Uint32Array.from({ length: n }, (_, i) => i) });
    const group = population.create_group('0');
    ['x', 'y', 'z'].forEach((name, axis) => group.create_dataset({ name, data: column(c.positions, 3, axis) }));
    ['orientation_x', 'orientation_y', 'orientation_z', 'orientation_w'].forEach((name, k) =>
      group.create_dataset({ name, data: column(c.orientations, 4, k) }),
    );
    group.create_dataset({ name: 'morphology', data: c.morphologyIndex });
    group.create_dataset({ name: 'mtype', data: c.mtypeIndex });
    group.create_dataset({ name: 'etype', data: c.etypeIndex });
    group.create_dataset({ name: 'layer', data: c.layer });
    const library = group.create_group('@library');
    library.create_dataset({ name: 'morphology', data: c.morphologies });
    library.create_dataset({ name: 'mtype', data: MTYPES.map((m) => m.name) });
    library.create_dataset({ name: 'etype', data: ETYPES });
  });
}

/** SONATA spikes: /spikes/column/{timestamps (ms), node_ids (0-based = GID - 1)}, sorted by time. */
export async function writeSonataSpikes(path: string, spikes: SpikeTrain): Promise<void> {
  await writeHdf5(path, (root) => {
    const population = root.create_group('spikes').create_group(SONATA_POPULATION);
    population.create_attribute('sorting', 'by_time');
    population.create_dataset({ name: 'timestamps', data: Float64Array.from(spikes.times) });
    population.create_dataset({ name: 'node_ids', data: BigUint64Array.from(spikes.gids, (gid) => BigInt(gid - 1)) });
  });
}
