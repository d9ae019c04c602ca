import type { Group } from 'h5wasm/node';
import type { CellTable } from '../cells/cell-table.js';
import { eulerXyzQuaternion } from '../cells/cell-table.js';
import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, isStringDataset, readNumbers, readStrings, withHdf5File } from '../hdf5.js';
import type { SonataPopulation } from './config.js';
import { readNodeTypes, type NodeTypes } from './node-types.js';

/** Values of one node attribute, one per node (strings for text and `@library` attributes). */
export type NodeColumn = Float64Array | string[];

export interface SonataNodeTable {
  /** Positions, rotations and morphology names, shaped like the BBP loader's cell table (row = node id). */
  cells: CellTable;
  /** The attributes node sets filter on. */
  attributes: Map<string, NodeColumn>;
}

/**
 * One node population: /nodes/<population>/0/{x, y, z, orientation_{w,x,y,z} (normalised, as
 * Brayns does; else SONATA's rotation_angle_{x,y,z}axis; else identity), morphology, …}.
 * An attribute missing from the group is looked up in the node types file through
 * /nodes/<population>/node_type_id; one stored as indices into `@library/<name>` comes back as
 * its strings. Morphology names are only required when morphologies are drawn.
 */
export async function readNodePopulation(
  population: SonataPopulation,
  want: { morphology: boolean; attributes: Iterable<string> },
): Promise<SonataNodeTable> {
  const file = population.nodesFile;
  const name = population.name;
  const nodeTypes = population.nodeTypesFile !== null ? await readNodeTypes(population.nodeTypesFile) : null;
  return withHdf5File(file, 'SONATA nodes file', (h5) => {
    const fail = (what: string): never => {
      throw circuitError(`Cannot read SONATA nodes file ${file}: ${what}`);
    };
    const group = getGroup(h5, `nodes/${name}/0`) ?? fail(`no group '/nodes/${name}/0' for population '${name}'`);
    checkSingleGroup(h5, name, fail);
    const typeIds = getDataset(h5, `nodes/${name}/node_type_id`);
    const column = (attribute: string): NodeColumn | null =>
      readColumn(group, attribute, fail) ?? fromNodeTypes(nodeTypes, typeIds ? readNumbers(typeIds) : null, attribute);
    const numbers = (attribute: string): Float64Array | null => {
      const values = column(attribute);
      if (values === null) return null;
      return values instanceof Float64Array ? values : Float64Array.from(values, Number);
    };
    const [x, y, z] = ['x', 'y', 'z'].map((axis) => numbers(axis) ?? fail(`missing dataset '/nodes/${name}/0/${axis}'`));
    const count = x?.length ?? 0;
    if (y?.length !== count || z?.length !== count) fail('x, y and z have different lengths');
    const positions = new Float64Array(3 * count);
    for (let i = 0; i < count; i++) positions.set([x?.[i] ?? 0, y?.[i] ?? 0, z?.[i] ?? 0], 3 * i);

    let morphologies: string[] = [];
    if (want.morphology) {
      const values = column('morphology') ?? fail(`no 'morphology' for population '${name}' (neither in '/nodes/${name}/0' nor in a node types file); it is needed to draw morphologies`);
      if (values instanceof Float64Array) fail("'morphology' holds numbers without an '@library/morphology' table");
      morphologies = values as string[];
    }
    const attributes = new Map<string, NodeColumn>();
    for (const attribute of want.attributes) {
      attributes.set(attribute, column(attribute) ?? fail(`no attribute '${attribute}' for population '${name}' (a node set filters on it)`));
    }
    const cells: CellTable = { format: 'sonata', source: file, count, positions, rotations: readRotations(count, numbers), morphologies };
    return { cells, attributes };
  });
}

/**
 * Node row i is group 0 row i only when every node is in group 0, in order; populations split
 * over several groups are rare in circuits and not read here.
 */
function checkSingleGroup(h5: Group, name: string, fail: (what: string) => never): void {
  const groupIds = getDataset(h5, `nodes/${name}/node_group_id`);
  const groupIndex = getDataset(h5, `nodes/${name}/node_group_index`);
  if (groupIds !== null && readNumbers(groupIds).some((id) => id !== 0)) {
    fail(`population '${name}' spreads its nodes over several groups (node_group_id other than 0), which the built-in server does not read`);
  }
  if (groupIndex !== null && readNumbers(groupIndex).some((index, i) => index !== i)) {
    fail(`population '${name}' has a node_group_index that is not 0, 1, 2…, which the built-in server does not read`);
  }
}

function readColumn(group: Group, attribute: string, fail: (what: string) => never): NodeColumn | null {
  const dataset = getDataset(group, attribute);
  if (dataset === null) return null;
  if (isStringDataset(dataset)) return readStrings(dataset);
  const values = readNumbers(dataset);
  const library = getGroup(group, '@library');
  const table = library ? getDataset(library, attribute) : null;
  if (table === null) return values;
  const names = readStrings(table);
  return Array.from(values, (index) => names[index] ?? fail(`${attribute} index ${index} is outside '@library/${attribute}'`));
}

/** Per-node values of a node-type attribute; numbers when every value is numeric. */
function fromNodeTypes(types: NodeTypes | null, typeIds: Float64Array | null, attribute: string): NodeColumn | null {
  if (types === null || typeIds === null) return null;
  if (![...types.values()].some((row) => row.has(attribute))) return null;
  const values = Array.from(typeIds, (id) => types.get(id)?.get(attribute) ?? '');
  return values.every((v) => v !== '' && Number.isFinite(Number(v))) ? Float64Array.from(values, Number) : values;
}

function readRotations(count: number, numbers: (name: string) => Float64Array | null): Float64Array {
  const rotations = new Float64Array(4 * count);
  const [qw, qx, qy, qz] = ['orientation_w', 'orientation_x', 'orientation_y', 'orientation_z'].map(numbers);
  if (qw && qx && qy && qz) {
    for (let i = 0; i < count; i++) {
      const q = [qx[i] ?? 0, qy[i] ?? 0, qz[i] ?? 0, qw[i] ?? 1];
      const norm = Math.hypot(...q) || 1;
      rotations.set(q.map((c) => c / norm), 4 * i);
    }
    return rotations;
  }
  const [ax, ay, az] = ['rotation_angle_xaxis', 'rotation_angle_yaxis', 'rotation_angle_zaxis'].map(numbers);
  for (let i = 0; i < count; i++) rotations.set(eulerXyzQuaternion(ax?.[i] ?? 0, ay?.[i] ?? 0, az?.[i] ?? 0), 4 * i);
  return rotations;
}
