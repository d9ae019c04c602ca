import type { SceneModel } from './scene.js';

/** Global simulation parameters, as `get-simulation-parameters` reports them. */
export interface SimulationState {
  startFrame: number;
  endFrame: number;
  current: number;
  /** ms per frame. */
  dt: number;
  unit: string;
}

export const defaultSimulation = (): SimulationState => ({ startFrame: 0, endFrame: 0, current: 0, dt: 0.01, unit: 'ms' });

/** The next double above x (C++ `nextafter(x, +inf)`), which Brayns uses to keep frame maths stable. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, x);
  const bits = buffer.getBigUint64(0);
  buffer.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return buffer.getFloat64(0);
}

/**
 * Recomputes the global range after models were added or removed (Brayns `SimulationScanner`):
 * earliest start, latest end and smallest dt over the models that carry a simulation, frames
 * counted with dt' = nextafter(dt), `current` clamped into the range.
 */
export function rescanSimulation(state: SimulationState, models: readonly SceneModel[]): void {
  const ranges = models.flatMap((m) => (m.circuit?.simulation ? [m.circuit.simulation] : []));
  if (ranges.length === 0) {
    state.startFrame = 0;
    state.endFrame = 0;
    state.current = 0;
    return;
  }
  const start = Math.min(...ranges.map((r) => r.startTime));
  const end = Math.max(...ranges.map((r) => r.endTime));
  const dt = Math.min(...ranges.map((r) => r.dt));
  const step = nextUp(dt);
  state.dt = dt;
  state.unit = ranges[0]?.unit ?? 'ms';
  state.startFrame = Math.floor(start / step);
  state.endFrame = Math.floor(end / step);
  state.current = Math.min(Math.max(state.current, state.startFrame), state.endFrame);
}
