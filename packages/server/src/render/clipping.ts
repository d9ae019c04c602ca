/**
 * Clipping geometry as Brayns 3.10.1 gets it from OSPRay 2.10 (World.ih traceClippingRay): every
 * clipping primitive is a closed surface whose outward normals mark the removed side (its inside),
 * `invert_normals` removes the outside instead. Along a ray, each surface crossing is an entry into
 * or an exit from removed space; the crossings beyond the ray's start, sorted, with a starting depth
 * of (models with inverted normals) - (entries - exits beyond the start), split the ray into the
 * intervals where geometry may be hit (depth 0). Geometry and shadow rays are traced only there.
 * Depth counting, not a point-in-solid test, is what OSPRay does, so open surfaces (bounded planes)
 * behave as in Brayns too: a ray that crosses one is hidden up to the crossing (entry) or after it.
 */

export const CLIP_PLANE = 0;
export const CLIP_BOUNDED_PLANE = 1;
export const CLIP_BOX = 2;
export const CLIP_SPHERE = 3;
export const CLIP_CAPSULE = 4;

/** Parameters per primitive of each kind (see ClippingModel.values). */
export const CLIP_PARAMS = [4, 10, 6, 4, 8] as const;

/** One clipping model as the scene layer hands it to the renderer. */
export interface ClippingModel {
  kind: typeof CLIP_PLANE | typeof CLIP_BOUNDED_PLANE | typeof CLIP_BOX | typeof CLIP_SPHERE | typeof CLIP_CAPSULE;
  /**
   * Primitive parameters, CLIP_PARAMS[kind] per primitive: plane a, b, c, d; bounded plane a, b, c, d,
   * min xyz, max xyz; box min xyz, max xyz; sphere centre xyz, radius; capsule p0 xyz, r0, p1 xyz, r1.
   */
  values: number[];
  invertNormals: boolean;
  /** World to model space, a 3x4 row-major affine map (the inverse of the model's transform); null = identity. */
  toLocal: number[] | null;
}

/** Per primitive: kind, inverted (0/1), world-to-model affine (12), parameters (up to 10). */
const RECORD = 24;
const AFFINE = 2;
const PARAMS = 14;

/** The clipping of one render as plain data (posted to render workers with the job). */
export interface ClipSet {
  records: Float64Array;
  count: number;
  /** Clipping models with inverted normals: OSPRay's starting depth counts models, not primitives. */
  inverted: number;
}

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];

/** Packs the clipping models of a render; null when there are none (the renderer's fast path). */
export function packClipping(models: readonly ClippingModel[] | undefined): ClipSet | null {
  const used = (models ?? []).filter((m) => m.values.length >= CLIP_PARAMS[m.kind]);
  if (used.length === 0) return null;
  const count = used.reduce((n, m) => n + Math.floor(m.values.length / CLIP_PARAMS[m.kind]), 0);
  const records = new Float64Array(count * RECORD);
  let r = 0;
  for (const model of used) {
    const size = CLIP_PARAMS[model.kind];
    for (let p = 0; p + size <= model.values.length; p += size, r += RECORD) {
      records[r] = model.kind;
      records[r + 1] = model.invertNormals ? 1 : 0;
      records.set(model.toLocal ?? IDENTITY, r + AFFINE);
      records.set(model.values.slice(p, p + size), r + PARAMS);
    }
  }
  return { records, count, inverted: used.filter((m) => m.invertNormals).length };
}

/** `ClipIntervals.add`'s crossing kinds. */
const ENTER = 1;
const LEAVE = -1;

/** OSPRay keeps at most 64 intervals per ray (CLIPPING_INTERVALS_MAX_COUNT). */
const MAX_INTERVALS = 64;
/** Stand-ins for OSPRay's infinite plane: its closing twin (PLANE_MAX_SIZE) and the parallel-ray exit (DUMMY_MAX_T). */
const PLANE_MAX_SIZE = 1e18;
const DUMMY_MAX_T = 1e38;

/**
 * The intervals of one ray outside removed space. Reused across rays: `compute` allocates only
 * when a ray crosses more surfaces than any before it.
 */
export class ClipIntervals {
  readonly lower = new Float64Array(MAX_INTERVALS);
  readonly upper = new Float64Array(MAX_INTERVALS);
  count = 0;
  /** Crossings of the current ray: t, and +1 entering / -1 leaving removed space. */
  private t = new Float64Array(16);
  private sign = new Int8Array(16);
  private hits = 0;
  private t0 = 0;
  /** The ray in model space. */
  private readonly local = new Float64Array(6);

  constructor(private readonly set: ClipSet) {}

  /** Fills the intervals of `ray` ([ox, oy, oz, dx, dy, dz, tmin, tmax]) within [tmin, tmax]. */
  compute(ray: Float64Array): void {
    const set = this.set;
    const rec = set.records;
    const t0 = ray[6]!;
    const tmax = ray[7]!;
    this.t0 = t0;
    this.hits = 0;
    for (let r = 0; r < set.count * RECORD; r += RECORD) {
      this.toLocal(rec, r, ray);
      const inverted = rec[r + 1] === 1 ? -1 : 1;
      switch (rec[r]) {
        case CLIP_PLANE:
          this.plane(rec, r, inverted, true);
          break;
        case CLIP_BOUNDED_PLANE:
          this.plane(rec, r, inverted, false);
          break;
        case CLIP_BOX:
          this.box(rec, r + PARAMS, inverted);
          break;
        case CLIP_SPHERE:
          this.sphere(rec, r + PARAMS, inverted);
          break;
        default:
          this.capsule(rec, r + PARAMS, inverted);
      }
    }
    this.sort();
    // Every crossing beyond the start counts, however far: the depth at the start is what the
    // inverted models give at infinity corrected by what lies between.
    let depth = set.inverted;
    for (let i = 0; i < this.hits; i++) depth -= this.sign[i]!;
    let n = 0;
    let open = depth === 0;
    if (open) this.lower[0] = t0;
    for (let i = 0; i < this.hits; i++) {
      const t = this.t[i]!;
      if (t > tmax) break;
      depth += this.sign[i]!;
      if (depth === 0 && !open) {
        if (n === MAX_INTERVALS) break;
        this.lower[n] = t;
        open = true;
      } else if (depth > 0 && open) {
        this.upper[n++] = t;
        open = false;
      }
    }
    if (open) this.upper[n++] = tmax;
    this.count = n;
  }

  private toLocal(rec: Float64Array, r: number, ray: Float64Array): void {
    const m = r + AFFINE;
    const ox = ray[0]!, oy = ray[1]!, oz = ray[2]!, dx = ray[3]!, dy = ray[4]!, dz = ray[5]!;
    const l = this.local;
    for (let row = 0; row < 3; row++) {
      const a = rec[m + row * 4]!, b = rec[m + row * 4 + 1]!, c = rec[m + row * 4 + 2]!;
      l[row] = a * ox + b * oy + c * oz + rec[m + row * 4 + 3]!;
      l[row + 3] = a * dx + b * dy + c * dz;
    }
  }

  /**
   * Where a crossing's distance goes before `add` takes it: a float argument of a call V8 leaves
   * out of line is boxed on the heap (4 to 30 MB of garbage per full-HD frame clipped by a box, a
   * sphere and a capsule).
   */
  private readonly crossing = new Float64Array(1);

  /**
   * A crossing at crossing[0], ENTER-ing removed space when its surface normal (model space,
   * unnormalised) faces against the ray (dot(direction, normal) <= 0), LEAVE-ing it otherwise;
   * inverted normals swap the two. Only crossings from the ray's start on count (Embree's ray range).
   */
  private add(sign: number, inverted: number): void {
    const t = this.crossing[0]!;
    if (!(t >= this.t0)) return;
    if (this.hits === this.t.length) {
      const t2 = new Float64Array(this.hits * 2);
      const s2 = new Int8Array(this.hits * 2);
      t2.set(this.t);
      s2.set(this.sign);
      this.t = t2;
      this.sign = s2;
    }
    this.t[this.hits] = t;
    this.sign[this.hits++] = sign * inverted;
  }

  private sort(): void {
    // Insertion sort: a ray crosses a handful of surfaces.
    const t = this.t, s = this.sign;
    for (let i = 1; i < this.hits; i++) {
      const ti = t[i]!, si = s[i]!;
      let j = i - 1;
      while (j >= 0 && t[j]! > ti) {
        t[j + 1] = t[j]!;
        s[j + 1] = s[j]!;
        j--;
      }
      t[j + 1] = ti;
      s[j + 1] = si;
    }
  }

  /**
   * OSPRay's plane (Planes.ispc): the surface n.p = d for coefficients (a, b, c, d), removing the
   * side n.p < d. (Brayns documents Ax + By + Cz + D = 0 but hands the coefficients over as they
   * are, so a non-zero D moves the plane to n.p = D; we draw what Brayns draws.) An infinite plane
   * is closed by a twin at n.p = -1e18 facing the other way; a ray parallel to it inside the removed
   * side leaves it only at 1e38. A bounded plane is the part of the plane inside its box, unclosed.
   */
  private plane(rec: Float64Array, r: number, inverted: number, infinite: boolean): void {
    const p = r + PARAMS;
    const a = rec[p]!, b = rec[p + 1]!, c = rec[p + 2]!, d = rec[p + 3]!;
    const l = this.local;
    const on = a * l[0]! + b * l[1]! + c * l[2]!;
    const dn = a * l[3]! + b * l[4]! + c * l[5]!;
    if (dn === 0) {
      if (d > on) {
        this.crossing[0] = DUMMY_MAX_T;
        this.add(LEAVE, inverted);
      }
      return;
    }
    const t = (d - on) / dn;
    if (infinite) {
      this.crossing[0] = t;
      this.add(dn > 0 ? LEAVE : ENTER, inverted);
      this.crossing[0] = (-PLANE_MAX_SIZE - on) / dn;
      this.add(-dn > 0 ? LEAVE : ENTER, inverted);
      return;
    }
    const x = l[0]! + t * l[3]!, y = l[1]! + t * l[4]!, z = l[2]! + t * l[5]!;
    // Inside the bounds, with a margin for the plane lying on a face of its own box.
    const e = 1e-6 * Math.max(1, Math.abs(x), Math.abs(y), Math.abs(z));
    if (x < rec[p + 4]! - e || y < rec[p + 5]! - e || z < rec[p + 6]! - e) return;
    if (x > rec[p + 7]! + e || y > rec[p + 8]! + e || z > rec[p + 9]! + e) return;
    this.crossing[0] = t;
    this.add(dn > 0 ? LEAVE : ENTER, inverted);
  }

  /** Slab test; the entry and exit faces' outward normals oppose and follow the ray. */
  private box(rec: Float64Array, p: number, inverted: number): void {
    const l = this.local;
    let lo = -Infinity, hi = Infinity;
    for (let axis = 0; axis < 3; axis++) {
      const o = l[axis]!, d = l[axis + 3]!;
      const min = rec[p + axis]!, max = rec[p + 3 + axis]!;
      if (d === 0) {
        if (o < min || o > max) return;
        continue;
      }
      let ta = (min - o) / d, tb = (max - o) / d;
      if (ta > tb) {
        const s = ta;
        ta = tb;
        tb = s;
      }
      if (ta > lo) lo = ta;
      if (tb < hi) hi = tb;
    }
    if (!(lo <= hi)) return;
    this.crossing[0] = lo;
    this.add(ENTER, inverted);
    this.crossing[0] = hi;
    this.add(LEAVE, inverted);
  }

  /** The sphere whose centre xyz and radius are rec[p..p+3]. */
  private sphere(rec: Float64Array, p: number, inverted: number): void {
    const cx = rec[p]!, cy = rec[p + 1]!, cz = rec[p + 2]!, radius = rec[p + 3]!;
    const l = this.local;
    const ox = l[0]! - cx, oy = l[1]! - cy, oz = l[2]! - cz;
    const dx = l[3]!, dy = l[4]!, dz = l[5]!;
    const a = dx * dx + dy * dy + dz * dz;
    const b = ox * dx + oy * dy + oz * dz;
    const disc = b * b - a * (ox * ox + oy * oy + oz * oz - radius * radius);
    if (disc < 0 || a === 0) return;
    const sq = Math.sqrt(disc);
    this.crossing[0] = (-b - sq) / a;
    this.add(ENTER, inverted);
    this.crossing[0] = (-b + sq) / a;
    this.add(LEAVE, inverted);
  }

  /**
   * A capsule (Embree's round linear curve): a sphere swept from p0 (radius r0) to p1 (radius r1),
   * i.e. the two end spheres and the cone tangent to both, cut square at the tangent circles.
   * Each part adds its own entry and exit; depth counting makes the union.
   */
  private capsule(rec: Float64Array, p: number, inverted: number): void {
    const ax = rec[p]!, ay = rec[p + 1]!, az = rec[p + 2]!, r0 = rec[p + 3]!;
    const bx = rec[p + 4]!, by = rec[p + 5]!, bz = rec[p + 6]!, r1 = rec[p + 7]!;
    this.sphere(rec, p, inverted);
    this.sphere(rec, p + 4, inverted);
    const ux0 = bx - ax, uy0 = by - ay, uz0 = bz - az;
    const len = Math.sqrt(ux0 * ux0 + uy0 * uy0 + uz0 * uz0);
    if (len === 0) return;
    const slope = (r1 - r0) / len;
    // One sphere holds the other: the spheres are the whole capsule.
    if (Math.abs(slope) >= 1) return;
    const ux = ux0 / len, uy = uy0 / len, uz = uz0 / len;
    // The tangent cone in axial coordinate s: radius (r0 + slope s) / c, touching the spheres at
    // s = -slope r0 and s = len - slope r1.
    const c = Math.sqrt(1 - slope * slope);
    const sLo = -slope * r0, sHi = len - slope * r1;
    const l = this.local;
    const wx = l[0]! - ax, wy = l[1]! - ay, wz = l[2]! - az;
    const dx = l[3]!, dy = l[4]!, dz = l[5]!;
    // Axial coordinate s(t) = s0 + t ds must lie in [sLo, sHi].
    const s0 = wx * ux + wy * uy + wz * uz;
    const ds = dx * ux + dy * uy + dz * uz;
    let lo = -Infinity, hi = Infinity;
    if (ds === 0) {
      if (s0 < sLo || s0 > sHi) return;
    } else {
      const ta = (sLo - s0) / ds, tb = (sHi - s0) / ds;
      lo = Math.min(ta, tb);
      hi = Math.max(ta, tb);
    }
    // Inside the cone: |w + t d|^2 - s^2 <= (r0 / c + k s)^2, a quadratic A t^2 + B t + C <= 0.
    const k = slope / c;
    const rs = r0 / c + k * s0;
    const A = dx * dx + dy * dy + dz * dz - ds * ds - k * k * ds * ds;
    const B = 2 * (wx * dx + wy * dy + wz * dz - s0 * ds - k * ds * rs);
    const C = wx * wx + wy * wy + wz * wz - s0 * s0 - rs * rs;
    if (Math.abs(A) < 1e-12 * (dx * dx + dy * dy + dz * dz)) {
      if (B === 0) {
        if (C > 0) return;
      } else if (B > 0) {
        hi = Math.min(hi, -C / B);
      } else {
        lo = Math.max(lo, -C / B);
      }
    } else {
      const disc = B * B - 4 * A * C;
      if (disc < 0) {
        // No crossing of the cone's surface: inside everywhere (A < 0) or nowhere.
        if (A > 0) return;
      } else {
        const sq = Math.sqrt(disc);
        const t1 = (-B - sq) / (2 * A), t2 = (-B + sq) / (2 * A);
        const near = Math.min(t1, t2), far = Math.max(t1, t2);
        if (A > 0) {
          lo = Math.max(lo, near);
          hi = Math.min(hi, far);
        } else if (far <= hi) {
          // Steeper than the cone: inside is t <= near or t >= far, and the slab holds only the
          // frustum's nappe (the apex lies beyond an end), so at most one of the two parts.
          lo = Math.max(lo, far);
        } else {
          hi = Math.min(hi, near);
        }
      }
    }
    if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) return;
    this.crossing[0] = lo;
    this.add(ENTER, inverted);
    this.crossing[0] = hi;
    this.add(LEAVE, inverted);
  }
}
