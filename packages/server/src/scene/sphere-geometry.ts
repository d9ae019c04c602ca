import type { Bounds } from '@render-recipes/protocol';
import type { CellTable } from './cells/cell-table.js';
import type { ConeGeometry, PlacedCell, SphereGeometry } from './types.js';

/** One sphere per selected cell at its soma position, radius = radius_multiplier (PROTOCOL §6.3). */
export function somaSpheres(cells: CellTable, gids: Uint32Array, radius: number): SphereGeometry {
  const centers = new Float32Array(gids.length * 3);
  const cell = new Uint32Array(gids.length);
  gids.forEach((gid, index) => {
    const row = (gid - 1) * 3;
    centers[index * 3] = cells.positions[row] ?? 0;
    centers[index * 3 + 1] = cells.positions[row + 1] ?? 0;
    centers[index * 3 + 2] = cells.positions[row + 2] ?? 0;
    cell[index] = index;
  });
  return { centers, radii: new Float32Array(gids.length).fill(radius), cell };
}

export function emptyCones(): ConeGeometry {
  return { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
}

export function placedCells(cells: CellTable, gids: Uint32Array): PlacedCell[] {
  return Array.from(gids, (gid, index) => {
    const p = (gid - 1) * 3;
    const q = (gid - 1) * 4;
    const at = (array: Float64Array, i: number): number => array[i] ?? 0;
    return {
      index,
      position: [at(cells.positions, p), at(cells.positions, p + 1), at(cells.positions, p + 2)],
      rotation: [at(cells.rotations, q), at(cells.rotations, q + 1), at(cells.rotations, q + 2), at(cells.rotations, q + 3)],
      morphology: cells.morphologies[gid - 1] ?? '',
    };
  });
}

/** Axis-aligned box around all geometry; a model without geometry reports zeros like Brayns. */
export function geometryBounds(spheres: SphereGeometry, cones: ConeGeometry): Bounds {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  const grow = (x: number, y: number, z: number, r: number): void => {
    const p = [x, y, z];
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a] ?? 0, (p[a] ?? 0) - r);
      max[a] = Math.max(max[a] ?? 0, (p[a] ?? 0) + r);
    }
  };
  for (let i = 0; i < spheres.radii.length; i++) {
    grow(spheres.centers[i * 3] ?? 0, spheres.centers[i * 3 + 1] ?? 0, spheres.centers[i * 3 + 2] ?? 0, spheres.radii[i] ?? 0);
  }
  for (let i = 0; i * 2 < cones.radii.length; i++) {
    for (let end = 0; end < 2; end++) {
      const o = i * 6 + end * 3;
      grow(cones.ends[o] ?? 0, cones.ends[o + 1] ?? 0, cones.ends[o + 2] ?? 0, cones.radii[i * 2 + end] ?? 0);
    }
  }
  if (min[0] === Infinity) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min: [min[0] ?? 0, min[1] ?? 0, min[2] ?? 0], max: [max[0] ?? 0, max[1] ?? 0, max[2] ?? 0] };
}
