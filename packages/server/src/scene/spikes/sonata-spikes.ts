import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, readNumbers, withHdf5File } from '../hdf5.js';
import type { SpikeTable } from './spike-table.js';

/**
 * SONATA spikes (out.h5 / spikes.h5): /spikes/<population>/{timestamps, node_ids}, node ids 0-based,
 * so GID = node_id + 1.
 */
export async function readSonataSpikes(path: string, population: string | null): Promise<SpikeTable> {
  return withHdf5File(path, 'SONATA spike report', (file) => {
    const fail = (what: string): never => {
      throw circuitError(`Cannot read SONATA spike report ${path}: ${what}`);
    };
    const spikes = getGroup(file, 'spikes') ?? fail("missing group '/spikes'");
    const populations = spikes.keys().filter((key) => getGroup(spikes, key) !== null);
    const name = population !== null && populations.includes(population) ? population : (populations[0] ?? fail("no population under '/spikes'"));
    const group = getGroup(spikes, name) ?? fail(`missing group '/spikes/${name}'`);
    const times = readNumbers(getDataset(group, 'timestamps') ?? fail(`missing dataset '/spikes/${name}/timestamps'`));
    const nodeIds = readNumbers(getDataset(group, 'node_ids') ?? fail(`missing dataset '/spikes/${name}/node_ids'`));
    if (times.length !== nodeIds.length) fail(`timestamps (${times.length}) and node_ids (${nodeIds.length}) differ in length`);
    const gids = new Uint32Array(nodeIds.length);
    for (let i = 0; i < nodeIds.length; i++) gids[i] = (nodeIds[i] ?? 0) + 1;
    return { source: path, times, gids };
  });
}
