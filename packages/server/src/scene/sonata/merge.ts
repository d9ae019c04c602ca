import type { Bounds } from '@render-recipes/protocol';
import { cellOfSlot, type ConeGeometry, type LoadedCircuit, type SimulationRange, type SphereGeometry } from '../types.js';

/**
 * Several population models as one: cells concatenated in order, each primitive's cell index
 * shifted by the cells before it, colours concatenated, simulation ranges and bounds united.
 */
export function mergeCircuits(circuits: LoadedCircuit[]): LoadedCircuit {
  if (circuits.length === 1) return circuits[0] as LoadedCircuit;
  const offsets: number[] = [];
  let cellCount = 0;
  for (const circuit of circuits) {
    offsets.push(cellCount);
    cellCount += circuit.colorCount ?? circuit.gids.length;
  }
  const gids = new Uint32Array(circuits.reduce((sum, c) => sum + c.gids.length, 0));
  let gidAt = 0;
  for (const c of circuits) {
    gids.set(c.gids, gidAt);
    gidAt += c.gids.length;
  }
  const spheres = concatSpheres(circuits.map((c) => c.spheres), offsets);
  const cones = concatCones(circuits.map((c) => c.cones), offsets);
  const ranges = circuits.flatMap((c) => (c.simulation ? [c.simulation] : []));
  const simulation: SimulationRange | null =
    ranges.length === 0
      ? null
      : {
          startTime: Math.min(...ranges.map((r) => r.startTime)),
          endTime: Math.max(...ranges.map((r) => r.endTime)),
          dt: Math.min(...ranges.map((r) => r.dt)),
          unit: ranges[0]?.unit ?? '',
        };
  return {
    gids,
    bounds: unite(circuits.map((c) => c.bounds)),
    spheres,
    cones,
    targets: [...new Set(circuits.flatMap((c) => c.targets))],
    simulation,
    colorsAt(time, ramp) {
      if (simulation === null) return null;
      const colors = new Float32Array(4 * cellCount);
      // A population without a report keeps the resting colour (entry 0 of the table; black by default).
      const resting = ramp ? ramp.table.subarray(0, 4) : Float32Array.of(0, 0, 0, 1);
      circuits.forEach((c, i) => {
        const own = c.colorsAt(time, ramp) ?? new Float32Array(4 * (c.colorCount ?? c.gids.length)).map((_, k) => resting[k % 4] ?? 1);
        colors.set(own, 4 * (offsets[i] as number));
      });
      return colors;
    },
    ...(cellCount === gids.length ? {} : { colorCount: cellCount, slotCells: mergedSlotCells(circuits, cellCount) }),
  };
}

/** Each merged colour slot's cell, shifted by the cells of the populations before it. */
function mergedSlotCells(circuits: LoadedCircuit[], slotCount: number): Uint32Array {
  const out = new Uint32Array(slotCount);
  let slot = 0;
  let cells = 0;
  for (const c of circuits) {
    const slots = c.colorCount ?? c.gids.length;
    for (let s = 0; s < slots; s++) out[slot++] = cells + cellOfSlot(c, s);
    cells += c.gids.length;
  }
  return out;
}

function concatSpheres(parts: SphereGeometry[], offsets: number[]): SphereGeometry {
  const n = parts.reduce((sum, p) => sum + p.radii.length, 0);
  const out: SphereGeometry = { centers: new Float32Array(3 * n), radii: new Float32Array(n), cell: new Uint32Array(n) };
  let at = 0;
  parts.forEach((p, i) => {
    out.centers.set(p.centers, 3 * at);
    out.radii.set(p.radii, at);
    out.cell.set(p.cell.map((c) => c + (offsets[i] as number)), at);
    at += p.radii.length;
  });
  return out;
}

function concatCones(parts: ConeGeometry[], offsets: number[]): ConeGeometry {
  const n = parts.reduce((sum, p) => sum + p.cell.length, 0);
  const out: ConeGeometry = { ends: new Float32Array(6 * n), radii: new Float32Array(2 * n), cell: new Uint32Array(n) };
  let at = 0;
  parts.forEach((p, i) => {
    out.ends.set(p.ends, 6 * at);
    out.radii.set(p.radii, 2 * at);
    out.cell.set(p.cell.map((c) => c + (offsets[i] as number)), at);
    at += p.cell.length;
  });
  return out;
}

function unite(bounds: Bounds[]): Bounds {
  const nonEmpty = bounds.filter((b) => b.min.some((v, a) => v !== 0 || b.max[a] !== 0));
  if (nonEmpty.length === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
  const pick = (f: (...v: number[]) => number, key: 'min' | 'max', a: number): number => f(...nonEmpty.map((b) => b[key][a] as number));
  return {
    min: [pick(Math.min, 'min', 0), pick(Math.min, 'min', 1), pick(Math.min, 'min', 2)],
    max: [pick(Math.max, 'max', 0), pick(Math.max, 'max', 1), pick(Math.max, 'max', 2)],
  };
}
