import { setTimeout as sleep } from 'node:timers/promises';
import type { PreparedLoad } from '../personas/types.js';
import type { LoadContext, LoadedCircuit } from '../scene/types.js';

/**
 * Latency simulation (`serve --latency-sim`): the orchestration benchmark needs a server whose
 * loads take a known time and cost no CPU. The source file is still read so bad inputs fail as
 * usual; then the load sleeps exactly `loadMs` (cancellable) and yields empty models (as many as the
 * real load would create) with fixed bounds.
 */
export const LATENCY_BOUNDS = { min: [0, 0, 0], max: [100, 100, 100] } as const;

export async function simulatedLoad(prepared: PreparedLoad, ctx: LoadContext, loadMs: number): Promise<LoadedCircuit[]> {
  await prepared.checkSource();
  ctx.onProgress('Loading neurons', 0);
  await sleep(loadMs, undefined, { signal: ctx.signal });
  ctx.onProgress('Loading neurons', 1);
  const empty = new Float32Array(0);
  const circuit = (): LoadedCircuit => ({
    gids: new Uint32Array(0),
    bounds: { min: [...LATENCY_BOUNDS.min], max: [...LATENCY_BOUNDS.max] },
    spheres: { centers: empty, radii: empty, cell: new Uint32Array(0) },
    cones: { ends: empty, radii: empty, cell: new Uint32Array(0) },
    targets: [],
    simulation: null,
    colorsAt: () => null,
  });
  return Array.from({ length: prepared.modelCount }, circuit);
}
