import { CONE, SPHERE } from './geometry.js';
import { hitConeRay } from './intersect.js';
import { hitPlane, hitShape } from './shapes.js';
import type { ClipSet } from './clipping.js';
import { Tracer, type TraceModel } from './tracer.js';
import { type ShadowGrid, clampedCell, lightBasis, projectionMargin } from './shadow-grid.js';

/** A model as the packets trace it: its BVH, and per directional light the light-space grid when there is one. */
export interface ShadowModel extends TraceModel {
  shadowGrids?: readonly (ShadowGrid | null)[];
}

/** Most grid cells per side a packet's rays are bucketed into. */
const MAX_GRID = 16;
/** Cells per side of the occupancy bitmap (one 32-bit word per row). */
const OCC = 32;

/**
 * Shadow ray k into `ray`: from origins[3k..3k+2] along the unit vector dir[d..d+2] (towards the
 * light: L of a light basis, U, V, L, is at 6, see lightBasis) over (0, Infinity). Only arrays and
 * an index cross the call, so nothing is boxed where V8 does not inline it (the packet loops are
 * large). It does what intersect.ts's `rayFrom` does, but stays this module's own: with the packets
 * calling `rayFrom` too, the first sphere frames of `bench/frame-garbage.bench.js` made 2.5 MB of
 * garbage in 4 of 10 full runs (0.2 MB in 6 of 6 with this copy).
 */
function shadowRay(ray: Float64Array, origins: Float64Array, k: number, dir: Float64Array, d: number): void {
  for (let i = 0; i < 3; i++) {
    ray[i] = origins[k * 3 + i]!;
    ray[3 + i] = dir[d + i]!;
  }
  ray[6] = 0;
  ray[7] = Infinity;
}

/**
 * Shadow rays towards a directional light, traced as one packet per tile. The rays are parallel,
 * so seen along the light they are points on a plane: each BVH node is projected onto that plane
 * and culled against the packet's extent (a frustum test for the whole tile), nodes entirely
 * behind every ray's origin are skipped, and a primitive is tested only against the rays whose
 * points fall in its projected box (the rays are bucketed in a small grid on the plane). The
 * final test of a ray against a primitive is the per-ray tracer's own, and every cull is
 * conservative, so each ray gets the answer `Tracer.occludedRay` would give.
 */
export class ShadowPackets {
  private u = new Float64Array(0);
  private v = new Float64Array(0);
  private cellStart = new Int32Array(MAX_GRID * MAX_GRID + 1);
  /**
   * Which cells of a finer OCC x OCC grid over the packet's extent hold a ray (bit c of word r):
   * a packet's rays are a sparse scatter inside their bounding rectangle (hits at different depths
   * land far apart along the light), so most nodes and primitives inside the rectangle cover no
   * ray at all, and this rejects them before their children or rays are visited.
   */
  private readonly occupied = new Int32Array(OCC);
  private occUScale = 0;
  private occVScale = 0;
  /**
   * The packet's rays sorted by grid cell: ray index k and its u, v side by side in that order,
   * so a primitive's scan of a cell reads contiguous memory and looks a ray up only once its
   * point lies in the primitive's box.
   */
  private cellRays = new Int32Array(0);
  private cellU = new Float64Array(0);
  private cellV = new Float64Array(0);
  private readonly stack = new Int32Array(256);
  /** The grids of the light being traced, one per model (see gridsOf). */
  private readonly grids: ShadowGrid[] = [];
  private readonly ray = new Float64Array(8);
  /**
   * Orthonormal frame [Ux, Uy, Uz, Vx, Vy, Vz, Lx, Ly, Lz]: U, V span the plane across the light L.
   * Kept in an array, not passed around, as float arguments to calls V8 does not inline are boxed.
   */
  private readonly basis = new Float64Array(9);
  private umin = 0;
  private umax = 0;
  private vmin = 0;
  private vmax = 0;
  private wmin = 0;
  private margin = 0;
  private grid = 1;
  /** Grid cells per unit of u and v (0 for a packet of no extent). */
  private uScale = 0;
  private vScale = 0;
  private left = 0;
  /** Rays in the packet being traced (the first entries of its list). */
  private listLength = 0;

  /** With clipping, each shadow ray is traced on its own through its intervals. */
  private readonly clipped: Tracer | null;

  constructor(
    private readonly models: readonly ShadowModel[],
    clip: ClipSet | null = null,
  ) {
    this.clipped = clip === null ? null : new Tracer(models, clip);
  }

  /**
   * Sets blocked[k] = 1 for each ray k of `list` (the first n entries) that the geometry blocks:
   * rays from origins[3k..3k+2] along the unit vector `light[at..at+2]` over (0, Infinity).
   */
  trace(origins: Float64Array, list: Int32Array, n: number, light: Float64Array, at: number, blocked: Uint8Array): void {
    if (n === 0) return;
    const grids = this.gridsOf(at / 7);
    if (grids !== null) this.traceGrids(grids, origins, list, n, blocked);
    else this.traceUnclipped(origins, list, n, light, at, blocked);
    const clipped = this.clipped;
    if (clipped === null) return;
    // Clipping only removes blockers: a ray blocked by nothing stays unblocked, and only the
    // blocked ones are traced again through their intervals.
    for (let i = 0; i < n; i++) {
      const k = list[i]!;
      if (blocked[k] !== 1) continue;
      shadowRay(clipped.ray, origins, k, light, at);
      if (!clipped.occludedRay()) blocked[k] = 0;
    }
  }

  /** Every model's grid for directional light `light` (integrator order), or null unless all have one. */
  private gridsOf(light: number): readonly ShadowGrid[] | null {
    const grids = this.grids;
    for (let m = 0; m < this.models.length; m++) {
      const grid = this.models[m]!.shadowGrids?.[light];
      if (grid === undefined || grid === null) return null;
      grids[m] = grid;
    }
    return grids;
  }

  /**
   * Each ray of the packet against each model's light-space grid (shadow-grid.ts): the ray's cell
   * lists every sphere and cone whose projection may hold it; boxes, bounded and infinite planes
   * are tested against every ray. The tests are the per-ray tracer's, as in `primitive`.
   */
  private traceGrids(grids: readonly ShadowGrid[], origins: Float64Array, list: Int32Array, n: number, blocked: Uint8Array): void {
    const ray = this.ray;
    for (let m = 0; m < this.models.length; m++) {
      const model = this.models[m]!;
      const grid = grids[m]!;
      const prims = model.prims;
      const stride = model.primStride;
      const kinds = model.primKind;
      const g = grid.basis;
      const Ux = g[0]!, Uy = g[1]!, Uz = g[2]!, Vx = g[3]!, Vy = g[4]!, Vz = g[5]!, lx = g[6]!, ly = g[7]!, lz = g[8]!;
      const f = grid.frame;
      const u0 = f[0]!, v0 = f[1]!, uScale = f[2]!, vScale = f[3]!, u1 = f[4]!, v1 = f[5]!, margin = f[6]!;
      const { cols, rows, start, prims: cells, shapes } = grid;
      const planes = model.planes.length / 4;
      for (let i = 0; i < n; i++) {
        const k = list[i]!;
        if (blocked[k] === 1) continue;
        const ox = origins[k * 3]!, oy = origins[k * 3 + 1]!, oz = origins[k * 3 + 2]!;
        const u = ox * Ux + oy * Uy + oz * Uz, v = ox * Vx + oy * Vy + oz * Vz;
        let hit = false;
        // The ray the cone, shape and plane tests read, once per ray.
        shadowRay(ray, origins, k, g, 6);
        // Outside the grid no bucketed primitive's box holds the ray.
        if (u >= u0 && u <= u1 && v >= v0 && v <= v1) {
          const cell = clampedCell(v - v0, vScale, rows) * cols + clampedCell(u - u0, uScale, cols);
          for (let e = start[cell]!, end = start[cell + 1]!; e < end && !hit; e++) {
            const p = cells[e]!;
            const o = p * stride;
            if (kinds[p] === SPHERE) {
              // The per-ray tracer's sphere test, verbatim, over (0, Infinity).
              const ax = prims[o]!, ay = prims[o + 1]!, az = prims[o + 2]!, ra = prims[o + 3]!;
              const qx = ox - ax, qy = oy - ay, qz = oz - az;
              const bb = qx * lx + qy * ly + qz * lz;
              const disc = bb * bb - (qx * qx + qy * qy + qz * qz - ra * ra);
              if (disc < 0) continue;
              const sq = Math.sqrt(disc);
              let t = -bb - sq;
              if (t <= 0) t = -bb + sq;
              hit = t > 0 && t < Infinity;
            } else {
              // Seen along the light, the cone lies within reach of its wider end of its axis:
              // most rays in its cell pass farther, and the exact test costs ten times this.
              const ax = prims[o]!, ay = prims[o + 1]!, az = prims[o + 2]!, bx = prims[o + 4]!, by = prims[o + 5]!, bz = prims[o + 6]!;
              const au = ax * Ux + ay * Uy + az * Uz, av = ax * Vx + ay * Vy + az * Vz;
              const eu = bx * Ux + by * Uy + bz * Uz - au, ev = bx * Vx + by * Vy + bz * Vz - av;
              const e2 = eu * eu + ev * ev;
              let along = e2 > 0 ? ((u - au) * eu + (v - av) * ev) / e2 : 0;
              along = along < 0 ? 0 : along > 1 ? 1 : along;
              const du = u - au - along * eu, dv = v - av - along * ev;
              const reach = Math.max(prims[o + 3]!, prims[o + 7]!) + margin;
              if (du * du + dv * dv > reach * reach) continue;
              hit = hitConeRay(prims, o, ray);
            }
          }
        }
        for (let s = 0; s < shapes.length && !hit; s++) {
          const p = shapes[s]!;
          hit = hitShape(prims, p * stride, kinds[p]!, model.frame, model.shapePlanes, ray);
        }
        for (let s = 0; s < planes && !hit; s++) {
          hit = hitPlane(model.planes, s, ray);
        }
        if (hit) blocked[k] = 1;
      }
    }
  }

  private traceUnclipped(origins: Float64Array, list: Int32Array, n: number, light: Float64Array, at: number, blocked: Uint8Array): void {
    const lx = light[at]!, ly = light[at + 1]!, lz = light[at + 2]!;
    lightBasis(lx, ly, lz, this.basis);
    if (this.u.length < n) {
      this.u = new Float64Array(n);
      this.v = new Float64Array(n);
      this.cellRays = new Int32Array(n);
      this.cellU = new Float64Array(n);
      this.cellV = new Float64Array(n);
    }
    const b = this.basis;
    let umin = Infinity, umax = -Infinity, vmin = Infinity, vmax = -Infinity, wmin = Infinity;
    for (let i = 0; i < n; i++) {
      const k = list[i]!;
      const ox = origins[k * 3]!, oy = origins[k * 3 + 1]!, oz = origins[k * 3 + 2]!;
      const u = ox * b[0]! + oy * b[1]! + oz * b[2]!;
      const v = ox * b[3]! + oy * b[4]! + oz * b[5]!;
      const w = ox * lx + oy * ly + oz * lz;
      this.u[i] = u;
      this.v[i] = v;
      if (u < umin) umin = u;
      if (u > umax) umax = u;
      if (v < vmin) vmin = v;
      if (v > vmax) vmax = v;
      if (w < wmin) wmin = w;
    }
    // Projections are computed in doubles from float32 geometry; this slack keeps every cull on
    // the safe side of the exact test by orders of magnitude.
    this.margin = projectionMargin(Math.max(Math.abs(umin), Math.abs(umax), Math.abs(vmin), Math.abs(vmax), Math.abs(wmin)));
    this.umin = umin;
    this.umax = umax;
    this.vmin = vmin;
    this.vmax = vmax;
    this.wmin = wmin;
    this.bucket(list, n);
    this.left = n;
    this.listLength = n;
    for (let m = 0; m < this.models.length && this.left > 0; m++) this.walk(m, origins, list, blocked);
  }

  /** Counting sort of the packet's rays into grid cells on the plane. */
  private bucket(list: Int32Array, n: number): void {
    const grid = Math.max(1, Math.min(MAX_GRID, Math.ceil(Math.sqrt(n / 4))));
    this.grid = grid;
    const uSpan = this.umax - this.umin, vSpan = this.vmax - this.vmin;
    this.uScale = uSpan > 0 ? grid / uSpan : 0;
    this.vScale = vSpan > 0 ? grid / vSpan : 0;
    const start = this.cellStart;
    start.fill(0, 0, grid * grid + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cellOf(i) + 1;
      start[c] = start[c]! + 1;
    }
    for (let c = 0; c < grid * grid; c++) start[c + 1] = start[c + 1]! + start[c]!;
    // Fill using start[] as a cursor, then shift it back.
    for (let i = 0; i < n; i++) {
      const c = this.cellOf(i);
      const at = start[c]!;
      this.cellRays[at] = list[i]!;
      this.cellU[at] = this.u[i]!;
      this.cellV[at] = this.v[i]!;
      start[c] = at + 1;
    }
    for (let c = grid * grid; c > 0; c--) start[c] = start[c - 1]!;
    start[0] = 0;
    this.occUScale = uSpan > 0 ? OCC / uSpan : 0;
    this.occVScale = vSpan > 0 ? OCC / vSpan : 0;
    const occupied = this.occupied;
    occupied.fill(0);
    for (let i = 0; i < n; i++) {
      const r = this.occRow(this.v[i]!);
      occupied[r] = occupied[r]! | (1 << this.occCol(this.u[i]!));
    }
  }

  private occCol(u: number): number {
    return clampedCell(u - this.umin, this.occUScale, OCC);
  }

  private occRow(v: number): number {
    return clampedCell(v - this.vmin, this.occVScale, OCC);
  }

  /** Whether the rectangle [uLo, uHi] x [vLo, vHi] of the plane holds a cell with a ray (it may hold none of the rays). */
  private mayHoldRays(uLo: number, uHi: number, vLo: number, vHi: number): boolean {
    const c0 = this.occCol(uLo), c1 = this.occCol(uHi);
    // Bits c0..c1 (a shift by 32 would wrap).
    const columns = (c1 >= OCC - 1 ? -1 : (1 << (c1 + 1)) - 1) & (-1 << c0);
    const occupied = this.occupied;
    for (let r = this.occRow(vLo), r1 = this.occRow(vHi); r <= r1; r++) if ((occupied[r]! & columns) !== 0) return true;
    return false;
  }

  private cellOf(i: number): number {
    return this.row(this.v[i]!) * this.grid + this.col(this.u[i]!);
  }

  // Bucketing and lookups use the same monotone maps, so a box's cells hold every ray inside it.
  private col(u: number): number {
    return clampedCell(u - this.umin, this.uScale, this.grid);
  }

  private row(v: number): number {
    return clampedCell(v - this.vmin, this.vScale, this.grid);
  }

  private walk(m: number, origins: Float64Array, list: Int32Array, blocked: Uint8Array): void {
    const model = this.models[m]!;
    const bounds = model.nodeBounds;
    const info = model.nodeInfo;
    const prims = model.prims;
    const stride = model.primStride;
    const kinds = model.primKind;
    for (let i = 0, n = model.planes.length / 4; i < n && this.left > 0; i++) this.everyRay(model, -1, i, origins, list, blocked);
    if (info.length < 2) return;
    const b = this.basis;
    const Ux = b[0]!, Uy = b[1]!, Uz = b[2]!, Vx = b[3]!, Vy = b[4]!, Vz = b[5]!, lx = b[6]!, ly = b[7]!, lz = b[8]!;
    // Half-extent of a box along an axis a: sum of its half sizes times |a|.
    const aUx = Math.abs(Ux), aUy = Math.abs(Uy), aUz = Math.abs(Uz);
    const aVx = Math.abs(Vx), aVy = Math.abs(Vy), aVz = Math.abs(Vz);
    const aLx = Math.abs(lx), aLy = Math.abs(ly), aLz = Math.abs(lz);
    const mg = this.margin;
    const uLo = this.umin - mg, uHi = this.umax + mg, vLo = this.vmin - mg, vHi = this.vmax + mg, wLo = this.wmin - mg;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp]!;
      const o = node * 6;
      const hx = (bounds[o + 3]! - bounds[o]!) / 2, hy = (bounds[o + 4]! - bounds[o + 1]!) / 2, hz = (bounds[o + 5]! - bounds[o + 2]!) / 2;
      const cx = bounds[o]! + hx, cy = bounds[o + 1]! + hy, cz = bounds[o + 2]! + hz;
      const cu = cx * Ux + cy * Uy + cz * Uz, ru = hx * aUx + hy * aUy + hz * aUz;
      if (cu + ru < uLo || cu - ru > uHi) continue;
      const cv = cx * Vx + cy * Vy + cz * Vz, rv = hx * aVx + hy * aVy + hz * aVz;
      if (cv + rv < vLo || cv - rv > vHi) continue;
      // Rays only travel towards the light: a box wholly behind every origin blocks none.
      if (cx * lx + cy * ly + cz * lz + hx * aLx + hy * aLy + hz * aLz < wLo) continue;
      if (!this.mayHoldRays(cu - ru - mg, cu + ru + mg, cv - rv - mg, cv + rv + mg)) continue;
      const count = info[node * 2 + 1]!;
      if (count === 0) {
        const child = info[node * 2]!;
        stack[sp++] = child;
        stack[sp++] = child + 1;
        continue;
      }
      const first = info[node * 2]!;
      for (let p = first; p < first + count; p++) {
        if (kinds[p]! > CONE) this.everyRay(model, p, 0, origins, list, blocked);
        else this.primitive(prims, kinds[p] === SPHERE, p * stride, origins, blocked);
        if (this.left === 0) return;
      }
    }
  }

  /**
   * Box or bounded plane p (or, with p = -1, infinite plane `plane`) against every unblocked ray of
   * the packet: such shapes are few, and a plane has no projection to cull with.
   */
  private everyRay(model: TraceModel, p: number, plane: number, origins: Float64Array, list: Int32Array, blocked: Uint8Array): void {
    const b = this.basis;
    const ray = this.ray;
    const kind = p < 0 ? 0 : model.primKind[p]!;
    for (let i = 0; i < this.listLength; i++) {
      const k = list[i]!;
      if (blocked[k] === 1) continue;
      shadowRay(ray, origins, k, b, 6);
      if (p < 0 ? hitPlane(model.planes, plane, ray) : hitShape(model.prims, p * model.primStride, kind, model.frame, model.shapePlanes, ray)) {
        blocked[k] = 1;
        if (--this.left === 0) return;
      }
    }
  }

  /** Tests one primitive against the unblocked rays of the grid cells its projection covers. */
  private primitive(prims: Float32Array, sphere: boolean, o: number, origins: Float64Array, blocked: Uint8Array): void {
    const b = this.basis;
    const lx = b[6]!, ly = b[7]!, lz = b[8]!;
    const ax = prims[o]!, ay = prims[o + 1]!, az = prims[o + 2]!, ra = prims[o + 3]!;
    let uLo = ax * b[0]! + ay * b[1]! + az * b[2]! - ra;
    let uHi = uLo + 2 * ra;
    let vLo = ax * b[3]! + ay * b[4]! + az * b[5]! - ra;
    let vHi = vLo + 2 * ra;
    let wHi = ax * lx + ay * ly + az * lz + ra;
    // Seen along the light, a sphere is a disc around (au, av), and a cone lies within reach of
    // its wider end of its axis from (au, av) by (eu, ev).
    const au = uLo + ra, av = vLo + ra;
    let eu = 0, ev = 0, e2 = 0, reach2 = (ra + this.margin) * (ra + this.margin);
    if (!sphere) {
      // A cone lies within the hull of its end spheres.
      const bx = prims[o + 4]!, by = prims[o + 5]!, bz = prims[o + 6]!, rb = prims[o + 7]!;
      const bu = bx * b[0]! + by * b[1]! + bz * b[2]!, bv = bx * b[3]! + by * b[4]! + bz * b[5]!;
      eu = bu - au;
      ev = bv - av;
      e2 = eu * eu + ev * ev;
      const reach = Math.max(ra, rb) + this.margin;
      reach2 = reach * reach;
      uLo = Math.min(uLo, bu - rb);
      uHi = Math.max(uHi, bu + rb);
      vLo = Math.min(vLo, bv - rb);
      vHi = Math.max(vHi, bv + rb);
      wHi = Math.max(wHi, bx * lx + by * ly + bz * lz + rb);
    }
    const mg = this.margin;
    uLo -= mg;
    uHi += mg;
    vLo -= mg;
    vHi += mg;
    if (uHi < this.umin || uLo > this.umax || vHi < this.vmin || vLo > this.vmax || wHi + mg < this.wmin) return;
    if (!this.mayHoldRays(uLo, uHi, vLo, vHi)) return;
    const c0 = this.col(uLo), c1 = this.col(uHi), r0 = this.row(vLo), r1 = this.row(vHi);
    const grid = this.grid;
    const start = this.cellStart;
    const cells = this.cellRays;
    const us = this.cellU, vs = this.cellV;
    const r2 = ra * ra;
    for (let r = r0; r <= r1; r++) {
      // The cells c0..c1 of a grid row hold one contiguous run of the sorted rays.
      for (let j = start[r * grid + c0]!, end = start[r * grid + c1 + 1]!; j < end; j++) {
        const u = us[j]!, v = vs[j]!;
        if (u < uLo || u > uHi || v < vLo || v > vHi) continue;
        const k = cells[j]!;
        if (blocked[k] === 1) continue;
        // A ray farther from the axis (a sphere's centre) than the radius misses: a sphere's
        // box corners, and most of a diagonal cone's box.
        let f = e2 > 0 ? ((u - au) * eu + (v - av) * ev) / e2 : 0;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        const du = u - au - f * eu, dv = v - av - f * ev;
        if (du * du + dv * dv > reach2) continue;
        const ox = origins[k * 3]!, oy = origins[k * 3 + 1]!, oz = origins[k * 3 + 2]!;
        let hit: boolean;
        if (sphere) {
          // The per-ray tracer's sphere test, verbatim, over (0, Infinity).
          const qx = ox - ax, qy = oy - ay, qz = oz - az;
          const bb = qx * lx + qy * ly + qz * lz;
          const disc = bb * bb - (qx * qx + qy * qy + qz * qz - r2);
          if (disc < 0) continue;
          const sq = Math.sqrt(disc);
          let t = -bb - sq;
          if (t <= 0) t = -bb + sq;
          hit = t > 0 && t < Infinity;
        } else {
          shadowRay(this.ray, origins, k, this.basis, 6);
          hit = hitConeRay(prims, o, this.ray);
        }
        if (hit) {
          blocked[k] = 1;
          if (--this.left === 0) return;
        }
      }
    }
  }
}
