import { circuitError } from '../circuit-error.js';
import type { SonataNodePopulationSettings } from '../types.js';
import type { NodeSets } from './node-sets.js';
import type { NodeColumn } from './nodes.js';

/**
 * Which nodes of a population the SONATA loader keeps (Brayns 3.x `NodeSelector`): explicit
 * `node_ids` as given (no percentage); otherwise the union of `node_sets` (or every node) thinned
 * by `node_percentage`; then `node_count_limit` thins again. Ids are sorted, 0-based.
 */
export function selectNodes(
  settings: SonataNodePopulationSettings,
  count: number,
  nodeSets: NodeSets | null,
  attributes: Map<string, NodeColumn>,
  nodesFile: string,
): number[] {
  const population = settings.node_population;
  let ids: number[];
  if (settings.node_ids !== undefined && settings.node_ids.length > 0) {
    ids = [...new Set(settings.node_ids)].sort((a, b) => a - b);
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= count);
    if (bad !== undefined) {
      throw circuitError(`Node id ${bad} is out of range for population ${population} (${nodesFile} has ${count} nodes, ids 0 to ${count - 1})`);
    }
  } else {
    const sets = settings.node_sets ?? [];
    ids = sets.length > 0 && nodeSets !== null
      ? nodeSets.materialize(sets, population, count, attributes)
      : Array.from({ length: count }, (_, i) => i);
    ids = percentageFilter(ids, settings.node_percentage);
  }
  if (ids.length === 0) throw circuitError(`Empty node selection for ${population}`);
  const limit = settings.node_count_limit ?? 0;
  if (limit > 0 && ids.length > limit) ids = percentageFilter(ids, Math.fround(limit / ids.length));
  return ids;
}

/**
 * Keeps positions 0, k, 2k… with k = floor(N / (N·p)) (at least 1), in single precision as
 * Brayns' SONATA `PercentageFilter` computes it. Unlike the BBP loader it does not floor N·p first;
 * p = 0 makes k infinite, which keeps the first node only.
 */
export function percentageFilter(sorted: number[], percentage: number): number[] {
  if (percentage >= 1) return sorted;
  const size = Math.fround(sorted.length);
  const expected = Math.fround(size * Math.fround(percentage));
  const skip = expected === 0 ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(Math.fround(size / expected)));
  const kept: number[] = [];
  for (let i = 0; i < sorted.length; i += skip) kept.push(sorted[i] as number);
  return kept;
}
