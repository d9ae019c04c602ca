/**
 * Ray-primitive intersection math shared by the per-ray traversal (tracer.ts), the primary-ray
 * pass (primary.ts) and the shadow packets (shadow.ts). Rays are arrays
 * [ox, oy, oz, dx, dy, dz, tmin, tmax] with unit directions; a test returns whether it found a hit
 * in (tmin, tmax) and leaves the nearest one's distance in a scratch array.
 */
export const PART_A = 0;
export const PART_B = 1;
export const PART_SIDE = 2;

/** Which part of a cone the last `hitConeRay` hit (PART_A, PART_B or PART_SIDE). */
export let conePart = PART_A;

/**
 * Where `hitConeRay` leaves the distance of its hit. The cone test is too large for V8 to inline
 * into the hot loops, and a double it returned would be boxed on the heap: a morphology frame made
 * about 20 MB of such garbage.
 */
export const coneT = new Float64Array(1);
/** Where `hitSphereRay` leaves the distance of its hit (for the same reason). */
export const sphereT = new Float64Array(1);
/** coneSide's tmax in, its distance out (for the same reason). */
const SIDE = new Float64Array(2);

/**
 * Fills a ray array [ox, oy, oz, dx, dy, dz, tmin, tmax] from floats: for the tracer's entry points
 * that take them (tests, picking). The hot loops use `loadRay` and `rayFrom`, which take arrays:
 * a float argument is boxed on the heap wherever V8 leaves the call out of line.
 */
export function writeRay(ray: Float64Array, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tmin: number, tmax: number): void {
  ray[0] = ox;
  ray[1] = oy;
  ray[2] = oz;
  ray[3] = dx;
  ray[4] = dy;
  ray[5] = dz;
  ray[6] = tmin;
  ray[7] = tmax;
}

/**
 * A ray from origin[o..o+2] along the unit vector dir[d..d+2] over (0, Infinity) into `ray` (a
 * caller with a bounded ray then sets ray[7]). Only arrays and indices cross the call, so nothing
 * is boxed where V8 does not inline it.
 */
export function rayFrom(ray: Float64Array, origin: Float64Array, o: number, dir: Float64Array, d: number): void {
  for (let i = 0; i < 3; i++) {
    ray[i] = origin[o + i]!;
    ray[3 + i] = dir[d + i]!;
  }
  ray[6] = 0;
  ray[7] = Infinity;
}

/**
 * Ray `at / 6` of an array of rays (origin xyz, direction xyz each) into `ray`, from tmin 0; the
 * caller sets tmax (ray[7]). Only arrays and an index cross the call, so nothing is boxed where
 * V8 does not inline it (large loops).
 */
export function loadRay(ray: Float64Array, rays: Float64Array, at: number): void {
  for (let i = 0; i < 6; i++) ray[i] = rays[at + i]!;
  ray[6] = 0;
}

/**
 * A cone primitive (both end spheres and the lateral surface) against a ray given as
 * [ox, oy, oz, dx, dy, dz, tmin, tmax]. True on a hit in (tmin, tmax), whose distance is then in
 * coneT[0] and whose part in conePart.
 */
export function hitConeRay(prims: Float32Array, o: number, ray: Float64Array): boolean {
  const tmax = ray[7]!;
  let best = hitSphereRay(prims, o, ray) ? sphereT[0]! : Infinity;
  conePart = PART_A;
  // Equal distances keep end A.
  if (hitSphereRay(prims, o + 4, ray) && sphereT[0]! < best) {
    best = sphereT[0]!;
    conePart = PART_B;
  }
  SIDE[0] = Math.min(best, tmax);
  coneSide(prims, o, ray);
  const ts = SIDE[1]!;
  if (ts < best) {
    best = ts;
    conePart = PART_SIDE;
  }
  coneT[0] = best;
  return best < tmax;
}

/**
 * The sphere whose centre and radius start at prims[o] against a ray given as
 * [ox, oy, oz, dx, dy, dz, tmin, tmax]. True when it meets the sphere in (tmin, tmax), the nearest
 * such distance then in sphereT[0]. Only arrays and an index cross the call: twelve float
 * arguments and a float result, boxed wherever V8 ran out of inlining budget (as in a cone frame
 * after a sphere scene had grown the raster loop), made 35 MB of garbage per morphology frame.
 */
export function hitSphereRay(prims: Float32Array, o: number, ray: Float64Array): boolean {
  const lx = ray[0]! - prims[o]!, ly = ray[1]! - prims[o + 1]!, lz = ray[2]! - prims[o + 2]!;
  const dx = ray[3]!, dy = ray[4]!, dz = ray[5]!, tmin = ray[6]!, r = prims[o + 3]!;
  const b = lx * dx + ly * dy + lz * dz;
  const c = lx * lx + ly * ly + lz * lz - r * r;
  const disc = b * b - c;
  if (disc < 0) return false;
  const s = Math.sqrt(disc);
  let t = -b - s;
  if (t <= tmin) t = -b + s;
  if (!(t > tmin && t < ray[7]!)) return false;
  sphereT[0] = t;
  return true;
}

/**
 * The lateral surface of a capsule as Embree draws a round linear curve (OSPRay's curve geometry,
 * Brayns' capsules and neurites): the sweep of a sphere whose radius goes linearly from ra to rb,
 * i.e. the truncated cone tangent to both end spheres, not the frustum with radii ra and rb at the
 * end centres. With s = (rb - ra) / L and c = sqrt(1 - s^2), it touches the spheres at axial
 * offsets -s ra and L - s rb with radii c ra and c rb. Points on it are at distance
 * r(f) = ra' + (rb' - ra') f from the axis at fraction f in [0, 1] of that frustum; squaring gives a
 * quadratic in t. Reads tmax from SIDE[0] and leaves the nearest t in (tmin, tmax), or Infinity,
 * in SIDE[1].
 */
function coneSide(prims: Float32Array, o: number, ray: Float64Array): void {
  const tmax = SIDE[0]!;
  SIDE[1] = Infinity;
  const ox = ray[0]!, oy = ray[1]!, oz = ray[2]!, dx = ray[3]!, dy = ray[4]!, dz = ray[5]!, tmin = ray[6]!;
  const r0 = prims[o + 3]!, r1 = prims[o + 7]!;
  const ux = prims[o + 4]! - prims[o]!, uy = prims[o + 5]! - prims[o + 1]!, uz = prims[o + 6]! - prims[o + 2]!;
  const len = Math.sqrt(ux * ux + uy * uy + uz * uz);
  if (len <= 0) return;
  const slope = (r1 - r0) / len;
  // One end sphere holds the other: the spheres are the whole capsule.
  if (Math.abs(slope) >= 1) return;
  const c = Math.sqrt(1 - slope * slope);
  const shift0 = (slope * r0) / len, shift1 = (slope * r1) / len;
  const ax = prims[o]! - shift0 * ux, ay = prims[o + 1]! - shift0 * uy, az = prims[o + 2]! - shift0 * uz, ra = c * r0;
  const bax = ux * (1 - shift1 + shift0), bay = uy * (1 - shift1 + shift0), baz = uz * (1 - shift1 + shift0);
  const l2 = bax * bax + bay * bay + baz * baz;
  if (l2 <= 0) return;
  const wx = ox - ax, wy = oy - ay, wz = oz - az;
  const m = dx * bax + dy * bay + dz * baz;
  const n = wx * bax + wy * bay + wz * baz;
  const k = (c * r1 - ra) / l2;
  const A = ra + k * n;
  const B = k * m;
  const a2 = 1 - (m * m) / l2 - B * B;
  const a1 = wx * dx + wy * dy + wz * dz - (n * m) / l2 - A * B;
  const a0 = wx * wx + wy * wy + wz * wz - (n * n) / l2 - A * A;
  // A ray parallel to the surface line: the end spheres cover what it could hit.
  if (Math.abs(a2) < 1e-12) return;
  const disc = a1 * a1 - a2 * a0;
  if (disc < 0) return;
  const s = Math.sqrt(disc);
  let t0 = (-a1 - s) / a2;
  let t1 = (-a1 + s) / a2;
  if (t0 > t1) {
    const swap = t0;
    t0 = t1;
    t1 = swap;
  }
  for (let i = 0; i < 2; i++) {
    const t = i === 0 ? t0 : t1;
    if (t > tmin && t < tmax) {
      const f = (n + t * m) / l2;
      if (f >= 0 && f <= 1 && A + B * t >= 0) {
        SIDE[1] = t;
        return;
      }
    }
  }
}
