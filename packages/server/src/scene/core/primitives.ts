import type { Bounds, Vec3 } from '@render-recipes/protocol';
import { geometryBounds } from '../sphere-geometry.js';
import { SHAPE_BOUNDED_PLANE, SHAPE_BOX, SHAPE_PLANE, type LoadedCircuit, type ShapeGeometry } from '../types.js';

/**
 * Brayns' core geometry (`add-spheres`, `add-capsules`, `add-boxes`, `add-planes`, `add-bounded-planes`) as a model the renderer draws: one
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

/**
 * Arrays in shared memory: the renderer's workers read them in place when they build the model's
 * BVH, instead of a copy per build (20 bytes per sphere).
 */
function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, length) * 4), 0, length);
}

/** 0 .. count - 1, shared: a core model's cell per primitive, which is also its list of ids. */
function identity(count: number): Uint32Array {
  const ids = new Uint32Array(new SharedArrayBuffer(Math.max(1, count) * 4), 0, count);
  for (let i = 0; i < count; i++) ids[i] = i;
  return ids;
}

/** `ids`: the model's ids, one per primitive (0 .. n - 1), shared with the geometry's `cell`. */
function model(spheres: LoadedCircuit['spheres'], cones: LoadedCircuit['cones'], ids: Uint32Array): LoadedCircuit {
  return {
    gids: ids,
    bounds: geometryBounds(spheres, cones),
    spheres,
    cones,
    targets: [],
    simulation: null,
    colorsAt: () => null,
  };
}

export function sphereModel(list: readonly Sphere[]): LoadedCircuit {
  const centers = sharedFloats(list.length * 3);
  const radii = sharedFloats(list.length);
  list.forEach((s, i) => {
    centers.set(s.center, i * 3);
    radii[i] = s.radius;
  });
  const cell = identity(list.length);
  const none = { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
  return model({ centers, radii, cell }, none, cell);
}

/** Our cone primitive is already drawn with a sphere at each end, which is exactly a capsule. */
export function capsuleModel(list: readonly Capsule[]): LoadedCircuit {
  const ends = sharedFloats(list.length * 6);
  const radii = sharedFloats(list.length * 2);
  list.forEach((c, i) => {
    ends.set(c.p0, i * 6);
    ends.set(c.p1, i * 6 + 3);
    radii[i * 2] = c.r0;
    radii[i * 2 + 1] = c.r1;
  });
  const cell = identity(list.length);
  const none = { centers: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
  return model(none, { ends, radii, cell }, cell);
}

/** Brayns' box: an axis-aligned box in model space. */
export interface Box {
  min: Vec3;
  max: Vec3;
}

/** Brayns' plane: ax + by + cz + d = 0, infinite. */
export interface Plane {
  coefficients: [number, number, number, number];
}

/** A plane drawn only inside an axis-aligned box. */
export interface BoundedPlane extends Plane {
  bounds: Box;
}

/** Brayns' empty bounds (Bounds() in Bounds.cpp@3.10.1: float max, float lowest). */
const FLT_MAX = 3.4028234663852886e38;

function shapeModel(kinds: number[], boxes: readonly (Box | null)[], planes: readonly (Plane | null)[], bounds: Bounds): LoadedCircuit {
  const count = kinds.length;
  const shapes: ShapeGeometry = {
    kind: Uint8Array.from(kinds),
    boxes: new Float32Array(count * 6),
    planes: new Float32Array(count * 4),
    cell: Uint32Array.from({ length: count }, (_, i) => i),
  };
  boxes.forEach((b, i) => {
    if (b === null) return;
    shapes.boxes.set(b.min, i * 6);
    shapes.boxes.set(b.max, i * 6 + 3);
  });
  planes.forEach((p, i) => {
    if (p === null) return;
    // Brayns documents ax + by + cz + d = 0, but what it draws (the planes of its own reference
    // images, e.g. (0, 0, 1, 0.25) in front of the origin for a camera on +z) is ax + by + cz = d.
    const [a, b, c, d] = p.coefficients;
    shapes.planes.set([a, b, c, -d], i * 4);
  });
  const spheres = { centers: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
  const cones = { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
  return { ...model(spheres, cones, Uint32Array.from({ length: count }, (_, i) => i)), bounds, shapes };
}

/** Union of boxes (GeometryTraits<Box>::computeBounds, identity transform). */
function boxesBounds(list: readonly Box[]): Bounds {
  const min: Vec3 = [FLT_MAX, FLT_MAX, FLT_MAX];
  const max: Vec3 = [-FLT_MAX, -FLT_MAX, -FLT_MAX];
  for (const b of list) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a]!, b.min[a]!, b.max[a]!);
      max[a] = Math.max(max[a]!, b.min[a]!, b.max[a]!);
    }
  }
  return { min, max };
}

export function boxModel(list: readonly Box[]): LoadedCircuit {
  return shapeModel(list.map(() => SHAPE_BOX), list, list.map(() => null), boxesBounds(list));
}

/** Infinite planes have no bounds (Plane.cpp@3.10.1): the model reports Brayns' empty box. */
export function planeModel(list: readonly Plane[]): LoadedCircuit {
  return shapeModel(list.map(() => SHAPE_PLANE), list.map(() => null), list, boxesBounds([]));
}

/** A bounded plane is bounded by its box (BoundedPlane.cpp@3.10.1). */
export function boundedPlaneModel(list: readonly BoundedPlane[]): LoadedCircuit {
  return shapeModel(list.map(() => SHAPE_BOUNDED_PLANE), list.map((p) => p.bounds), list, boxesBounds(list.map((p) => p.bounds)));
}
