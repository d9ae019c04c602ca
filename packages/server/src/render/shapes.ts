/**
 * Boxes, bounded planes and infinite planes (Brayns' `add-boxes`, `add-bounded-planes`,
 * `add-planes`). Boxes and bounded planes are tested in their model's own frame: the ray is moved
 * there by the model's world -> model affine map (12 numbers, row-major 3x4), which keeps the ray
 * parameter t unchanged, so a rotated or scaled box stays exact. Infinite planes are moved to world
 * space once (a plane maps to a plane) and are tested by every ray: they have no bounds to put in
 * a BVH.
 */
export const BOX = 2;
export const BOUNDED_PLANE = 3;

/** The identity world -> model map. */
export const IDENTITY_FRAME = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0);

/** Which model-space axis (0, 1, 2) the face the last `hitShape` hit is normal to; 3 = the plane. */
export let shapeFace = 0;

/** p' = translation + R(q) (scale * p), as in Brayns' Transform. */
export interface Placement {
  rotation: [number, number, number, number];
  scale: [number, number, number];
  translation: [number, number, number];
}

/** The model -> world map of a placement as a row-major 3x4 matrix. */
export function toWorld(t: Placement): Float64Array {
  const len = Math.hypot(...t.rotation) || 1;
  const [x, y, z, w] = t.rotation.map((v) => v / len) as [number, number, number, number];
  const r = [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
  const m = new Float64Array(12);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) m[i * 4 + j] = r[i * 3 + j]! * t.scale[j]!;
    m[i * 4 + 3] = t.translation[i]!;
  }
  return m;
}

/** The world -> model map: p = S^-1 R^T (p' - T). */
export function toModel(t: Placement): Float64Array {
  const m = toWorld({ ...t, scale: [1, 1, 1] });
  const a = new Float64Array(12);
  for (let i = 0; i < 3; i++) {
    const s = t.scale[i]!;
    for (let j = 0; j < 3; j++) a[i * 4 + j] = m[j * 4 + i]! / s;
    a[i * 4 + 3] = -(a[i * 4]! * t.translation[0] + a[i * 4 + 1]! * t.translation[1] + a[i * 4 + 2]! * t.translation[2]);
  }
  return a;
}

/** Applies a 3x4 map to a point. */
export function mapPoint(m: Float64Array, x: number, y: number, z: number): [number, number, number] {
  return [m[0]! * x + m[1]! * y + m[2]! * z + m[3]!, m[4]! * x + m[5]! * y + m[6]! * z + m[7]!, m[8]! * x + m[9]! * y + m[10]! * z + m[11]!];
}

/**
 * A model-space plane (a, b, c, d) in world space, its normal made unit: with p_model = A p + b,
 * a.(A p + b) + d = 0 is (A^T a).p + (a.b + d) = 0.
 */
export function worldPlane(frame: Float64Array, a: number, b: number, c: number, d: number): [number, number, number, number] {
  const nx = frame[0]! * a + frame[4]! * b + frame[8]! * c;
  const ny = frame[1]! * a + frame[5]! * b + frame[9]! * c;
  const nz = frame[2]! * a + frame[6]! * b + frame[10]! * c;
  const dd = frame[3]! * a + frame[7]! * b + frame[11]! * c + d;
  const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
  return len > 0 ? [nx / len, ny / len, nz / len, dd / len] : [0, 0, 0, 1];
}

/**
 * Where `hitPlane` and `hitShape` leave the distance of their hit. Only arrays and integers cross
 * these calls and they return booleans: a float argument or result of a call V8 leaves out of line
 * (once a hot caller has used up its inlining budget) is boxed on the heap, and shape frames made
 * 43 MB of such garbage at full HD.
 */
export const shapeT = new Float64Array(1);
/** hitShape's hit point in model space, for the bounds test. */
const POINT = new Float64Array(3);

/**
 * Whether the ray [ox, oy, oz, dx, dy, dz, tmin, tmax] meets the world plane at `planes[i*4..]` in
 * (tmin, tmax); the distance is then in shapeT[0].
 */
export function hitPlane(planes: Float32Array, i: number, ray: Float64Array): boolean {
  const o = i * 4;
  const nx = planes[o]!, ny = planes[o + 1]!, nz = planes[o + 2]!;
  const denom = nx * ray[3]! + ny * ray[4]! + nz * ray[5]!;
  if (denom === 0) return false;
  const t = -(nx * ray[0]! + ny * ray[1]! + nz * ray[2]! + planes[o + 3]!) / denom;
  if (!(t > ray[6]! && t < ray[7]!)) return false;
  shapeT[0] = t;
  return true;
}

/**
 * A box or bounded plane primitive: prims[o..o+7] = [minx, miny, minz, plane index, maxx, maxy,
 * maxz, -] in model space; `shapePlanes` holds the bounded planes' model-space coefficients.
 * True on a hit in (tmin, tmax), whose distance is then in shapeT[0]; sets `shapeFace`. A ray
 * starting inside a box meets its far side.
 */
export function hitShape(prims: Float32Array, o: number, kind: number, frame: Float64Array, shapePlanes: Float32Array, ray: Float64Array): boolean {
  const wx = ray[0]!, wy = ray[1]!, wz = ray[2]!, wdx = ray[3]!, wdy = ray[4]!, wdz = ray[5]!, tmin = ray[6]!, tmax = ray[7]!;
  const ox = frame[0]! * wx + frame[1]! * wy + frame[2]! * wz + frame[3]!;
  const oy = frame[4]! * wx + frame[5]! * wy + frame[6]! * wz + frame[7]!;
  const oz = frame[8]! * wx + frame[9]! * wy + frame[10]! * wz + frame[11]!;
  const dx = frame[0]! * wdx + frame[1]! * wdy + frame[2]! * wdz;
  const dy = frame[4]! * wdx + frame[5]! * wdy + frame[6]! * wdz;
  const dz = frame[8]! * wdx + frame[9]! * wdy + frame[10]! * wdz;
  if (kind === BOUNDED_PLANE) {
    const q = prims[o + 3]! * 4;
    const a = shapePlanes[q]!, b = shapePlanes[q + 1]!, c = shapePlanes[q + 2]!;
    const denom = a * dx + b * dy + c * dz;
    if (denom === 0) return false;
    const t = -(a * ox + b * oy + c * oz + shapePlanes[q + 3]!) / denom;
    if (!(t > tmin && t < tmax)) return false;
    POINT[0] = ox + t * dx;
    POINT[1] = oy + t * dy;
    POINT[2] = oz + t * dz;
    if (!within(POINT, 0, prims, o) || !within(POINT, 1, prims, o) || !within(POINT, 2, prims, o)) return false;
    shapeFace = 3;
    shapeT[0] = t;
    return true;
  }
  let near = -Infinity, far = Infinity, nearAxis = 0, farAxis = 0;
  for (let a = 0; a < 3; a++) {
    const oa = a === 0 ? ox : a === 1 ? oy : oz;
    const da = a === 0 ? dx : a === 1 ? dy : dz;
    const lo = prims[o + a]!, hi = prims[o + 4 + a]!;
    if (da === 0) {
      if (oa < lo || oa > hi) return false;
      continue;
    }
    let t0 = (lo - oa) / da, t1 = (hi - oa) / da;
    if (t0 > t1) {
      const s = t0;
      t0 = t1;
      t1 = s;
    }
    if (t0 > near) {
      near = t0;
      nearAxis = a;
    }
    if (t1 < far) {
      far = t1;
      farAxis = a;
    }
  }
  if (!(near <= far)) return false;
  if (near > tmin && near < tmax) {
    shapeFace = nearAxis;
    shapeT[0] = near;
    return true;
  }
  if (far > tmin && far < tmax) {
    shapeFace = farAxis;
    shapeT[0] = far;
    return true;
  }
  return false;
}

/**
 * Whether coordinate `axis` of `point` lies within the bounds prims[o + axis] .. prims[o + 4 + axis],
 * with a little slack: a plane lying on a face of its bounds (z = 0 bounded by z in [0, 1]) must not
 * flicker with the rounding of the hit point.
 */
function within(point: Float64Array, axis: number, prims: Float32Array, o: number): boolean {
  const v = point[axis]!, lo = prims[o + axis]!, hi = prims[o + 4 + axis]!;
  const slack = 1e-6 * (Math.abs(lo) + Math.abs(hi) + (hi - lo)) + 1e-12;
  return v >= lo - slack && v <= hi + slack;
}

/**
 * World-space normal (not unit, either orientation) of face `face` of a shape, into out[0..2]:
 * a model-space normal n becomes A^T n.
 */
export function shapeNormal(prims: Float32Array, o: number, face: number, frame: Float64Array, shapePlanes: Float32Array, out: Float64Array): void {
  let a = 0, b = 0, c = 0;
  if (face === 3) {
    const q = prims[o + 3]! * 4;
    a = shapePlanes[q]!;
    b = shapePlanes[q + 1]!;
    c = shapePlanes[q + 2]!;
  } else if (face === 0) a = 1;
  else if (face === 1) b = 1;
  else c = 1;
  out[0] = frame[0]! * a + frame[4]! * b + frame[8]! * c;
  out[1] = frame[1]! * a + frame[5]! * b + frame[9]! * c;
  out[2] = frame[2]! * a + frame[6]! * b + frame[10]! * c;
}
