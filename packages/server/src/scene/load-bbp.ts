import { readBlueConfig } from './blueconfig.js';
import { readCircuitCells } from './cells/index.js';
import { CompartmentColoring } from './reports/compartment-colors.js';
import { openCompartmentReport } from './reports/bbp-report-source.js';
import { voltageRamp } from './reports/value-ramp.js';
import { buildMorphologies } from './morphology-hook.js';
import { selectGids } from './selection.js';
import { SpikeIndex } from './spike-index.js';
import { emptyCones, geometryBounds, placedCells, somaSpheres } from './sphere-geometry.js';
import { readSpikeReport } from './spikes/index.js';
import { loadTargets, type TargetRegistry } from './targets.js';
import type { BbpLoadRequest, LoadContext, LoadedCircuit, SimulationRange } from './types.js';

/** BBP spike reports are sampled every 0.01 ms (PROTOCOL §6.4). */
const SPIKE_DT = 0.01;

/** Progress operation names: R1/R2 name what is loading, R3 names loader stages. */
function operations(revision: BbpLoadRequest['revision']): { neurons: string; report: string } {
  return revision === 'R3' ? { neurons: 'Neuron load', report: 'Report load' } : { neurons: 'Loading neurons', report: 'Loading spikes' };
}

/**
 * The BBP loader: BlueConfig -> cells -> selection -> geometry (+ spike colours). Errors carry the
 * message the server sends; an aborted `ctx.signal` throws its reason between chunks of work.
 */
export async function loadBbpCircuit(req: BbpLoadRequest, ctx: LoadContext): Promise<LoadedCircuit> {
  const { signal } = ctx;
  const names = operations(req.revision);
  signal.throwIfAborted();
  const config = await readBlueConfig(req.path);
  const report = req.report.type === 'compartment' ? await openCompartmentReport(config, req.report.name) : null;

  ctx.onProgress(names.neurons, 0);
  const cells = await readCircuitCells(config, signal, (amount) => ctx.onProgress(names.neurons, amount * 0.5));
  signal.throwIfAborted();
  let registry: Promise<TargetRegistry> | null = null;
  const selected = await selectGids(
    {
      ...req,
      circuitTarget: config.circuitTarget,
      cellCount: cells.count,
      cellSource: cells.source,
      ...(report === null ? {} : { reportGids: new Set(report.gids()) }),
    },
    () => (registry ??= loadTargets(config)),
  );
  const gids = Uint32Array.from(selected);
  signal.throwIfAborted();

  const geometry = req.sphereMode
    ? { spheres: somaSpheres(cells, gids, req.radiusMultiplier), cones: emptyCones() }
    : await buildMorphologies(config, placedCells(cells, gids), {
        revision: req.revision,
        radiusMultiplier: req.radiusMultiplier,
        sections: req.sections,
        signal,
        onProgress: (amount) => ctx.onProgress(names.neurons, 0.5 + amount * 0.5),
      });
  ctx.onProgress(names.neurons, 1);

  let simulation: SimulationRange | null = null;
  let colorsAt: LoadedCircuit['colorsAt'] = () => null;
  if (req.report.type === 'spikes') {
    const transitionTime = req.report.transitionTime;
    ctx.onProgress(names.report, 0);
    const spikes = await readSpikeReport(config, signal, (amount) => ctx.onProgress(names.report, amount * 0.9));
    const index = new SpikeIndex(gids, spikes);
    ctx.onProgress(names.report, 1);
    simulation = { startTime: 0, endTime: index.endTime, dt: SPIKE_DT, unit: 'ms' };
    colorsAt = (time, ramp) => index.colorsAt(time, transitionTime, ramp?.table);
  }
  let colorCount: number | undefined;
  let slotCells: Uint32Array | undefined;
  if (report !== null) {
    const coloring = new CompartmentColoring(report, gids, geometry.spheres, geometry.cones, voltageRamp());
    simulation = { startTime: report.startTime, endTime: report.endTime, dt: report.dt, unit: 'ms' };
    colorsAt = (time, ramp) => coloring.colorsAt(time, ramp);
    colorCount = coloring.colorCount;
    slotCells = coloring.slotCells;
  }

  return {
    gids,
    bounds: geometryBounds(geometry.spheres, geometry.cones),
    spheres: geometry.spheres,
    cones: geometry.cones,
    targets: req.targets ?? [],
    simulation,
    colorsAt,
    ...(colorCount === undefined ? {} : { colorCount, slotCells }),
  };
}
