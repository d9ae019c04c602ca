import { circuitError } from '../circuit-error.js';
import { buildMorphologyGeometry } from '../morphology/index.js';
import { SpikeIndex } from '../spike-index.js';
import { emptyCones, geometryBounds, placedCells, somaSpheres } from '../sphere-geometry.js';
import { readSonataSpikes } from '../spikes/sonata-spikes.js';
import { CompartmentColoring } from '../reports/compartment-colors.js';
import { openSonataReport } from '../reports/sonata-report.js';
import { voltageRamp } from '../reports/value-ramp.js';
import type { LoadContext, LoadedCircuit, SimulationRange, SonataLoadRequest, SonataNodePopulationSettings } from '../types.js';
import { readSonataConfig, type SonataConfig } from './config.js';
import { mergeCircuits } from './merge.js';
import { sonataMorphologyDir } from './morphology-dir.js';
import { NodeSets } from './node-sets.js';
import { readNodePopulation } from './nodes.js';
import { selectNodes } from './select.js';

/** SONATA spike frames are 0.01 ms apart too (Brayns `SonataSpikeData`). */
const SPIKE_DT = 0.01;

/**
 * The "SONATA loader" (R3): one model per entry of `node_population_settings`, in order, as
 * Brayns returns them. `path` is a circuit_config.json or a simulation_config.json.
 * `LoadedCircuit.gids` holds SONATA node ids (0-based).
 */
export async function loadSonataCircuits(req: SonataLoadRequest, ctx: LoadContext): Promise<LoadedCircuit[]> {
  if (req.node_population_settings.length === 0) throw circuitError('Input load parameters are empty');
  ctx.signal.throwIfAborted();
  const config = await readSonataConfig(req.path);
  const nodeSets = await NodeSets.load(config.nodeSetsFiles);
  for (const settings of req.node_population_settings) check(settings, config, nodeSets);
  const circuits: LoadedCircuit[] = [];
  const total = req.node_population_settings.length;
  for (const [i, settings] of req.node_population_settings.entries()) {
    const stage = `${settings.node_population} nodes load`;
    circuits.push(
      await loadPopulation(settings, config, nodeSets, {
        signal: ctx.signal,
        // Brayns' SONATA progress runs to 0.5 over its stages, then builds rendering structures.
        onProgress: (amount) => ctx.onProgress(stage, 0.5 * ((i + amount) / total)),
      }),
    );
  }
  ctx.onProgress('Generating rendering structures. Might take a while', 1);
  return circuits;
}

/** The same load as one model: a single population as it is, several merged into one. */
export async function loadSonataCircuit(req: SonataLoadRequest, ctx: LoadContext): Promise<LoadedCircuit> {
  return mergeCircuits(await loadSonataCircuits(req, ctx));
}

/** Model metadata of a loaded population, as Brayns 3.x sets it. */
export function sonataMetadata(settings: SonataNodePopulationSettings, circuit: LoadedCircuit): Record<string, string> {
  const metadata: Record<string, string> = {
    population_type: 'node',
    population_name: settings.node_population,
    loaded_neuron_count: String(circuit.gids.length),
  };
  if (settings.node_sets !== undefined && settings.node_sets.length > 0) metadata.node_sets = settings.node_sets.join(',');
  return metadata;
}

/** Brayns' `ParameterCheck`, with its messages, plus what the built-in server does not draw. */
function check(settings: SonataNodePopulationSettings, config: SonataConfig, nodeSets: NodeSets | null): void {
  const name = settings.node_population;
  if (!config.populations.has(name)) {
    throw circuitError(`Population ${name} does not exists (${config.circuitPath} has: ${[...config.populations.keys()].join(', ')})`);
  }
  for (const set of settings.node_sets ?? []) {
    if (nodeSets === null) throw circuitError(`No node sets in config (${config.path} names no node_sets_file)`);
    if (!nodeSets.has(set)) throw circuitError(`Invalid node set: '${set}' (not in ${config.nodeSetsFiles.join(', ')})`);
  }
  if (settings.report_type !== 'none' && settings.report_type !== 'spikes' && settings.report_type !== 'compartment') {
    throw circuitError(`Report type '${settings.report_type}' is not supported by the built-in server (population ${name}); use 'compartment', 'spikes' or 'none'`);
  }
  if (settings.report_type === 'compartment') compartmentReportPath(settings, config);
  if (settings.report_type === 'spikes' && config.spikesPath === null) {
    throw circuitError(`No simulation configuration available: spikes need a simulation_config.json, but ${config.path} is a circuit config`);
  }
  if ((settings.edge_populations ?? []).length > 0) {
    throw circuitError(`Edge populations (synapses) are not supported by the built-in server; remove 'edge_populations' for ${name}`);
  }
}

/** The report file of a compartment load (libsonata: the simulation config's `reports` entry). */
function compartmentReportPath(settings: SonataNodePopulationSettings, config: SonataConfig): string {
  const name = settings.report_name ?? '';
  if (name === '') throw circuitError(`A compartment report needs 'report_name' (population ${settings.node_population})`);
  if (config.spikesPath === null) {
    throw circuitError(`No simulation configuration available: compartment reports need a simulation_config.json, but ${config.path} is a circuit config`);
  }
  const path = config.reports.get(name);
  if (path === undefined) {
    throw circuitError(`The report '${name}' is not in the simulation config ${config.path} (it has: ${[...config.reports.keys()].join(', ') || 'no reports'})`);
  }
  return path;
}

async function loadPopulation(
  settings: SonataNodePopulationSettings,
  config: SonataConfig,
  nodeSets: NodeSets | null,
  ctx: { signal: AbortSignal; onProgress: (amount: number) => void },
): Promise<LoadedCircuit> {
  const population = config.populations.get(settings.node_population);
  if (population === undefined) throw circuitError(`Population ${settings.node_population} does not exists`);
  const morph = settings.neuron_morphology_parameters;
  const sections = { soma: morph.load_soma, axon: morph.load_axon, dendrites: morph.load_dendrites };
  const sphereMode = !sections.soma && !sections.axon && !sections.dendrites;
  const useSets = (settings.node_ids ?? []).length === 0 && (settings.node_sets ?? []).length > 0 && nodeSets !== null;
  const { cells, attributes } = await readNodePopulation(population, {
    morphology: !sphereMode,
    attributes: useSets && nodeSets ? nodeSets.attributesUsed(settings.node_sets ?? []) : [],
  });
  let ids = selectNodes(settings, cells.count, nodeSets, attributes, population.nodesFile);
  // A compartment report keeps only the selected nodes it has data for (Brayns' node selection).
  const report = settings.report_type === 'compartment' ? await openSonataReport(compartmentReportPath(settings, config), population.name) : null;
  if (report !== null) {
    const reported = new Set(report.gids());
    ids = ids.filter((id) => reported.has(id + 1));
    if (ids.length === 0) throw circuitError(`No selected node of population ${population.name} is in compartment report ${report.path}`);
  }
  ctx.signal.throwIfAborted();
  ctx.onProgress(0.2);

  // The shared cell table is indexed by 1-based GIDs: GID = node id + 1.
  const gids = Uint32Array.from(ids, (id) => id + 1);
  let geometry;
  if (sphereMode) {
    // R3 rule: every section off means one sphere per node, radius = radius_multiplier.
    geometry = { spheres: somaSpheres(cells, gids, morph.radius_multiplier), cones: emptyCones() };
  } else {
    const { dir, type } = await sonataMorphologyDir(population, config.circuitPath);
    geometry = await buildMorphologyGeometry(placedCells(cells, gids), {
      revision: 'R3',
      morphologyDir: dir,
      morphologyType: type,
      radiusMultiplier: morph.radius_multiplier,
      sections,
      geometryType: morph.geometry_type ?? 'smooth',
      signal: ctx.signal,
      onProgress: (amount) => ctx.onProgress(0.2 + 0.7 * amount),
    });
  }

  let simulation: SimulationRange | null = null;
  let colorsAt: LoadedCircuit['colorsAt'] = () => null;
  if (settings.report_type === 'spikes' && config.spikesPath !== null) {
    const spikes = await readSonataSpikes(config.spikesPath, population.name);
    const index = new SpikeIndex(gids, spikes);
    const startTime = spikes.times.length > 0 ? spikes.times.reduce((a, b) => Math.min(a, b)) : 0;
    simulation = { startTime, endTime: index.endTime, dt: SPIKE_DT, unit: '' };
    const transitionTime = settings.spike_transition_time;
    colorsAt = (time, ramp) => index.colorsAt(time, transitionTime, ramp?.table);
  }
  let colorCount: number | undefined;
  let slotCells: Uint32Array | undefined;
  if (report !== null) {
    const coloring = new CompartmentColoring(report, gids, geometry.spheres, geometry.cones, voltageRamp());
    simulation = { startTime: report.startTime, endTime: report.endTime, dt: report.dt, unit: report.unit === '' ? '' : 'ms' };
    colorsAt = (time, ramp) => coloring.colorsAt(time, ramp);
    colorCount = coloring.colorCount;
    slotCells = coloring.slotCells;
  }
  ctx.onProgress(1);
  return {
    gids: Uint32Array.from(ids),
    bounds: geometryBounds(geometry.spheres, geometry.cones),
    spheres: geometry.spheres,
    cones: geometry.cones,
    targets: settings.node_sets ?? [],
    simulation,
    colorsAt,
    ...(colorCount === undefined ? {} : { colorCount, slotCells }),
  };
}
