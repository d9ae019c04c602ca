import type { Problem } from './diagnostics.js';
import type { RawFrames } from './recipe-types.generated.js';
import { MS_PER_FRAME } from '../frame-time.js';

export { MS_PER_FRAME, frameTime } from '../frame-time.js';

/** Times closer than this to the 0.01 ms grid count as on it (binary fractions of 0.01 are inexact). */
const GRID_TOLERANCE = 1e-6;

function msToFrame(ms: number): number | undefined {
  const exact = ms / MS_PER_FRAME;
  const frame = Math.round(exact);
  return Math.abs(exact - frame) <= GRID_TOLERANCE * Math.max(1, frame) ? frame : undefined;
}

/** How many frames a schema-valid frames value expands to, without expanding it. */
export function frameCount(frames: RawFrames | undefined): number {
  if (frames === undefined || typeof frames === 'number') return 1;
  if (Array.isArray(frames)) return frames.length;
  if ('times_ms' in frames) return frames.times_ms.length;
  if ('start_ms' in frames) {
    const span = Math.round((frames.stop_ms - frames.start_ms) / MS_PER_FRAME);
    const step = Math.round(frames.step_ms / MS_PER_FRAME);
    return span < 0 || step <= 0 ? 0 : Math.floor(span / step) + 1;
  }
  const step = frames.step ?? 1;
  return frames.stop < frames.start ? 0 : Math.floor((frames.stop - frames.start) / step) + 1;
}

/** Order and time-grid problems of a schema-valid frames value (paths relative to `frames`). */
export function checkFrames(frames: RawFrames | undefined): Problem[] {
  if (frames === undefined || typeof frames === 'number') return [];
  const problems: Problem[] = [];
  const increasing = (values: readonly number[], key: (string | number)[], unit: string): void => {
    for (let i = 1; i < values.length; i++) {
      const previous = values[i - 1] ?? 0;
      const value = values[i] ?? 0;
      if (value > previous) continue;
      problems.push({
        code: 'FRAMES_ORDER',
        path: [...key, i],
        message: `frames must be strictly increasing: ${value}${unit} comes after ${previous}${unit}`,
        expected: `a value greater than ${previous}${unit}`,
        found: `${value}${unit}`,
        hint: value === previous ? 'remove the repeated value' : 'sort the list',
      });
    }
  };
  const onGrid = (ms: number, path: (string | number)[]): void => {
    if (msToFrame(ms) !== undefined) return;
    const below = Math.floor(ms / MS_PER_FRAME) / 100;
    problems.push({
      code: 'FRAMES_TIME_GRID',
      path,
      message: `time ${ms} ms is not a whole frame: Brayns reports advance ${MS_PER_FRAME} ms per frame`,
      expected: `a multiple of ${MS_PER_FRAME} ms`,
      found: `${ms} ms`,
      hint: `use ${below} or ${Math.round((below + MS_PER_FRAME) * 100) / 100}`,
    });
  };
  if (Array.isArray(frames)) {
    increasing(frames, [], '');
  } else if ('times_ms' in frames) {
    frames.times_ms.forEach((ms, i) => onGrid(ms, ['times_ms', i]));
    increasing(frames.times_ms, ['times_ms'], ' ms');
  } else if ('start_ms' in frames) {
    onGrid(frames.start_ms, ['start_ms']);
    onGrid(frames.stop_ms, ['stop_ms']);
    onGrid(frames.step_ms, ['step_ms']);
    if (frames.stop_ms < frames.start_ms) problems.push(rangeProblem('stop_ms', frames.stop_ms, frames.start_ms, ' ms'));
  } else if (frames.stop < frames.start) {
    problems.push(rangeProblem('stop', frames.stop, frames.start, ''));
  }
  return problems;
}

function rangeProblem(key: string, stop: number, start: number, unit: string): Problem {
  return {
    code: 'FRAMES_ORDER',
    path: [key],
    message: `the frame range ends (${stop}${unit}) before it starts (${start}${unit})`,
    expected: `\`${key}\` >= ${start}${unit}`,
    found: `${stop}${unit}`,
    hint: 'swap `start` and `stop`',
  };
}

/** The frames of a schema-valid, checked frames value, strictly increasing. */
export function expandFrames(frames: RawFrames | undefined): number[] {
  if (frames === undefined) return [0];
  if (typeof frames === 'number') return [frames];
  if (Array.isArray(frames)) return [...frames];
  if ('times_ms' in frames) return frames.times_ms.map((ms) => msToFrame(ms) ?? 0);
  const [start, stop, step] =
    'start_ms' in frames
      ? [msToFrame(frames.start_ms) ?? 0, msToFrame(frames.stop_ms) ?? 0, msToFrame(frames.step_ms) ?? 1]
      : [frames.start, frames.stop, frames.step ?? 1];
  const out: number[] = [];
  for (let frame = start; frame <= stop; frame += Math.max(1, step)) out.push(frame);
  return out;
}
