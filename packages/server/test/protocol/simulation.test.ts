import { describe, expect, it } from 'vitest';
import { r1Persona } from '../../src/personas/r1.js';
import { r3Persona } from '../../src/personas/r3.js';
import type { SceneModel } from '../../src/state/scene.js';
import { defaultSimulation, nextUp, rescanSimulation } from '../../src/state/simulation.js';
import type { LoadedCircuit, SimulationRange } from '../../src/scene/types.js';

/** The simulation range scan and frame -> time rules of PROTOCOL §4.11. */

function modelWith(simulation: SimulationRange | null): SceneModel {
  return { circuit: { simulation } as LoadedCircuit } as SceneModel;
}

const spikes = (startTime: number, endTime: number): SimulationRange => ({ startTime, endTime, dt: 0.01, unit: 'ms' });

describe('simulation range', () => {
  it('nextUp is the next double above', () => {
    expect(nextUp(1)).toBe(1 + Number.EPSILON);
    expect(nextUp(0.01)).toBeGreaterThan(0.01);
    expect(nextUp(-1)).toBeGreaterThan(-1);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
  });

  it("takes the earliest start, the latest end and the smallest dt, counting frames with dt' = nextafter(dt)", () => {
    const state = defaultSimulation();
    state.current = 50_000;
    rescanSimulation(state, [modelWith(spikes(0, 50)), modelWith(null), modelWith({ ...spikes(0, 100), dt: 0.1 })]);
    expect(state.startFrame).toBe(0);
    // 100 / nextafter(0.01) falls just short of 10000.
    expect(state.endFrame).toBe(9999);
    expect(state.dt).toBe(0.01);
    expect(state.current).toBe(9999);
    rescanSimulation(state, []);
    expect([state.startFrame, state.endFrame, state.current]).toEqual([0, 0, 0]);
  });

  it('maps frames to time per revision: R1 from the start, clamped; R3 frame * dt', async () => {
    const r1 = (await r1Persona()).simulation;
    const r3 = (await r3Persona()).simulation;
    const range = spikes(2, 10);
    expect(r1.frameToTime(100, range)).toBeCloseTo(3, 9);
    expect(r1.frameToTime(100_000, range)).toBe(10);
    expect(r3.frameToTime(100, range)).toBeCloseTo(1, 9);
    expect(r3.frameToTime(100_000, range)).toBeCloseTo(1000, 6);
  });
});
