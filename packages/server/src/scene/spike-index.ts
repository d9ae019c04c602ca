import type { SpikeTable } from './spikes/spike-table.js';
import { spikeColorTable } from './spike-colormap.js';

/**
 * Spike times grouped per loaded cell and sorted, so the colour of every cell at any time costs one
 * binary search per cell (thousands of cells × hundreds of thousands of spikes stay interactive).
 */
export class SpikeIndex {
  /** Cell i's spikes are times[offsets[i] .. offsets[i+1]), ascending. */
  private readonly offsets: Uint32Array;
  private readonly times: Float64Array;
  readonly endTime: number;

  constructor(cellGids: Uint32Array, spikes: SpikeTable) {
    const cellCount = cellGids.length;
    let maxGid = 0;
    for (const gid of cellGids) maxGid = Math.max(maxGid, gid);
    const cellOfGid = new Int32Array(maxGid + 1).fill(-1);
    cellGids.forEach((gid, cell) => (cellOfGid[gid] = cell));

    const counts = new Uint32Array(cellCount + 1);
    let endTime = 0;
    for (let k = 0; k < spikes.gids.length; k++) {
      const time = spikes.times[k] ?? 0;
      endTime = Math.max(endTime, time);
      const cell = cellOfGid[spikes.gids[k] ?? 0] ?? -1;
      if (cell >= 0) counts[cell + 1]! += 1;
    }
    // The report's end time covers every cell of the report, loaded or not.
    this.endTime = endTime;
    for (let i = 0; i < cellCount; i++) counts[i + 1]! += counts[i]!;
    this.offsets = counts;
    this.times = new Float64Array(counts[cellCount] ?? 0);
    const cursor = counts.slice(0, cellCount);
    for (let k = 0; k < spikes.gids.length; k++) {
      const cell = cellOfGid[spikes.gids[k] ?? 0] ?? -1;
      if (cell >= 0) this.times[cursor[cell]!++] = spikes.times[k] ?? 0;
    }
    for (let i = 0; i < cellCount; i++) this.times.subarray(this.offsets[i], this.offsets[i + 1]).sort();
  }

  get cellCount(): number {
    return this.offsets.length - 1;
  }

  /**
   * Spike intensity of a cell at `time`: the latest spike in [time − T, time + T] gives
   * 1 − |spike − time| / T; no spike in the window gives 0.
   */
  intensity(cell: number, time: number, transitionTime: number): number {
    const begin = this.offsets[cell] ?? 0;
    const end = this.offsets[cell + 1] ?? 0;
    // Last index with times[index] <= time + T.
    let lo = begin;
    let hi = end;
    const limit = time + transitionTime;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? 0) <= limit) lo = mid + 1;
      else hi = mid;
    }
    if (lo === begin) return 0;
    const spike = this.times[lo - 1] ?? 0;
    if (spike < time - transitionTime) return 0;
    if (transitionTime <= 0) return 1;
    return Math.min(1, Math.max(0, 1 - Math.abs(spike - time) / transitionTime));
  }

  /** RGBA per cell: table entry uint8(intensity · 255). */
  colorsAt(time: number, transitionTime: number): Float32Array {
    const table = spikeColorTable();
    const colors = new Float32Array(this.cellCount * 4);
    for (let cell = 0; cell < this.cellCount; cell++) {
      const index = Math.floor(this.intensity(cell, time, transitionTime) * 255) * 4;
      colors[cell * 4] = table[index] ?? 0;
      colors[cell * 4 + 1] = table[index + 1] ?? 0;
      colors[cell * 4 + 2] = table[index + 2] ?? 0;
      colors[cell * 4 + 3] = table[index + 3] ?? 1;
    }
    return colors;
  }
}
