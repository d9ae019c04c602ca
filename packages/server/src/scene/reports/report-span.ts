import type { BlueConfig } from '../blueconfig.js';
import { getDataset, readNumbers, withHdf5File } from '../hdf5.js';
import { readBbpHeader } from './bbp-binary-report.js';
import { locateCompartmentReport } from './report-location.js';
import { checkReportTime, reportFailure, reportPopulation, SONATA_REPORT } from './sonata-report-layout.js';

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
  return withHdf5File(path, SONATA_REPORT, (file) => {
    const fail = reportFailure(path);
    const { name, group } = reportPopulation(file, population, fail);
    const time = readNumbers(getDataset(group, 'mapping/time') ?? fail(`missing dataset '/report/${name}/mapping/time'`));
    checkReportTime(time, fail);
    const frameCount = (getDataset(group, 'data') ?? fail(`missing dataset '/report/${name}/data'`)).shape?.[0] ?? 0;
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
