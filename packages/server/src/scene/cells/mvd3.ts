import { circuitError } from '../circuit-error.js';
import { getDataset, isStringDataset, readNumbers, readStrings, withHdf5File } from '../hdf5.js';
import type { CellTable } from './cell-table.js';

/**
 * MVD3 (HDF5): /cells/positions [N,3], /cells/orientations [N,4] quaternions (x, y, z, w),
 * /cells/properties/morphology = indices into the /library/morphology string table. Row i is GID i+1.
 */
export async function readMvd3(path: string): Promise<CellTable> {
  return withHdf5File(path, 'MVD3 file', (file) => {
    const fail = (what: string): never => {
      throw circuitError(`Cannot read MVD3 file ${path}: ${what}`);
    };
    const positionsSet = getDataset(file, 'cells/positions') ?? fail("missing dataset '/cells/positions'");
    const positions = readNumbers(positionsSet);
    if (positions.length % 3 !== 0) fail(`'/cells/positions' must have 3 columns, shape is [${positionsSet.shape?.join(', ')}]`);
    const count = positions.length / 3;

    const orientationsSet = getDataset(file, 'cells/orientations');
    let rotations: Float64Array;
    if (orientationsSet) {
      rotations = readNumbers(orientationsSet);
      if (rotations.length !== count * 4) fail(`'/cells/orientations' must be [${count}, 4], shape is [${orientationsSet.shape?.join(', ')}]`);
    } else {
      rotations = new Float64Array(count * 4);
      for (let i = 0; i < count; i++) rotations[i * 4 + 3] = 1;
    }

    const morphologySet = getDataset(file, 'cells/properties/morphology') ?? fail("missing dataset '/cells/properties/morphology'");
    let morphologies: string[];
    if (isStringDataset(morphologySet)) {
      morphologies = readStrings(morphologySet);
    } else {
      const library = getDataset(file, 'library/morphology') ?? fail("missing dataset '/library/morphology'");
      const names = readStrings(library);
      morphologies = Array.from(readNumbers(morphologySet), (index) => names[index] ?? fail(`morphology index ${index} is outside '/library/morphology' (${names.length} names)`));
    }
    if (morphologies.length !== count) fail(`'/cells/properties/morphology' has ${morphologies.length} rows for ${count} cells`);
    return { format: 'mvd3', source: path, count, positions, rotations, morphologies };
  });
}
