import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlueConfig } from '../blueconfig.js';
import { circuitError } from '../circuit-error.js';
import { readOutDat } from './out-dat.js';
import { readSonataSpikes } from './sonata-spikes.js';
import type { SpikeTable } from './spike-table.js';

export type { SpikeTable } from './spike-table.js';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** SpikesPath when it is a file, else OutputRoot/out.dat, out.h5, then spikes.h5 (SONATA's usual name). */
export async function locateSpikeReport(config: BlueConfig): Promise<string> {
  const candidates: string[] = [];
  if (config.spikesPath !== null) candidates.push(config.spikesPath);
  if (config.outputRoot !== null) {
    for (const name of ['out.dat', 'out.h5', 'spikes.h5']) candidates.push(join(config.outputRoot, name));
  }
  for (const path of candidates) if (await isFile(path)) return path;
  const looked = candidates.length === 0 ? `neither SpikesPath nor OutputRoot is set in ${config.path}` : `looked for ${candidates.join(', ')}`;
  throw circuitError(`Unable to find Spike report file (${looked})`);
}

export async function readSpikeReport(
  config: BlueConfig,
  signal: AbortSignal,
  onProgress: (amount: number) => void,
): Promise<SpikeTable> {
  const path = await locateSpikeReport(config);
  const table = /\.h5$/i.test(path)
    ? await readSonataSpikes(path, config.circuitPopulation)
    : await readOutDat(path, signal, onProgress);
  onProgress(1);
  return table;
}
