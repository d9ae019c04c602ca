// @render-recipes/server/circuit: the circuit file readers alone (no server, no renderer), for
// checking what a recipe names before anything is started. They read headers and names: a cell
// file's count, target and node set names, a report's time span.
export { readBlueConfig, type BlueConfig } from './scene/blueconfig.js';
export { locateCellFile } from './scene/cells/index.js';
export { countCells, nodePopulationSizes } from './scene/cells/count.js';
export { targetNames } from './scene/target-names.js';
export { readSonataConfig, type SonataConfig, type SonataPopulation } from './scene/sonata/config.js';
export { NodeSets } from './scene/sonata/node-sets.js';
export { sonataMorphologyDir } from './scene/sonata/morphology-dir.js';
export { locateSpikeReport } from './scene/spikes/index.js';
export { spikeTimeRange, type SpikeTimeRange } from './scene/spikes/time-range.js';
export { isRenderRecipesError } from '@render-recipes/protocol';
export { compartmentReportSpan, readSonataReportSpan, type ReportSpan } from './scene/reports/report-span.js';
