import type { Bounds } from '@render-recipes/protocol';
import type { Vec3 } from '@render-recipes/protocol';
import type { LoadedCircuit } from '../scene/types.js';
import type { Transform } from './scene.js';

/**
 * Model transforms (set with `update-model`). The scene layer always works in circuit space; the
 * protocol layer applies a model's transform to its bounds and, for rendering, to a copy of its
 * geometry, so the renderer contract needs no notion of instances.
 */

export function isIdentity(t: Transform): boolean {
  const [x, y, z, w] = t.rotation;
  return x === 0 && y === 0 && z === 0 && w === 1 && t.scale.every((s) => s === 1) && t.translation.every((v) => v === 0);
}

/** p' = translation + rotation * (scale * p). */
export function transformPoint(t: Transform, p: Vec3): Vec3 {
  const s: Vec3 = [p[0] * t.scale[0], p[1] * t.scale[1], p[2] * t.scale[2]];
  const r = rotate(t.rotation, s);
  return [r[0] + t.translation[0], r[1] + t.translation[1], r[2] + t.translation[2]];
}

function rotate(q: [number, number, number, number], v: Vec3): Vec3 {
  const len = Math.hypot(...q) || 1;
  const [x, y, z, w] = [q[0] / len, q[1] / len, q[2] / len, q[3] / len];
  // v + 2w(q×v) + 2q×(q×v)
  const cx = y * v[2] - z * v[1];
  const cy = z * v[0] - x * v[2];
  const cz = x * v[1] - y * v[0];
  return [
    v[0] + 2 * (w * cx + y * cz - z * cy),
    v[1] + 2 * (w * cy + z * cx - x * cz),
    v[2] + 2 * (w * cz + x * cy - y * cx),
  ];
}

/** Brayns' empty bounds (min above max, e.g. infinite planes'): nothing to move or add to a union. */
export function isEmpty(b: Bounds): boolean {
  return b.min[0] > b.max[0] || b.min[1] > b.max[1] || b.min[2] > b.max[2];
}

export function transformBounds(b: Bounds, t: Transform): Bounds {
  if (isIdentity(t) || isEmpty(b)) return { min: [...b.min], max: [...b.max] };
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner += 1) {
    const p = transformPoint(t, [
      corner & 1 ? b.max[0] : b.min[0],
      corner & 2 ? b.max[1] : b.min[1],
      corner & 4 ? b.max[2] : b.min[2],
    ]);
    for (let i = 0; i < 3; i += 1) {
      min[i] = Math.min(min[i] as number, p[i] as number);
      max[i] = Math.max(max[i] as number, p[i] as number);
    }
  }
  return { min, max };
}

/**
 * The moved copies of each circuit, by transform value. The renderer caches a BVH per circuit
 * object, so handing it the same moved copy on every snapshot means a moved model's BVH is built
 * once, not once per frame. A few transforms per circuit are kept (one model moved back and forth,
 * or one circuit shown by several models); the copies die with the circuit.
 */
const moved = new WeakMap<LoadedCircuit, Map<string, LoadedCircuit>>();
const MOVED_COPIES_PER_CIRCUIT = 4;

/** The circuit with its geometry moved into world space (radii scaled by the mean scale), the same object for the same transform. */
export function transformCircuit(circuit: LoadedCircuit, t: Transform): LoadedCircuit {
  if (isIdentity(t)) return circuit;
  const key = [...t.rotation, ...t.scale, ...t.translation].join(',');
  let copies = moved.get(circuit);
  if (copies === undefined) {
    copies = new Map();
    moved.set(circuit, copies);
  }
  const hit = copies.get(key);
  if (hit !== undefined) {
    // Most recently used last, so the oldest copy is the one dropped.
    copies.delete(key);
    copies.set(key, hit);
    return hit;
  }
  const copy = moveCircuit(circuit, t);
  copies.set(key, copy);
  if (copies.size > MOVED_COPIES_PER_CIRCUIT) copies.delete(copies.keys().next().value as string);
  return copy;
}

function moveCircuit(circuit: LoadedCircuit, t: Transform): LoadedCircuit {
  const radiusScale = (Math.abs(t.scale[0]) + Math.abs(t.scale[1]) + Math.abs(t.scale[2])) / 3;
  const movePoints = (src: Float32Array): Float32Array => {
    const out = new Float32Array(src.length);
    for (let i = 0; i + 2 < src.length; i += 3) {
      const p = transformPoint(t, [src[i] as number, src[i + 1] as number, src[i + 2] as number]);
      out[i] = p[0];
      out[i + 1] = p[1];
      out[i + 2] = p[2];
    }
    return out;
  };
  const scaleRadii = (src: Float32Array): Float32Array => src.map((r) => r * radiusScale);
  return {
    gids: circuit.gids,
    targets: circuit.targets,
    simulation: circuit.simulation,
    bounds: transformBounds(circuit.bounds, t),
    spheres: { ...circuit.spheres, centers: movePoints(circuit.spheres.centers), radii: scaleRadii(circuit.spheres.radii) },
    cones: { ...circuit.cones, ends: movePoints(circuit.cones.ends), radii: scaleRadii(circuit.cones.radii) },
    // Shapes stay in model space with their transform: a rotated box is no longer axis-aligned.
    ...(circuit.shapes === undefined ? {} : { shapes: { ...circuit.shapes, transform: t } }),
    colorsAt: (time, ramp) => circuit.colorsAt(time, ramp),
    ...(circuit.colorCount === undefined ? {} : { colorCount: circuit.colorCount }),
  };
}
