import type { Dataset, Group } from 'h5wasm/node';
import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, isStringDataset, readNumbers, readStrings, withHdf5File } from '../hdf5.js';
import { eulerXyzQuaternion, type CellTable } from './cell-table.js';

/**
 * A SONATA nodes file used as a BlueConfig CellLibraryFile: /nodes/<population>/0/{x, y, z,
 * orientation_w/x/y/z or rotation_angle_{x,y,z}axis, morphology}. An attribute listed under
 * `@library` stores indices into that string table. Node id n (0-based) is GID n + 1.
 */
export async function readSonataNodes(path: string, population: string | null): Promise<CellTable> {
  return withHdf5File(path, 'SONATA nodes file', (file) => {
    const fail = (what: string): never => {
      throw circuitError(`Cannot read SONATA nodes file ${path}: ${what}`);
    };
    const nodes = getGroup(file, 'nodes') ?? fail("missing group '/nodes'");
    const populations = nodes.keys();
    const name = population ?? populations[0] ?? fail("no population under '/nodes'");
    if (!populations.includes(name)) fail(`no population '${name}' under '/nodes' (found: ${populations.join(', ')})`);
    const group = getGroup(nodes, `${name}/0`) ?? fail(`missing group '/nodes/${name}/0'`);
    const library = getGroup(group, '@library');

    const column = (attribute: string): Float64Array | null => {
      const dataset = getDataset(group, attribute);
      return dataset ? readNumbers(dataset) : null;
    };
    const required = (attribute: string): Float64Array => column(attribute) ?? fail(`missing dataset '/nodes/${name}/0/${attribute}'`);
    const x = required('x');
    const y = required('y');
    const z = required('z');
    const count = x.length;
    if (y.length !== count || z.length !== count) fail('x, y and z have different lengths');

    const positions = new Float64Array(count * 3);
    for (let i = 0; i < count; i++) positions.set([x[i] ?? 0, y[i] ?? 0, z[i] ?? 0], i * 3);
    const rotations = readRotations(count, column);
    const morphologies = readEnumerated(getDataset(group, 'morphology') ?? fail(`missing dataset '/nodes/${name}/0/morphology'`), library, 'morphology', fail);
    if (morphologies.length !== count) fail(`morphology has ${morphologies.length} rows for ${count} nodes`);
    return { format: 'sonata', source: path, count, positions, rotations, morphologies };
  });
}

function readRotations(count: number, column: (name: string) => Float64Array | null): Float64Array {
  const rotations = new Float64Array(count * 4);
  const [qw, qx, qy, qz] = ['orientation_w', 'orientation_x', 'orientation_y', 'orientation_z'].map(column);
  if (qw && qx && qy && qz) {
    for (let i = 0; i < count; i++) rotations.set([qx[i] ?? 0, qy[i] ?? 0, qz[i] ?? 0, qw[i] ?? 1], i * 4);
    return rotations;
  }
  const [ax, ay, az] = ['rotation_angle_xaxis', 'rotation_angle_yaxis', 'rotation_angle_zaxis'].map(column);
  for (let i = 0; i < count; i++) {
    rotations.set(eulerXyzQuaternion(ax?.[i] ?? 0, ay?.[i] ?? 0, az?.[i] ?? 0), i * 4);
  }
  return rotations;
}

function readEnumerated(dataset: Dataset, library: Group | null, attribute: string, fail: (what: string) => never): string[] {
  if (isStringDataset(dataset)) return readStrings(dataset);
  const table = library ? getDataset(library, attribute) : null;
  if (!table) fail(`'${attribute}' holds numbers but there is no '@library/${attribute}' table`);
  const names = readStrings(table);
  return Array.from(readNumbers(dataset), (index) => names[index] ?? fail(`${attribute} index ${index} is outside '@library/${attribute}'`));
}
