/**
 * Brayns 3.10.1's area lights (`add-light-quad`, `add-light-sphere`, handed to OSPRay 2.10's "quad"
 * light and "sphere" (point light with a radius)). Quantities are OSPRay's defaults, which Brayns
 * keeps: a quad's intensity is radiance (colour * intensity), emitted only to the side
 * edge1 x edge2 points to; a sphere's is intensity in W/sr, radiance intensity / (pi r^2), nothing
 * for points inside it; radius 0 is a point light. Lights are invisible to camera rays.
 *
 * The interactive renderer (OSPRay's scivis, surfaces.ispc) takes one fixed sample per area light
 * ("sample center of area lights"): the quad's centre, weighted by its area * cos at the light /
 * distance^2, and the direction to the sphere's centre, weighted by the solid angle of its cone
 * (2 pi (1 - cos)); one shadow ray each. `scivisSample` does the same.
 *
 * The production renderer gets what a path tracer converges to: the closed-form irradiance (the
 * quad's cosine-weighted solid angle by Lambert's formula over the part above the horizon; a
 * sphere cut by the horizon by Snyder's formula), times the share of a few fixed shadow samples on
 * the light that nothing blocks.
 */
import { rayFrom } from './intersect.js';
import type { Tracer } from './tracer.js';

export const AREA_FIELDS = 14;
export const QUAD_LIGHT = 0;
export const SPHERE_LIGHT = 1;

/** Shadow samples per light and point, on a fixed grid (deterministic soft shadows). */
export const SHADOW_GRID = 2;

const POLY = new Float64Array(5 * 3);

/** Below this sin of its half-angle a sphere light counts as a point (PointLight.ispc's precision cut-off). */
const POINT_SIN = 0.005;

/**
 * The scivis renderer's single sample of the light at `lights[at..]` from the point p = surface[0..2]
 * with unit normal n = surface[3..5]: false when it adds nothing; else it writes the unit direction
 * to the sample and the distance a shadow ray must clear into out[0..3], and what it adds per unit
 * of colour * intensity / pi (cos at the surface included) into out[4].
 */
export function scivisSample(lights: Float64Array, at: number, surface: Float64Array, out: Float64Array): boolean {
  let dx = lights[at + 4]! - surface[0]!, dy = lights[at + 5]! - surface[1]!, dz = lights[at + 6]! - surface[2]!;
  let weight: number;
  let dist: number;
  if (lights[at] === QUAD_LIGHT) {
    const e1x = lights[at + 7]!, e1y = lights[at + 8]!, e1z = lights[at + 9]!;
    const e2x = lights[at + 10]!, e2y = lights[at + 11]!, e2z = lights[at + 12]!;
    dx += (e1x + e2x) / 2;
    dy += (e1y + e2y) / 2;
    dz += (e1z + e2z) / 2;
    dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
    if (!(dist > 0)) return false;
    dx /= dist;
    dy /= dist;
    dz /= dist;
    // edge2 x edge1: its length is the area, and the light shines where it points away from p.
    const fx = e2y * e1z - e2z * e1y, fy = e2z * e1x - e2x * e1z, fz = e2x * e1y - e2y * e1x;
    const cosd = fx * dx + fy * dy + fz * dz;
    if (!(cosd > 0)) return false;
    weight = cosd / (dist * dist);
  } else {
    const d2 = dx * dx + dy * dy + dz * dz;
    const d = Math.sqrt(d2);
    if (!(d > 0)) return false;
    dx /= d;
    dy /= d;
    dz /= d;
    const r = lights[at + 13]!;
    const sin = r / d;
    if (r > 0 && sin > POINT_SIN) {
      if (sin >= 1) return false;
      weight = (2 * (1 - Math.sqrt(1 - sin * sin))) / (r * r);
      dist = d - r;
    } else {
      weight = 1 / d2;
      dist = d;
    }
  }
  const cos = dx * surface[3]! + dy * surface[4]! + dz * surface[5]!;
  if (!(cos > 0)) return false;
  out[0] = dx;
  out[1] = dy;
  out[2] = dz;
  out[3] = dist;
  out[4] = weight * cos;
  return true;
}
const CLIPPED = new Float64Array(6 * 3);

/**
 * The irradiance a light at `lights[at..]` (layout in lights.ts) gives the point p = surface[0..2]
 * with unit normal n = surface[3..5], per unit of its colour * intensity, into out[0]: 0 when the
 * point is behind or inside the light.
 */
export function areaIrradiance(lights: Float64Array, at: number, surface: Float64Array, out: Float64Array): void {
  const px = surface[0]!, py = surface[1]!, pz = surface[2]!, nx = surface[3]!, ny = surface[4]!, nz = surface[5]!;
  const cx = lights[at + 4]! - px, cy = lights[at + 5]! - py, cz = lights[at + 6]! - pz;
  out[0] = 0;
  if (lights[at] === SPHERE_LIGHT) {
    const r = lights[at + 13]!;
    const d2 = cx * cx + cy * cy + cz * cz;
    if (d2 <= r * r) return;
    const d = Math.sqrt(d2);
    const cos = (cx * nx + cy * ny + cz * nz) / d;
    if (r === 0) {
      out[0] = cos > 0 ? cos / d2 : 0;
      return;
    }
    // Irradiance from a uniform sphere of unit radiance seen under half-angle sigma (sin^2 sigma =
    // r^2 / d^2) whose centre is at angle theta from the normal (cos theta = cos): pi sin^2 sigma
    // cos theta while the whole sphere is above the horizon, Snyder's formula for a sphere cut by it.
    const sinSigma2 = (r * r) / d2;
    let e: number;
    if (cos * cos > sinSigma2) e = cos > 0 ? Math.PI * sinSigma2 * cos : 0;
    else {
      const sinTheta = Math.sqrt(Math.max(0, 1 - cos * cos));
      const x = Math.sqrt(1 / sinSigma2 - 1);
      const y = sinTheta > 0 ? Math.max(-1, Math.min(1, (-x * cos) / sinTheta)) : 0;
      const sinThetaSqrtY = sinTheta * Math.sqrt(1 - y * y);
      e = Math.max((cos * Math.acos(y) - x * sinThetaSqrtY) * sinSigma2 + Math.atan(sinThetaSqrtY / x), 0);
    }
    out[0] = e / (Math.PI * r * r);
    return;
  }
  const e1x = lights[at + 7]!, e1y = lights[at + 8]!, e1z = lights[at + 9]!;
  const e2x = lights[at + 10]!, e2y = lights[at + 11]!, e2z = lights[at + 12]!;
  // One-sided: the point must lie on the side edge1 x edge2 points to (c = corner - p).
  const fx = e1y * e2z - e1z * e2y, fy = e1z * e2x - e1x * e2z, fz = e1x * e2y - e1y * e2x;
  if (-(cx * fx + cy * fy + cz * fz) <= 0) return;
  const v = POLY;
  v[0] = cx;
  v[1] = cy;
  v[2] = cz;
  v[3] = cx + e1x;
  v[4] = cy + e1y;
  v[5] = cz + e1z;
  v[6] = cx + e1x + e2x;
  v[7] = cy + e1y + e2y;
  v[8] = cz + e1z + e2z;
  v[9] = cx + e2x;
  v[10] = cy + e2y;
  v[11] = cz + e2z;
  const count = clipToHorizon(v, 4, surface, CLIPPED);
  polygonCosineSolidAngle(CLIPPED, count, surface, out);
}

/**
 * Sutherland-Hodgman clip of a polygon (vertices relative to p) to the half-space n.v >= 0
 * (n = surface[3..5]); returns the vertex count written to `out`.
 */
function clipToHorizon(v: Float64Array, count: number, surface: Float64Array, out: Float64Array): number {
  const nx = surface[3]!, ny = surface[4]!, nz = surface[5]!;
  let k = 0;
  for (let i = 0; i < count; i++) {
    const j = (i + 1) % count;
    const ax = v[i * 3]!, ay = v[i * 3 + 1]!, az = v[i * 3 + 2]!;
    const bx = v[j * 3]!, by = v[j * 3 + 1]!, bz = v[j * 3 + 2]!;
    const da = ax * nx + ay * ny + az * nz;
    const db = bx * nx + by * ny + bz * nz;
    if (da >= 0) {
      out[k * 3] = ax;
      out[k * 3 + 1] = ay;
      out[k * 3 + 2] = az;
      k++;
    }
    if ((da >= 0) !== (db >= 0)) {
      const s = da / (da - db);
      out[k * 3] = ax + s * (bx - ax);
      out[k * 3 + 1] = ay + s * (by - ay);
      out[k * 3 + 2] = az + s * (bz - az);
      k++;
    }
  }
  return k;
}

/** Lambert's formula: the integral of cos over the solid angle of a polygon above the horizon (n = surface[3..5]), into out[0]. */
function polygonCosineSolidAngle(v: Float64Array, count: number, surface: Float64Array, out: Float64Array): void {
  out[0] = 0;
  if (count < 3) return;
  const nx = surface[3]!, ny = surface[4]!, nz = surface[5]!;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const j = (i + 1) % count;
    let ax = v[i * 3]!, ay = v[i * 3 + 1]!, az = v[i * 3 + 2]!;
    let bx = v[j * 3]!, by = v[j * 3 + 1]!, bz = v[j * 3 + 2]!;
    const la = Math.sqrt(ax * ax + ay * ay + az * az), lb = Math.sqrt(bx * bx + by * by + bz * bz);
    if (la === 0 || lb === 0) continue;
    ax /= la;
    ay /= la;
    az /= la;
    bx /= lb;
    by /= lb;
    bz /= lb;
    const gx = ay * bz - az * by, gy = az * bx - ax * bz, gz = ax * by - ay * bx;
    const gl = Math.sqrt(gx * gx + gy * gy + gz * gz);
    if (gl === 0) continue;
    const angle = Math.acos(Math.max(-1, Math.min(1, ax * bx + ay * by + az * bz)));
    sum += (angle * (gx * nx + gy * ny + gz * nz)) / gl;
  }
  out[0] = Math.abs(sum) / 2;
}

/**
 * Point s of shadow sample `i` (of SHADOW_GRID^2) on the light as seen from p = surface[0..2], into
 * out: the quad's cell centres; for a sphere, cell centres of its disc facing p (concentric map).
 */
export function shadowSample(lights: Float64Array, at: number, i: number, surface: Float64Array, out: Float64Array): void {
  const u = ((i % SHADOW_GRID) + 0.5) / SHADOW_GRID;
  const w = (Math.floor(i / SHADOW_GRID) + 0.5) / SHADOW_GRID;
  const cx = lights[at + 4]!, cy = lights[at + 5]!, cz = lights[at + 6]!;
  if (lights[at] === QUAD_LIGHT) {
    out[0] = cx + u * lights[at + 7]! + w * lights[at + 10]!;
    out[1] = cy + u * lights[at + 8]! + w * lights[at + 11]!;
    out[2] = cz + u * lights[at + 9]! + w * lights[at + 12]!;
    return;
  }
  const r = lights[at + 13]!;
  let dx = surface[0]! - cx, dy = surface[1]! - cy, dz = surface[2]! - cz;
  const len = Math.sqrt(dx * dx + dy * dy + dz * dz) || 1;
  dx /= len;
  dy /= len;
  dz /= len;
  // Any basis across the direction to p.
  let ax = 0, ay = dz, az = -dy;
  if (Math.abs(dx) > 0.9) {
    ax = -dz;
    ay = 0;
    az = dx;
  }
  const al = Math.sqrt(ax * ax + ay * ay + az * az);
  ax /= al;
  ay /= al;
  az /= al;
  const bx = dy * az - dz * ay, by = dz * ax - dx * az, bz = dx * ay - dy * ax;
  // Concentric square -> disc map (Shirley-Chiu) keeps the cells equal in area.
  const a = 2 * u - 1, b = 2 * w - 1;
  let rad: number, phi: number;
  if (Math.abs(a) > Math.abs(b)) {
    rad = a;
    phi = (Math.PI / 4) * (b / a);
  } else {
    rad = b;
    phi = b === 0 ? 0 : Math.PI / 2 - (Math.PI / 4) * (a / b);
  }
  const su = rad * Math.cos(phi) * r, sv = rad * Math.sin(phi) * r;
  out[0] = cx + su * ax + sv * bx;
  out[1] = cy + su * ay + sv * by;
  out[2] = cz + su * az + sv * bz;
}

/**
 * The quad and sphere lights of a render, lighting surface points (allocation-free: results in
 * r, g, b). `exact` picks the production renderer's closed form over scivis's
 * single sample. Floats cross no call here, only arrays: a float argument or result of a call V8
 * leaves out of line is boxed on the heap (37 MB per full-HD frame lit by one quad light).
 */
export class AreaLighting {
  r = 0;
  g = 0;
  b = 0;
  /** The point being lit xyz and its facing unit normal xyz (see `shade`). */
  private readonly surface = new Float64Array(6);
  /** A light sample: unit direction, distance and weight (scivis), or a point on the light. */
  private readonly sample = new Float64Array(5);
  /** What the last `scivisLight` / `exactLight` that returned true adds per unit of the light's colour. */
  private readonly added = new Float64Array(1);

  constructor(
    private readonly lights: Float64Array,
    private readonly tracer: Tracer,
    private readonly exact: boolean,
  ) {}

  /**
   * Light at point[p..p+2] (already off the surface) with facing unit normal normal[n..n+2], per
   * unit of surface colour, into r, g, b.
   */
  shade(point: Float64Array, p: number, normal: Float64Array, n: number, shadows: boolean): void {
    const surface = this.surface;
    for (let i = 0; i < 3; i++) {
      surface[i] = point[p + i]!;
      surface[3 + i] = normal[n + i]!;
    }
    const lights = this.lights;
    const added = this.added;
    let r = 0, g = 0, b = 0;
    for (let at = 0; at < lights.length; at += AREA_FIELDS) {
      if (!(this.exact ? this.exactLight(at, shadows) : this.scivisLight(at, shadows))) continue;
      const e = added[0]!;
      r += lights[at + 1]! * e;
      g += lights[at + 2]! * e;
      b += lights[at + 3]! * e;
    }
    this.r = r;
    this.g = g;
    this.b = b;
  }

  /** scivis: the light's one sample, unless its shadow ray is blocked. True when it adds light (then in `added`). */
  private scivisLight(at: number, shadows: boolean): boolean {
    const s = this.sample;
    const q = this.surface;
    if (!scivisSample(this.lights, at, q, s)) return false;
    const e = s[4]!;
    if (!(e > 0)) return false;
    if (shadows && this.occluded()) return false;
    this.added[0] = e;
    return true;
  }

  /**
   * The closed-form irradiance times the share of the light's shadow samples above the horizon
   * that nothing blocks (samples below it are the horizon's, which the closed form already cut).
   * True when it adds light (then in `added`).
   */
  private exactLight(at: number, shadows: boolean): boolean {
    const q = this.surface;
    const added = this.added;
    areaIrradiance(this.lights, at, q, added);
    const e = added[0]!;
    if (!(e > 0)) return false;
    if (!shadows) return true;
    const s = this.sample;
    const qx = q[0]!, qy = q[1]!, qz = q[2]!, nx = q[3]!, ny = q[4]!, nz = q[5]!;
    let above = 0, open = 0;
    for (let i = 0; i < SHADOW_GRID * SHADOW_GRID; i++) {
      shadowSample(this.lights, at, i, q, s);
      const dx = s[0]! - qx, dy = s[1]! - qy, dz = s[2]! - qz;
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (!(len > 0) || dx * nx + dy * ny + dz * nz <= 0) continue;
      above++;
      s[0] = dx / len;
      s[1] = dy / len;
      s[2] = dz / len;
      s[3] = len;
      if (!this.occluded()) open++;
    }
    added[0] = above > 0 ? (e * open) / above : e;
    return added[0] > 0;
  }

  /** Whether something blocks the shadow ray from `surface` along sample[0..2] up to sample[3]. */
  private occluded(): boolean {
    const ray = this.tracer.ray;
    rayFrom(ray, this.surface, 0, this.sample, 0);
    ray[7] = this.sample[3]!;
    return this.tracer.occludedRay();
  }
}
