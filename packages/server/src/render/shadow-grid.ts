import { CONE, SPHERE } from './geometry.js';
import { shared } from './parallel-build.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { TraceModel } from './tracer.js';

/**
 * A model's primitives seen along one directional light, bucketed in a uniform grid on the plane
 * across it. Shadow rays towards such a light are parallel, so each is a point on that plane:
 * the primitives that can block it are those whose projection holds the point, all listed in the
 * point's cell. A shadow ray costs a handful of exact tests instead of a BVH traversal, and the
 * grid is built once per model and light direction, at the second frame that needs it (`shadowGrid`).
 *
 * Spheres and cones are bucketed by their projected box (a cone's: its end spheres'); boxes and
 * bounded planes (few, user-added, often large) are listed apart and tested against every ray.
 */
export interface ShadowGrid {
  /** The unit vector towards the light the grid was built for. */
  light: [number, number, number];
  /** U xyz, V xyz, L xyz: U and V span the plane across the light L (`lightBasis`). */
  basis: Float64Array;
  /** Lowest u and v of the grid, its cells per unit of u and v, highest u and v, the projections' margin. */
  frame: Float64Array;
  cols: number;
  rows: number;
  /** Per cell, where its primitives start in `prims` (cells + 1 entries). */
  start: Uint32Array;
  prims: Uint32Array;
  /** Boxes and bounded planes, tested against every ray. */
  shapes: Uint32Array;
}

/** Cells per bucketed primitive (the grid's resolution). */
const CELLS_PER_PRIM = 0.5;
/** Cell lists longer than this many entries per primitive mean primitives much larger than cells: no grid. */
const MAX_ENTRIES_PER_PRIM = 8;
/** Boxes and bounded planes every ray is tested against; more, and the BVH packets trace the light's rays. */
const MAX_SHAPES = 64;

/** Primitives between event-loop turns of a build (a few milliseconds: `cancel` messages must not wait). */
const CHUNK = 0xffff;

/** Any unit U, V with U, V, L orthonormal, into out[0..8] (L at 6..8). */
export function lightBasis(lx: number, ly: number, lz: number, out: Float64Array): void {
  // Cross with the axis least aligned with L.
  const ax = Math.abs(lx), ay = Math.abs(ly), az = Math.abs(lz);
  let ux: number, uy: number, uz: number;
  if (ax <= ay && ax <= az) {
    ux = 0;
    uy = lz;
    uz = -ly;
  } else if (ay <= az) {
    ux = -lz;
    uy = 0;
    uz = lx;
  } else {
    ux = ly;
    uy = -lx;
    uz = 0;
  }
  const len = Math.sqrt(ux * ux + uy * uy + uz * uz);
  ux /= len;
  uy /= len;
  uz /= len;
  out[0] = ux;
  out[1] = uy;
  out[2] = uz;
  out[3] = ly * uz - lz * uy;
  out[4] = lz * ux - lx * uz;
  out[5] = lx * uy - ly * ux;
  out[6] = lx;
  out[7] = ly;
  out[8] = lz;
}

/**
 * Projections are computed in doubles from float32 geometry, the same way for the grid and for
 * the rays; this slack keeps every bucket on the safe side of the exact test by orders of magnitude.
 */
export function projectionMargin(largestCoordinate: number): number {
  return 1e-6 * (1 + largestCoordinate);
}

/** Cell of a grid of `cells` cells at `offset` from its start (`scale` cells per unit), clamped to the grid. */
export function clampedCell(offset: number, scale: number, cells: number): number {
  const c = Math.floor(offset * scale);
  return c < 0 ? 0 : c >= cells ? cells - 1 : c;
}

/**
 * The grid of `model` along the unit vector (lx, ly, lz) towards the light (awaiting `checkpoint`
 * between chunks of primitives), or null when it would not pay: no spheres or cones, more than
 * MAX_SHAPES boxes and bounded planes, or primitives so much larger than the cells that they fill
 * too many (the BVH packets then trace the light's rays).
 */
export async function buildShadowGrid(model: TraceModel, lx: number, ly: number, lz: number, checkpoint: () => Promise<void> = async () => {}): Promise<ShadowGrid | null> {
  const kinds = model.primKind;
  const count = Math.min(kinds.length, model.planeBase);
  const basis = shared(Float64Array, 9);
  lightBasis(lx, ly, lz, basis);
  const box = new Float64Array(4);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity, bucketed = 0;
  let extent = 0, shapeCount = 0;
  for (let p = 0; p < count; p++) {
    if ((p & CHUNK) === CHUNK) await checkpoint();
    if (kinds[p]! > CONE) {
      if (++shapeCount > MAX_SHAPES) return null;
      continue;
    }
    projectedBox(model, p, basis, 0, box);
    if (box[0]! < u0) u0 = box[0]!;
    if (box[1]! > u1) u1 = box[1]!;
    if (box[2]! < v0) v0 = box[2]!;
    if (box[3]! > v1) v1 = box[3]!;
    extent += box[1]! - box[0]! + box[3]! - box[2]!;
    bucketed++;
  }
  if (bucketed === 0) return null;
  const margin = projectionMargin(Math.max(Math.abs(u0), Math.abs(u1), Math.abs(v0), Math.abs(v1)));
  // Square cells, about CELLS_PER_PRIM per primitive, but no smaller than the mean primitive.
  const du = u1 - u0 + 2 * margin, dv = v1 - v0 + 2 * margin;
  const side = Math.max(Math.sqrt((du * dv) / (bucketed * CELLS_PER_PRIM)), extent / (2 * bucketed), 1e-30);
  const cols = Math.max(1, Math.min(4096, Math.ceil(du / side)));
  const rows = Math.max(1, Math.min(4096, Math.ceil(dv / side)));
  const frame = shared(Float64Array, 7);
  frame.set([u0 - margin, v0 - margin, cols / du, rows / dv, u1 + margin, v1 + margin, margin]);
  const start = shared(Uint32Array, cols * rows + 1);
  /** Primitive p's first and last column and row (c0, c1, r0, r1) after `cellsOf`. */
  const cells = new Int32Array(4);
  const cellsOf = (p: number): void => {
    projectedBox(model, p, basis, margin, box);
    cells[0] = clampedCell(box[0]! - frame[0]!, frame[2]!, cols);
    cells[1] = clampedCell(box[1]! - frame[0]!, frame[2]!, cols);
    cells[2] = clampedCell(box[2]! - frame[1]!, frame[3]!, rows);
    cells[3] = clampedCell(box[3]! - frame[1]!, frame[3]!, rows);
  };
  // Count, then fill each cell from its end (start[] as a cursor ends at each cell's start).
  let entries = 0;
  for (let p = 0; p < count; p++) {
    if ((p & CHUNK) === CHUNK) await checkpoint();
    if (kinds[p]! > CONE) continue;
    cellsOf(p);
    const c0 = cells[0]!, c1 = cells[1]!, r0 = cells[2]!, r1 = cells[3]!;
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) start[r * cols + c + 1] = start[r * cols + c + 1]! + 1;
    entries += (r1 - r0 + 1) * (c1 - c0 + 1);
    if (entries > MAX_ENTRIES_PER_PRIM * bucketed) return null;
  }
  for (let c = 0; c < cols * rows; c++) start[c + 1] = start[c + 1]! + start[c]!;
  const prims = shared(Uint32Array, entries);
  const shapes: number[] = [];
  // Filling from the last primitive down, each cell lists its primitives in leaf order.
  for (let p = count - 1; p >= 0; p--) {
    if ((p & CHUNK) === CHUNK) await checkpoint();
    if (kinds[p]! > CONE) {
      shapes.push(p);
      continue;
    }
    cellsOf(p);
    const c0 = cells[0]!, c1 = cells[1]!, r0 = cells[2]!, r1 = cells[3]!;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const at = start[r * cols + c + 1]! - 1;
        prims[at] = p;
        start[r * cols + c + 1] = at;
      }
    }
  }
  // The cursors now hold each cell's start one cell late: shift them back.
  for (let c = 0; c < cols * rows; c++) start[c] = start[c + 1]!;
  start[cols * rows] = entries;
  const shapeList = shared(Uint32Array, shapes.length);
  shapeList.set(shapes.reverse());
  return { light: [lx, ly, lz], basis, frame, cols, rows, start, prims, shapes: shapeList };
}

/**
 * The box (uLo, uHi, vLo, vHi, widened by `margin`) that primitive p (a sphere, or a cone's end
 * spheres) covers on the plane of `basis`.
 */
function projectedBox(model: TraceModel, p: number, basis: Float64Array, margin: number, out: Float64Array): void {
  const prims = model.prims;
  const o = p * model.primStride;
  const ax = prims[o]!, ay = prims[o + 1]!, az = prims[o + 2]!, ra = prims[o + 3]!;
  const au = ax * basis[0]! + ay * basis[1]! + az * basis[2]!;
  const av = ax * basis[3]! + ay * basis[4]! + az * basis[5]!;
  let uLo = au - ra, uHi = au + ra, vLo = av - ra, vHi = av + ra;
  if (model.primKind[p] !== SPHERE) {
    const bx = prims[o + 4]!, by = prims[o + 5]!, bz = prims[o + 6]!, rb = prims[o + 7]!;
    const bu = bx * basis[0]! + by * basis[1]! + bz * basis[2]!;
    const bv = bx * basis[3]! + by * basis[4]! + bz * basis[5]!;
    uLo = Math.min(uLo, bu - rb);
    uHi = Math.max(uHi, bu + rb);
    vLo = Math.min(vLo, bv - rb);
    vHi = Math.max(vHi, bv + rb);
  }
  out[0] = uLo - margin;
  out[1] = uHi + margin;
  out[2] = vLo - margin;
  out[3] = vHi + margin;
}

/** Light directions each model remembers, most recently used (a light that moves, say with the camera, rebuilds). */
const KEPT = 2;
/** Per model, the directions asked for lately and their grids (null: asked for once, not built). */
const cache = new WeakMap<TraceModel, { light: readonly number[]; grid: Promise<ShadowGrid | null> | null }[]>();

/**
 * The grid of `model` along (lx, ly, lz) from the second frame that asks for it on (renders that
 * need it meanwhile wait for the same build), kept for later frames; null for the first such
 * frame and when it would not pay. A build costs about what the BVH packets spend on a few
 * frames' shadows, so a direction seen once (a single snapshot, a light that follows the camera)
 * is traced by the packets, as leaf-colors.ts waits for colours seen twice.
 */
export function shadowGrid(model: TraceModel, lx: number, ly: number, lz: number): Promise<ShadowGrid | null> {
  const kept = cache.get(model) ?? [];
  const found = kept.find(({ light }) => light[0] === lx && light[1] === ly && light[2] === lz);
  const entry = found ?? { light: [lx, ly, lz], grid: null };
  const grid = entry.grid ?? (found === undefined ? null : buildShadowGrid(model, lx, ly, lz, () => yieldToLoop()));
  entry.grid = grid;
  // The most recently used last: the first is the one to drop.
  cache.set(model, [...kept.filter((e) => e !== entry).slice(-KEPT + 1), entry]);
  return grid ?? Promise.resolve(null);
}
