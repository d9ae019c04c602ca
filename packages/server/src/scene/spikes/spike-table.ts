/** All spikes of a report: spike k is cell `gids[k]` (BBP GID, 1-based) firing at `times[k]` ms. */
export interface SpikeTable {
  source: string;
  times: Float64Array;
  gids: Uint32Array;
}
