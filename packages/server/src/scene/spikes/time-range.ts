import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, readNumbers, withHdf5File } from '../hdf5.js';
import { outDatTimeRange } from './time-range-text.js';

/** First and last spike time (ms) of a report; both 0 for a report without spikes. */
export interface SpikeTimeRange {
  start: number;
  end: number;
  count: number;
}

/**
 * The time span of a spike report (out.dat, or SONATA /spikes/<population>/timestamps). SONATA
 * reads only the timestamps dataset of the population; out.dat is streamed for its time column.
 */
export async function spikeTimeRange(path: string, population: string | null = null): Promise<SpikeTimeRange> {
  let times: Float64Array;
  if (/\.h5$/i.test(path)) {
    times = await withHdf5File(path, 'SONATA spike report', (file) => {
      const spikes = getGroup(file, 'spikes');
      if (spikes === null) throw circuitError(`Cannot read SONATA spike report ${path}: missing group '/spikes'`);
      const populations = spikes.keys().filter((key) => getGroup(spikes, key) !== null);
      const name = population !== null && populations.includes(population) ? population : populations[0];
      if (name === undefined) throw circuitError(`Cannot read SONATA spike report ${path}: no population under '/spikes'`);
      const dataset = getDataset(spikes, `${name}/timestamps`);
      if (dataset === null) throw circuitError(`Cannot read SONATA spike report ${path}: missing dataset '/spikes/${name}/timestamps'`);
      return readNumbers(dataset);
    });
  } else {
    return outDatTimeRange(path);
  }
  let start = Infinity;
  let end = -Infinity;
  for (const t of times) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  return times.length === 0 ? { start: 0, end: 0, count: 0 } : { start, end, count: times.length };
}
