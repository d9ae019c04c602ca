import type { Revision } from '@render-recipes/protocol';
import { circuitError } from './circuit-error.js';
import type { TargetRegistry } from './targets.js';

/**
 * Which cells a BBP load keeps (PROTOCOL §6.2): gids, else the union of targets, else the config's
 * CircuitTarget, else every cell; cut to the cells of a compartment report when there is one; then
 * a deterministic stride by `percentage` over the sorted set.
 */

export interface SelectionInput {
  revision: Revision;
  gids: number[] | null;
  targets: string[] | null;
  percentage: number;
  circuitTarget: string | null;
  cellCount: number;
  /** File the cells came from, named in range errors. */
  cellSource: string;
  /** With a compartment report: the GIDs it has data for; the base set is cut to them before sampling. */
  reportGids?: Set<number>;
}

/** Drops the `population:` prefix BBP target names may carry. */
function targetName(target: string): string {
  return target.slice(target.indexOf(':') + 1);
}

function sortedUnique(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function baseSet(input: SelectionInput, targets: () => Promise<TargetRegistry>): Promise<number[]> | number[] {
  // R1 reads an empty list as "not given"; R2/R3 reject empty lists before the loader runs.
  const gids = input.gids !== null && input.gids.length > 0 ? input.gids : null;
  const names = input.targets !== null && input.targets.length > 0 ? input.targets : null;
  if (gids) return sortedUnique(gids);
  const wanted = names ?? (input.circuitTarget !== null ? [input.circuitTarget] : null);
  if (!wanted) return Array.from({ length: input.cellCount }, (_, i) => i + 1);
  return targets().then((registry) => sortedUnique(wanted.flatMap((name) => registry.resolve(targetName(name)))));
}

/**
 * Keeps sorted positions 0, step, 2·step… with expected = floor(N·p) and step = floor(N / expected),
 * in single precision as Brayns computes them (its percentage is a float).
 */
export function strideSample(sorted: number[], percentage: number): number[] {
  if (percentage >= 1) return sorted;
  const n = Math.fround(sorted.length);
  const expected = Math.floor(Math.fround(n * Math.fround(percentage)));
  // expected = 0 divides by zero in Brayns (undefined); keeping only the first cell never crashes.
  const step = expected === 0 ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(Math.fround(n / Math.fround(expected))));
  const kept: number[] = [];
  for (let i = 0; i < sorted.length; i += step) kept.push(sorted[i] ?? 0);
  return kept;
}

export async function selectGids(input: SelectionInput, targets: () => Promise<TargetRegistry>): Promise<number[]> {
  let base = await baseSet(input, targets);
  for (const gid of base) {
    if (!Number.isInteger(gid) || gid < 1 || gid > input.cellCount) {
      throw circuitError(
        `Cell GID out of range: ${gid} (the circuit ${input.cellSource} has ${input.cellCount} cells, GIDs 1 to ${input.cellCount})`,
      );
    }
  }
  const reported = input.reportGids;
  if (reported !== undefined) base = base.filter((gid) => reported.has(gid));
  const explicitGids = input.gids !== null && input.gids.length > 0;
  const sample = input.revision === 'R1' || !explicitGids;
  const selected = sample ? strideSample(base, input.percentage) : base;
  if (selected.length === 0) {
    throw circuitError(input.revision === 'R1' ? 'No GIDs were selected with the input parameters' : 'Empty list of GIDs computed');
  }
  return selected;
}
