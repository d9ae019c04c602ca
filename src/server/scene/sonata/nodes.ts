import type { Group } from 'h5wasm/node';
import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, isStringDataset, readNumbers, readStrings, withHdf5File } from '../hdf5.js';
import type { SonataPopulation } from './config.js';

/** Values of one node attribute, one per node (strings for text and `@library` attributes). */
export type NodeColumn = Float64Array | string[];

/**
 * The node attributes node sets filter on (mtype, layer, region…), from /nodes/<population>/0.
 * Attributes stored as indices into `@library/<name>` come back as their strings. Positions,
 * rotations and morphology names are read by the cell reader shared with the BBP loader.
 */
export async function readNodeAttributes(population: SonataPopulation, names: Iterable<string>): Promise<Map<string, NodeColumn>> {
  const wanted = [...names];
  const attributes = new Map<string, NodeColumn>();
  if (wanted.length === 0) return attributes;
  const file = population.nodesFile;
  const name = population.name;
  return withHdf5File(file, 'SONATA nodes file', (h5) => {
    const fail = (what: string): never => {
      throw circuitError(`Cannot read SONATA nodes file ${file}: ${what}`);
    };
    const group = getGroup(h5, `nodes/${name}/0`) ?? fail(`no group '/nodes/${name}/0' for population '${name}'`);
    for (const attribute of wanted) {
      const values = readColumn(group, attribute, fail) ?? fail(`no attribute '${attribute}' in '/nodes/${name}/0' (a node set filters on it)`);
      attributes.set(attribute, values);
    }
    return attributes;
  });
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
