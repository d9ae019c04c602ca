import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlueConfig } from '../blueconfig.js';
import { circuitError } from '../circuit-error.js';
import type { CellTable } from './cell-table.js';
import { readMvd2 } from './mvd2.js';
import { readMvd3 } from './mvd3.js';
import { readSonataNodes } from './sonata-nodes.js';

export type { CellTable } from './cell-table.js';

async function kind(path: string): Promise<'file' | 'dir' | null> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/**
 * The circuit's cell file, chosen like Brion: CircuitPath (a directory means its circuit.mvd3, else
 * circuit.mvd2; or the file itself), and when that does not exist the CellLibraryFile (SONATA nodes
 * .h5, or an MVD3 file as older circuit releases list it).
 */
export async function locateCellFile(config: BlueConfig): Promise<{ path: string; format: CellTable['format'] }> {
  const candidates: string[] = [];
  if (config.circuitPath !== null) {
    if ((await kind(config.circuitPath)) === 'dir') {
      candidates.push(join(config.circuitPath, 'circuit.mvd3'), join(config.circuitPath, 'circuit.mvd2'));
    } else {
      candidates.push(config.circuitPath);
    }
  }
  if (config.cellLibraryFile !== null) candidates.push(config.cellLibraryFile);
  for (const path of candidates) {
    if ((await kind(path)) !== 'file') continue;
    if (/\.mvd2?$/i.test(path)) return { path, format: 'mvd2' };
    if (/\.mvd3$/i.test(path)) return { path, format: 'mvd3' };
    if (/\.h5$/i.test(path) && path === config.cellLibraryFile) return { path, format: 'sonata' };
  }
  const tried = candidates.length === 0 ? 'neither CircuitPath nor CellLibraryFile is set' : `looked for ${candidates.join(', ')}`;
  throw circuitError(`Unknown circuit format. Supported: MVD2, MVD3, Sonata HDF5 (${config.path}: ${tried})`);
}

export async function readCircuitCells(
  config: BlueConfig,
  signal: AbortSignal,
  onProgress: (amount: number) => void,
): Promise<CellTable> {
  const { path, format } = await locateCellFile(config);
  signal.throwIfAborted();
  let table: CellTable;
  if (format === 'mvd2') table = await readMvd2(path, signal, onProgress);
  else if (format === 'mvd3') table = await readMvd3(path);
  else table = await readSonataNodes(path, config.circuitPopulation);
  onProgress(1);
  return table;
}
