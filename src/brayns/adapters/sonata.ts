import { RenderRecipesError } from '../../errors.js';
import type { CircuitSpec } from '../../plan/index.js';
import type { Call } from './adapter.js';
import { SONATA_LOADER, nonEmpty, reportProperties, sections } from './common.js';

/**
 * The R3 "SONATA loader" request. SONATA loads per node population, which a CircuitSpec names in
 * its targets: `population` loads that population (at `density`), `population:node_set` a node set
 * of it (the `population:target` form BlueConfig's CircuitTarget uses). Explicit gids need exactly
 * one population.
 */
export function sonataLoadCall(circuit: CircuitSpec): Call {
  const byPopulation = new Map<string, string[]>();
  for (const target of nonEmpty(circuit.targets) ?? []) {
    const [population = '', nodeSet] = splitTarget(target);
    const sets = byPopulation.get(population) ?? [];
    if (nodeSet !== undefined) sets.push(nodeSet);
    byPopulation.set(population, sets);
  }
  if (byPopulation.size === 0) {
    throw new RenderRecipesError('USAGE', `SONATA circuit ${circuit.path}: no node population given`, {
      hint: 'set the circuit targets to the population to load, e.g. [All] or [All:Mosaic] (population:node_set)',
    });
  }
  const gids = nonEmpty(circuit.gids);
  if (gids && byPopulation.size !== 1) {
    throw new RenderRecipesError('USAGE', `SONATA circuit ${circuit.path}: explicit node ids need exactly one population in targets, got ${byPopulation.size}`);
  }
  const m = sections(circuit);
  const settings = [...byPopulation].map(([population, nodeSets]) => ({
    node_population: population,
    ...(gids ? { node_ids: gids } : { node_percentage: circuit.density }),
    ...(nodeSets.length > 0 && !gids ? { node_sets: nodeSets } : {}),
    ...reportProperties(circuit),
    // Every section off = one sphere per soma, as in the R3 BBP loader.
    neuron_morphology_parameters: {
      radius_multiplier: circuit.radiusMultiplier,
      load_soma: m ? m.soma : false,
      load_axon: m ? m.axon : false,
      load_dendrites: m ? m.dendrites : false,
    },
  }));
  return { method: 'add-model', params: { path: circuit.path, loader_name: SONATA_LOADER, loader_properties: { node_population_settings: settings } } };
}

function splitTarget(target: string): [string, string | undefined] {
  const colon = target.indexOf(':');
  return colon < 0 ? [target, undefined] : [target.slice(0, colon), target.slice(colon + 1)];
}
