import type { BlueConfig } from '../blueconfig.js';
import { circuitError } from '../circuit-error.js';
import { getDataset, getGroup, readNumbers, withHdf5File } from '../hdf5.js';
import { readBbpHeader } from './bbp-binary-report.js';
import { locateCompartmentReport } from './report-location.js';

// Headers only, for preflight: nothing here loads h5wasm until an HDF5 report is opened.

/** Where a compartment report starts and ends, from its header alone (preflight). */
export interface ReportSpan {
  path: string;
  startTime: number;
  endTime: number;
  dt: number;
  frameCount: number;
}

/** A SONATA report's `mapping/time` and frame count: neither the mapping nor the data is read. */
export async function readSonataReportSpan(path: string, population: string | null): Promise<ReportSpan> {
  const what = 'SONATA compartment report';
  return withHdf5File(path, what, (file) => {
    const fail = (problem: string): never => {
      throw circuitError(`Cannot read ${what} ${path}: ${problem}`);
    };
    const report = getGroup(file, 'report') ?? fail("missing group '/report'");
    const populations = report.keys().filter((key) => getGroup(report, key) !== null);
    const name = population === null ? (populations[0] ?? fail("no population under '/report'")) : populations.includes(population) ? population : fail(`no population '${population}' under '/report' (it has: ${populations.join(', ') || 'none'})`);
    const time = readNumbers(getDataset(file, `report/${name}/mapping/time`) ?? fail(`missing dataset '/report/${name}/mapping/time'`));
    if (time.length !== 3 || !((time[2] ?? 0) > 0)) fail(`mapping/time must be [start, end, dt] with dt > 0, found [${Array.from(time).join(', ')}]`);
    const frameCount = (getDataset(file, `report/${name}/data`) ?? fail(`missing dataset '/report/${name}/data'`)).shape?.[0] ?? 0;
    return { path, startTime: time[0] as number, endTime: time[1] as number, dt: time[2] as number, frameCount };
  });
}

/** The time span of a BlueConfig's compartment report from its file's header (preflight). */
export async function compartmentReportSpan(config: BlueConfig, name: string): Promise<ReportSpan> {
  const { path, format } = locateCompartmentReport(config, name);
  if (format === 'sonata') return readSonataReportSpan(path, null);
  const { startTime, endTime, dt, frameCount } = await readBbpHeader(path);
  return { path, startTime, endTime, dt, frameCount };
}
