import { join } from 'node:path';
import type { BlueConfig } from '../blueconfig.js';
import { circuitError } from '../circuit-error.js';

/**
 * The file of a BlueConfig `Report <name> { Format … }` section, as Brion resolves it: Format
 * Binary/Bin → `OutputRoot/<name>.bbp`; HDF5/SONATA → `OutputRoot/<name>.h5` (read here in the
 * SONATA layout, the one Brion's HDF5 reports are written in since 2019).
 */
export function locateCompartmentReport(config: BlueConfig, name: string): { path: string; format: 'bbp' | 'sonata' } {
  const section = config.reports.get(name);
  const format = section?.get('Format')?.toLowerCase() ?? '';
  if (section === undefined || format === '') {
    const known = [...config.reports.keys()];
    throw circuitError(`Invalid or missing report: '${name}' (no 'Report ${name} { Format … }' section in ${config.path}; it has ${known.length === 0 ? 'no Report sections' : known.join(', ')})`);
  }
  if (config.outputRoot === null) throw circuitError(`OutputRoot is not set in the Run section of ${config.path}; it is needed to find report '${name}'`);
  if (format === 'binary' || format === 'bin') return { path: join(config.outputRoot, `${name}.bbp`), format: 'bbp' };
  if (format === 'hdf5' || format === 'sonata') return { path: join(config.outputRoot, `${name}.h5`), format: 'sonata' };
  throw circuitError(`Invalid report type for report ${name}: ${section.get('Format') ?? ''} (in ${config.path}; expected Binary, HDF5 or SONATA)`);
}
