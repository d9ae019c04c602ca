import { ClipIntervals, type ClipSet } from './clipping.js';
import { CONE, SPHERE } from './geometry.js';
import { PART_A, PART_B, PART_SIDE, conePart, coneT, hitConeRay, hitSphereRay, writeRay } from './intersect.js';
import { hitPlane, hitShape, shapeFace, shapeNormal, shapeT } from './shapes.js';

/** The arrays of one model the tracer walks (a structural subset of ModelBvh, as posted to workers). */
export interface TraceModel {
  nodeBounds: Float32Array;
  nodeInfo: Uint32Array;
  prims: Float32Array;
  /** Floats per primitive in `prims` (geometry.ts ModelBvh). */
  primStride: number;
  primKind: Uint8Array;
  /** Boxes and planes (geometry.ts ModelBvh). */
  frame: Float64Array;
  shapePlanes: Float32Array;
  planes: Float32Array;
  planeBase: number;
}

const STACK = 128;
/** normalAt's kind for an infinite plane (not a BVH primitive kind). */
const PLANE_HIT = 255;
/** Occluder cache slots (directional lights beyond this many go uncached). */
const SLOTS = 16;

/**
 * Ray queries over several models' BVHs. Results live in fields instead of returned objects so the
 * hot loop allocates nothing. Ray directions must be unit vectors.
 */
export class Tracer {
  /** Closest hit of the last `closest` call. */
  t = 0;
  model = -1;
  prim = -1;
  part = 0;
  nx = 0;
  ny = 0;
  nz = 0;
  private readonly stack = new Int32Array(STACK);
  private readonly stackT = new Float64Array(STACK);
  private candidatePart = 0;
  /** Primitive that ended the last any-hit walk. */
  private blocker = -1;
  private readonly lastModel = new Int32Array(SLOTS).fill(-1);
  private readonly lastPrim = new Int32Array(SLOTS);

  /** The scene's clipping (null: none, and rays take the unclipped path unchanged). */
  private readonly clip: ClipIntervals | null;

  constructor(
    private readonly models: readonly TraceModel[],
    clip: ClipSet | null = null,
  ) {
    this.clip = clip === null ? null : new ClipIntervals(clip);
  }

  /**
   * The ray the next `closestRay` / `occludedRay` traces: origin xyz, unit direction xyz, tmin, tmax.
   * Rays travel through this array rather than as arguments: a double passed to a call V8 does not
   * inline is boxed on the heap, which made hundreds of megabytes of garbage per full-HD frame.
   */
  readonly ray = new Float64Array(8);
  /** The point `normalAt` takes the normal at. */
  readonly point = new Float64Array(3);
  private readonly scratch = new Float64Array(3);

  closest(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tmin: number, tmax: number): boolean {
    writeRay(this.ray, ox, oy, oz, dx, dy, dz, tmin, tmax);
    return this.closestRay();
  }

  /** Nearest hit along `ray` into the closest-hit fields; false when the ray hits nothing. */
  closestRay(): boolean {
    if (this.clip !== null) return this.closestClipped(this.clip);
    this.t = this.ray[7]!;
    this.prim = -1;
    this.model = -1;
    for (let m = 0; m < this.models.length; m++) this.walk(m, false);
    return this.prim >= 0;
  }

  /**
   * With clipping: whether a hit at t = ts[k] on the current `ray`, found without clipping, lies outside
   * clipped space (strictly inside one of the ray's intervals, as the traversal bounds are).
   */
  keepsHit(ts: Float64Array, k: number): boolean {
    const clip = this.clip;
    if (clip === null) return true;
    const t = ts[k]!;
    clip.compute(this.ray);
    for (let i = 0; i < clip.count; i++) if (t > clip.lower[i]! && t < clip.upper[i]!) return true;
    return false;
  }

  /** The nearest hit within the first interval outside clipped space that has one (OSPRay's traceGeometryRayIntervals). */
  private closestClipped(clip: ClipIntervals): boolean {
    const ray = this.ray;
    const t0 = ray[6]!, t1 = ray[7]!;
    clip.compute(ray);
    this.prim = -1;
    this.model = -1;
    for (let i = 0; i < clip.count && this.prim < 0; i++) {
      ray[6] = clip.lower[i]!;
      ray[7] = clip.upper[i]!;
      this.t = ray[7];
      for (let m = 0; m < this.models.length; m++) this.walk(m, false);
    }
    ray[6] = t0;
    ray[7] = t1;
    return this.prim >= 0;
  }

  /** Whether anything blocks `ray` within the intervals outside clipped space (OSPRay's areIntervalsOccluded). */
  private occludedClipped(clip: ClipIntervals): boolean {
    const ray = this.ray;
    const t0 = ray[6]!, t1 = ray[7]!;
    clip.compute(ray);
    let blocked = false;
    for (let i = 0; i < clip.count && !blocked; i++) {
      ray[6] = clip.lower[i]!;
      ray[7] = clip.upper[i]!;
      for (let m = 0; m < this.models.length && !blocked; m++) blocked = this.walk(m, true);
    }
    ray[6] = t0;
    ray[7] = t1;
    return blocked;
  }

  /**
   * Makes hit k found elsewhere (the primary-ray pass: distances, models, primitives, parts) the
   * current closest hit. The distance comes in an array: a float argument is boxed on the heap
   * wherever V8 leaves the call out of line.
   */
  setHit(t: Float64Array, model: Int32Array, prim: Int32Array, part: Uint8Array, k: number): void {
    this.t = t[k]!;
    this.model = model[k]!;
    this.prim = prim[k]!;
    this.part = part[k]!;
  }

  occluded(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tmin: number, tmax: number, slot = -1): boolean {
    writeRay(this.ray, ox, oy, oz, dx, dy, dz, tmin, tmax);
    return this.occludedRay(slot);
  }

  /**
   * True when anything lies on `ray` within (tmin, tmax): shadow and AO rays. Does not touch
   * the closest-hit fields. With a `slot` (one per light), the primitive that blocked the slot's
   * previous ray is tried first: neighbouring shadow rays are mostly blocked by the same one. The
   * answer is exact either way, so render order cannot change pixels.
   */
  occludedRay(slot = -1): boolean {
    // The last blocker need not block within this ray's intervals: no cache with clipping.
    if (this.clip !== null) return this.occludedClipped(this.clip);
    const ray = this.ray;
    if (slot >= 0 && slot < SLOTS) {
      const m = this.lastModel[slot]!;
      if (m >= 0) {
        const model = this.models[m]!;
        const p = this.lastPrim[slot]!;
        const o = p * model.primStride;
        const prims = model.prims;
        const kind = model.primKind[p];
        // Each test finds only hits within (tmin, tmax).
        const hit =
          p >= model.planeBase
            ? hitPlane(model.planes, p - model.planeBase, ray)
            : kind === SPHERE
              ? hitSphereRay(prims, o, ray)
              : kind === CONE
                ? hitConeRay(prims, o, ray)
                : hitShape(prims, o, kind!, model.frame, model.shapePlanes, ray);
        if (hit) return true;
      }
    }
    for (let m = 0; m < this.models.length; m++) {
      if (this.walk(m, true)) {
        if (slot >= 0 && slot < SLOTS) {
          this.lastModel[slot] = m;
          this.lastPrim[slot] = this.blocker;
        }
        return true;
      }
    }
    return false;
  }

  /** Unit surface normal at the last closest hit (point p), facing outwards from the primitive. */
  normalAt(): void {
    const px = this.point[0]!, py = this.point[1]!, pz = this.point[2]!;
    const model = this.models[this.model]!;
    const prims = model.prims;
    const o = this.prim * model.primStride;
    const kind = this.prim >= model.planeBase ? PLANE_HIT : model.primKind[this.prim]!;
    let x: number, y: number, z: number;
    if (kind === PLANE_HIT) {
      const q = (this.prim - model.planeBase) * 4;
      x = model.planes[q]!;
      y = model.planes[q + 1]!;
      z = model.planes[q + 2]!;
    } else if (kind > CONE) {
      // For boxes and bounded planes `part` is the face (shapes.ts shapeFace).
      shapeNormal(prims, o, this.part, model.frame, model.shapePlanes, this.scratch);
      x = this.scratch[0]!;
      y = this.scratch[1]!;
      z = this.scratch[2]!;
    } else if (this.part === PART_B) {
      x = px - prims[o + 4]!;
      y = py - prims[o + 5]!;
      z = pz - prims[o + 6]!;
    } else if (this.part === PART_SIDE) {
      const ax = prims[o]!, ay = prims[o + 1]!, az = prims[o + 2]!;
      const bax = prims[o + 4]! - ax, bay = prims[o + 5]! - ay, baz = prims[o + 6]! - az;
      const l2 = bax * bax + bay * bay + baz * baz;
      const wx = px - ax, wy = py - ay, wz = pz - az;
      const q = (wx * bax + wy * bay + wz * baz) / l2;
      // The side is the cone tangent to both end spheres (intersect.ts coneSide), whose radius
      // grows by s / c per unit length (s = (rb - ra) / L, c = sqrt(1 - s^2)): its normal is the
      // radial vector (length rho) tilted back along the axis by rho s / c.
      const rx = wx - q * bax, ry = wy - q * bay, rz = wz - q * baz;
      const rho = Math.sqrt(rx * rx + ry * ry + rz * rz);
      const dr = prims[o + 7]! - prims[o + 3]!;
      const c = Math.sqrt(Math.max(0, 1 - (dr * dr) / l2));
      const tilt = c > 0 ? (rho * dr) / (c * l2) : 0;
      x = rx - tilt * bax;
      y = ry - tilt * bay;
      z = rz - tilt * baz;
    } else {
      x = px - prims[o]!;
      y = py - prims[o + 1]!;
      z = pz - prims[o + 2]!;
    }
    const len = Math.sqrt(x * x + y * y + z * z);
    if (len > 0) {
      this.nx = x / len;
      this.ny = y / len;
      this.nz = z / len;
    } else {
      this.nx = 0;
      this.ny = 0;
      this.nz = 1;
    }
  }

  /**
   * Near-first traversal of one model along `ray` (for the closest hit, up to the current `t`).
   * Box, sphere and cone tests are written out or read the ray from the array: this loop is where
   * a render spends most of its time, and calls with float arguments cost here (time and garbage).
   */
  private walk(m: number, any: boolean): boolean {
    const model = this.models[m]!;
    const b = model.nodeBounds;
    const info = model.nodeInfo;
    const prims = model.prims;
    const stride = model.primStride;
    const kinds = model.primKind;
    const ray = this.ray;
    let best = any ? ray[7]! : this.t;
    let found = false;
    // Infinite planes first: no box holds them.
    for (let i = 0, planes = model.planes.length / 4; i < planes; i++) {
      ray[7] = best;
      if (!hitPlane(model.planes, i, ray)) continue;
      const t = shapeT[0]!;
      if (any) {
        this.blocker = model.planeBase + i;
        return true;
      }
      best = t;
      found = true;
      this.prim = model.planeBase + i;
      this.part = 0;
    }
    if (found) {
      this.t = best;
      this.model = m;
    }
    if (info.length < 2) return false;
    const ox = ray[0]!, oy = ray[1]!, oz = ray[2]!, dx = ray[3]!, dy = ray[4]!, dz = ray[5]!, tmin = ray[6]!;
    const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz;
    const stack = this.stack;
    const stackT = this.stackT;
    let sp = 0;
    let node = 0;
    // Entry distances of the two children of the node being expanded (the root counts as a left child).
    let tl = Infinity;
    let tr = Infinity;
    {
      let t0 = (b[0]! - ox) * ix, t1 = (b[3]! - ox) * ix;
      let lo = t0 < t1 ? t0 : t1, hi = t0 < t1 ? t1 : t0;
      t0 = (b[1]! - oy) * iy;
      t1 = (b[4]! - oy) * iy;
      if (t0 > t1) { const s = t0; t0 = t1; t1 = s; }
      if (t0 > lo) lo = t0;
      if (t1 < hi) hi = t1;
      t0 = (b[2]! - oz) * iz;
      t1 = (b[5]! - oz) * iz;
      if (t0 > t1) { const s = t0; t0 = t1; t1 = s; }
      if (t0 > lo) lo = t0;
      if (t1 < hi) hi = t1;
      if (tmin > lo) lo = tmin;
      if (best < hi) hi = best;
      // NaN (a zero direction component with the origin on a slab plane) fails the comparison: a miss.
      if (!(lo <= hi)) return false;
    }
    for (;;) {
      const count = info[node * 2 + 1]!;
      if (count > 0) {
        const first = info[node * 2]!;
        for (let p = first; p < first + count; p++) {
          const o = p * stride;
          let t: number;
          if (kinds[p] === SPHERE) {
            const lx = ox - prims[o]!, ly = oy - prims[o + 1]!, lz = oz - prims[o + 2]!;
            const r = prims[o + 3]!;
            const bb = lx * dx + ly * dy + lz * dz;
            const disc = bb * bb - (lx * lx + ly * ly + lz * lz - r * r);
            if (disc < 0) continue;
            const sq = Math.sqrt(disc);
            t = -bb - sq;
            if (t <= tmin) t = -bb + sq;
            if (!(t > tmin && t < best)) continue;
            this.candidatePart = PART_A;
          } else if (kinds[p] === CONE) {
            ray[7] = best;
            if (!hitConeRay(prims, o, ray)) continue;
            t = coneT[0]!;
            this.candidatePart = conePart;
          } else {
            ray[7] = best;
            if (!hitShape(prims, o, kinds[p]!, model.frame, model.shapePlanes, ray)) continue;
            t = shapeT[0]!;
            this.candidatePart = shapeFace;
          }
          if (any) {
            this.blocker = p;
            return true;
          }
          best = t;
          found = true;
          this.prim = p;
          this.part = this.candidatePart;
        }
      } else {
        const left = info[node * 2]!;
        for (let c = 0; c < 2; c++) {
          const o = (left + c) * 6;
          let t0 = (b[o]! - ox) * ix, t1 = (b[o + 3]! - ox) * ix;
          let lo = t0 < t1 ? t0 : t1, hi = t0 < t1 ? t1 : t0;
          t0 = (b[o + 1]! - oy) * iy;
          t1 = (b[o + 4]! - oy) * iy;
          if (t0 > t1) { const s = t0; t0 = t1; t1 = s; }
          if (t0 > lo) lo = t0;
          if (t1 < hi) hi = t1;
          t0 = (b[o + 2]! - oz) * iz;
          t1 = (b[o + 5]! - oz) * iz;
          if (t0 > t1) { const s = t0; t0 = t1; t1 = s; }
          if (t0 > lo) lo = t0;
          if (t1 < hi) hi = t1;
          if (tmin > lo) lo = tmin;
          if (best < hi) hi = best;
          const entry = lo <= hi ? lo : Infinity;
          if (c === 0) tl = entry;
          else tr = entry;
        }
        if (tl !== Infinity || tr !== Infinity) {
          if (tl <= tr) {
            if (tr !== Infinity) {
              stack[sp] = left + 1;
              stackT[sp++] = tr;
            }
            node = left;
          } else {
            if (tl !== Infinity) {
              stack[sp] = left;
              stackT[sp++] = tl;
            }
            node = left + 1;
          }
          continue;
        }
      }
      // Pop the next subtree that can still hold something nearer than the best hit.
      for (;;) {
        if (sp === 0) {
          if (found) {
            this.t = best;
            this.model = m;
          }
          return false;
        }
        sp--;
        if (stackT[sp]! < best) {
          node = stack[sp]!;
          break;
        }
      }
    }
  }
}
