import { COLUMN_HEIGHT, COLUMN_WIDTH, type SampleCell } from './column.js';
import type { Prng} from './prng.js';
import { roundTo } from './prng.js';

/**
 * Synthetic spiking over `duration` ms, shaped to make a frame sequence worth watching:
 *   - background: Poisson firing everywhere (3 Hz excitatory, 8 Hz inhibitory);
 *   - a sensory volley (0–9 ms) taking the canonical cortical path: layer 4 at 0.2–1.2 ms, then
 *     layers 2/3, 5 and 6, so frame 0 (what a plain snapshot shows) already has a lit layer;
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
  /** Per layer: [first, last] ms of its volley spike and the probability a cell joins in. */
  volley: {
    4: { window: [0.2, 1.2], probability: 0.9 },
    2: { window: [2.5, 4.5], probability: 0.8 },
    3: { window: [2.5, 4.5], probability: 0.8 },
    5: { window: [5, 7], probability: 0.8 },
    6: { window: [7, 9], probability: 0.6 },
  } as Record<number, { window: [number, number]; probability: number } | undefined>,
  waveA: { start: 10, speed: 20 },
  waveB: { start: 45, speed: 60 },
  burst: { start: 80, interval: 1.5, volleys: 3, layer: 5 },
} as const;

export function generateSpikes(cells: SampleCell[], duration: number, rng: Prng): SpikeTrain {
  const spikes: { time: number; gid: number }[] = [];
  const add = (time: number, gid: number): void => {
    if (time >= 0 && time <= duration) spikes.push({ time: roundTo(time, 3), gid });
  };
  const { volley, waveA, waveB, burst } = ACTIVITY_EVENTS;
  for (const cell of cells) {
    const inhibitory = cell.mtype.synapseClass === 'INH';
    const rateHz = inhibitory ? 8 : 3;
    for (let t = -Math.log(1 - rng.next()) * (1000 / rateHz); t < duration; t += -Math.log(1 - rng.next()) * (1000 / rateHz)) {
      add(t, cell.gid);
    }
    const [x, y] = cell.position;
    const stimulus = volley[cell.layer];
    if (stimulus && rng.next() < stimulus.probability) add(rng.uniform(...stimulus.window), cell.gid);
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
