import type { Vec3 } from '@render-recipes/protocol';
import { geometryBounds } from '../sphere-geometry.js';
import type { LoadedCircuit } from '../types.js';

/**
 * Brayns' core geometry (`add-spheres`, `add-capsules`) as a model the renderer draws: one
 * "cell" per primitive, so each primitive keeps its own colour (Brayns' per-primitive colour list).
 */

export interface Sphere {
  center: Vec3;
  radius: number;
}

/** Brayns' capsule: a cone from p0 (radius r0) to p1 (radius r1) closed by a sphere at each end. */
export interface Capsule {
  p0: Vec3;
  r0: number;
  p1: Vec3;
  r1: number;
}

function model(spheres: LoadedCircuit['spheres'], cones: LoadedCircuit['cones'], count: number): LoadedCircuit {
  return {
    gids: Uint32Array.from({ length: count }, (_, i) => i),
    bounds: geometryBounds(spheres, cones),
    spheres,
    cones,
    targets: [],
    simulation: null,
    colorsAt: () => null,
  };
}

export function sphereModel(list: readonly Sphere[]): LoadedCircuit {
  const centers = new Float32Array(list.length * 3);
  const radii = new Float32Array(list.length);
  list.forEach((s, i) => {
    centers.set(s.center, i * 3);
    radii[i] = s.radius;
  });
  const cell = Uint32Array.from({ length: list.length }, (_, i) => i);
  const none = { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
  return model({ centers, radii, cell }, none, list.length);
}

/** Our cone primitive is already drawn with a sphere at each end, which is exactly a capsule. */
export function capsuleModel(list: readonly Capsule[]): LoadedCircuit {
  const ends = new Float32Array(list.length * 6);
  const radii = new Float32Array(list.length * 2);
  list.forEach((c, i) => {
    ends.set(c.p0, i * 6);
    ends.set(c.p1, i * 6 + 3);
    radii[i * 2] = c.r0;
    radii[i * 2 + 1] = c.r1;
  });
  const cell = Uint32Array.from({ length: list.length }, (_, i) => i);
  const none = { centers: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
  return model(none, { ends, radii, cell }, list.length);
}
