import { join } from 'node:path';
import type { BlueConfig } from '../blueconfig.js';
import { circuitError } from '../circuit-error.js';
import { openBbpReport } from './bbp-binary-report.js';
import type { ReportFrames } from './report-frames.js';
import { openSonataReport } from './sonata-report.js';

/**
 * The file of a BlueConfig `Report <name> { Format … }` section, as Brion resolves it: Format
 * Binary/Bin → `OutputRoot/<name>.bbp`; HDF5/SONATA → `OutputRoot/<name>.h5` (read here in the
 * SONATA layout, the one Brion's HDF5 reports are written in since 2019).
 */
export async function openCompartmentReport(config: BlueConfig, name: string): Promise<ReportFrames> {
  const section = config.reports.get(name);
  const format = section?.get('Format')?.toLowerCase() ?? '';
  if (section === undefined || format === '') {
    const known = [...config.reports.keys()];
    throw circuitError(`Invalid or missing report: '${name}' (no 'Report ${name} { Format … }' section in ${config.path}; it has ${known.length === 0 ? 'no Report sections' : known.join(', ')})`);
  }
  if (config.outputRoot === null) throw circuitError(`OutputRoot is not set in the Run section of ${config.path}; it is needed to find report '${name}'`);
  if (format === 'binary' || format === 'bin') return openBbpReport(join(config.outputRoot, `${name}.bbp`));
  if (format === 'hdf5' || format === 'sonata') return openSonataReport(join(config.outputRoot, `${name}.h5`), null);
  throw circuitError(`Invalid report type for report ${name}: ${section.get('Format') ?? ''} (in ${config.path}; expected Binary, HDF5 or SONATA)`);
}
