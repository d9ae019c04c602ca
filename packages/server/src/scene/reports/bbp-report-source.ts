import type { BlueConfig } from '../blueconfig.js';
import { openBbpReport } from './bbp-binary-report.js';
import type { ReportFrames } from './report-frames.js';
import { locateCompartmentReport } from './report-location.js';
import { openSonataReport } from './sonata-report.js';

/** A BlueConfig's compartment report, opened for colouring (report-location.ts finds its file). */
export async function openCompartmentReport(config: BlueConfig, name: string): Promise<ReportFrames> {
  const { path, format } = locateCompartmentReport(config, name);
  return format === 'bbp' ? openBbpReport(path) : openSonataReport(path, null);
}
