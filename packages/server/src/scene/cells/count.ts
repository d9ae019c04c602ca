import { forEachByteLine } from '../byte-lines.js';
import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, withHdf5File } from '../hdf5.js';
import type { CellTable } from './cell-table.js';

/**
 * How many cells a cell file holds, without reading the cells: preflight range-checks GIDs with it
 * on circuits of millions of cells. MVD3 and SONATA read a dataset's shape only; MVD2 (text) counts
 * the lines of its `Neurons Loaded` section in one streamed pass.
 */
export async function countCells(path: string, format: CellTable['format'], population: string | null = null): Promise<number> {
  if (format === 'mvd2') return countMvd2Cells(path);
  if (format === 'mvd3') {
    return withHdf5File(path, 'MVD3 file', (file) => {
      const positions = getDataset(file, 'cells/positions');
      if (positions === null) throw circuitError(`Cannot read MVD3 file ${path}: missing dataset '/cells/positions'`);
      return positions.shape?.[0] ?? 0;
    });
  }
  const populations = await nodePopulationSizes(path);
  const name = population ?? [...populations.keys()][0];
  const count = name === undefined ? undefined : populations.get(name);
  if (count === undefined) throw circuitError(`Cannot read SONATA nodes file ${path}: no population '${name ?? ''}' under '/nodes' (found: ${[...populations.keys()].join(', ')})`);
  return count;
}

/** Node count of every population of a SONATA nodes file (the length of its node_type_id, else of 0/x). */
export async function nodePopulationSizes(path: string): Promise<Map<string, number>> {
  return withHdf5File(path, 'SONATA nodes file', (file) => {
    const nodes = getGroup(file, 'nodes');
    if (nodes === null) throw circuitError(`Cannot read SONATA nodes file ${path}: missing group '/nodes'`);
    const sizes = new Map<string, number>();
    for (const name of nodes.keys()) {
      const population = getGroup(nodes, name);
      if (population === null) continue;
      const column = getDataset(population, 'node_type_id') ?? getDataset(population, '0/x');
      sizes.set(name, column?.shape?.[0] ?? 0);
    }
    return sizes;
  });
}

const SECTION_TITLES = new Set(['Neurons Loaded', 'MicroBox Data', 'Layers Positions Data', 'Axon-Dendrite Synapses', 'ElectroTypes', 'MorphTypes', 'MiniColumnsPosition', 'CircuitSeeds']);

/** Non-blank lines of the `Neurons Loaded` section, as `readMvd2` numbers cells. */
async function countMvd2Cells(path: string): Promise<number> {
  let count = 0;
  let section: string | null = null;
  // Bytes, not text: decoding a million-line file to UTF-8 cost more than the count itself. A line
  // is a cell unless it is blank or a section title; titles are ASCII and rare, so only lines whose
  // first byte is a title's first letter are decoded and compared with the titles.
  const firsts = new Set([...SECTION_TITLES].map((t) => t.charCodeAt(0)));
  const scan = (bytes: Buffer, from: number, to: number): void => {
    let a = from;
    while (a < to && (bytes[a] === 32 || bytes[a] === 9 || bytes[a] === 13)) a++;
    if (a === to) return;
    if (firsts.has(bytes[a]!)) {
      const line = bytes.toString('latin1', a, to).trim();
      if (SECTION_TITLES.has(line)) {
        section = line;
        return;
      }
    }
    if (section === 'Neurons Loaded') count++;
  };
  try {
    await forEachByteLine(path, scan);
  } catch (error) {
    throw circuitError(`Could not open MVD2 file ${path}`, error);
  }
  if (section === null) throw circuitError(`Cannot read MVD2 file ${path}: no 'Neurons Loaded' section (is it an MVD2 circuit file?)`);
  return count;
}
