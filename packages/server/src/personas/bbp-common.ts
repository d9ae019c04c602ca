import { internalError } from '../protocol/errors.js';
import type { LoadedCircuit } from '../scene/types.js';

/** BBP loader rules shared by R2 and R3. */

/** `gids`/`targets`: absent = not given; an empty list is an error (GIDLoader@R2,R3). */
export function rejectEmptyList<T>(values: T[] | undefined, what: 'GIDs' | 'targets'): T[] | null {
  if (values === undefined) return null;
  if (values.length === 0) throw internalError(`Cannot specify an empty list of ${what}`);
  return values;
}

/** `loaded_neuron_count`, plus `targets` only when the client asked for targets. */
export function metadataV3(circuit: LoadedCircuit, targets: string[] | null): Record<string, string> {
  const out: Record<string, string> = { loaded_neuron_count: String(circuit.gids.length) };
  if (targets !== null) out['targets'] = (circuit.targets.length > 0 ? circuit.targets : targets).join(',');
  return out;
}
