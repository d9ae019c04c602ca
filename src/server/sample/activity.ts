import { COLUMN_HEIGHT, COLUMN_WIDTH, type SampleCell } from './column.js';
import type { Prng} from './prng.js';
import { roundTo } from './prng.js';

/**
 * Synthetic spiking over `duration` ms, shaped to make a frame sequence worth watching:
 *   - background: Poisson firing everywhere (3 Hz excitatory, 8 Hz inhibitory);
 *   - wave A (10–35 ms): a front sweeping the column along +X at 20 µm/ms;
 *   - wave B (45–70 ms): a front climbing from layer 6 to layer 1 at 60 µm/ms;
 *   - burst (80–84 ms): layer 5 fires three synchronous volleys;
 *   - then only background until the end.
 * Times are rounded to 1 µs so out.dat and out.h5 hold the same numbers.
 */

export interface SpikeTrain {
  times: number[];
  gids: number[];
}

export const ACTIVITY_EVENTS = {
  waveA: { start: 10, speed: 20 },
  waveB: { start: 45, speed: 60 },
  burst: { start: 80, interval: 1.5, volleys: 3, layer: 5 },
} as const;

export function generateSpikes(cells: SampleCell[], duration: number, rng: Prng): SpikeTrain {
  const spikes: { time: number; gid: number }[] = [];
  const add = (time: number, gid: number): void => {
    if (time >= 0 && time <= duration) spikes.push({ time: roundTo(time, 3), gid });
  };
  const { waveA, waveB, burst } = ACTIVITY_EVENTS;
  for (const cell of cells) {
    const inhibitory = cell.mtype.synapseClass === 'INH';
    const rateHz = inhibitory ? 8 : 3;
    for (let t = -Math.log(1 - rng.next()) * (1000 / rateHz); t < duration; t += -Math.log(1 - rng.next()) * (1000 / rateHz)) {
      add(t, cell.gid);
    }
    const [x, y] = cell.position;
    if (rng.next() < (inhibitory ? 0.95 : 0.85)) {
      add(waveA.start + (x / COLUMN_WIDTH) * (COLUMN_WIDTH / waveA.speed) + 0.4 * rng.normal(), cell.gid);
    }
    if (rng.next() < 0.8) {
      add(waveB.start + (y / COLUMN_HEIGHT) * (COLUMN_HEIGHT / waveB.speed) + 0.4 * rng.normal(), cell.gid);
    }
    if (cell.layer === burst.layer) {
      for (let k = 0; k < burst.volleys; k++) {
        if (rng.next() < 0.9) add(burst.start + k * burst.interval + 0.2 * rng.normal(), cell.gid);
      }
    }
  }
  spikes.sort((a, b) => a.time - b.time || a.gid - b.gid);
  return { times: spikes.map((s) => s.time), gids: spikes.map((s) => s.gid) };
}
