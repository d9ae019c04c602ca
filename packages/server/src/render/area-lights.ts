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
import { writeRay } from './intersect.js';
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
 * The scivis renderer's single sample of the light at `lights[at..]` from point p with unit normal
 * n: returns what it adds per unit of colour * intensity / pi (cos at the surface included; 0 when
 * it adds nothing), and writes the unit direction to the sample and the distance a shadow ray must
 * clear into out[0..3].
 */
export function scivisSample(lights: Float64Array, at: number, px: number, py: number, pz: number, nx: number, ny: number, nz: number, out: Float64Array): number {
  let dx = lights[at + 4]! - px, dy = lights[at + 5]! - py, dz = lights[at + 6]! - pz;
  let weight: number;
  let dist: number;
  if (lights[at] === QUAD_LIGHT) {
    const e1x = lights[at + 7]!, e1y = lights[at + 8]!, e1z = lights[at + 9]!;
    const e2x = lights[at + 10]!, e2y = lights[at + 11]!, e2z = lights[at + 12]!;
    dx += (e1x + e2x) / 2;
    dy += (e1y + e2y) / 2;
    dz += (e1z + e2z) / 2;
    dist = Math.sqrt(dx * dx + dy * dy + dz * dz);
    if (!(dist > 0)) return 0;
    dx /= dist;
    dy /= dist;
    dz /= dist;
    // edge2 x edge1: its length is the area, and the light shines where it points away from p.
    const fx = e2y * e1z - e2z * e1y, fy = e2z * e1x - e2x * e1z, fz = e2x * e1y - e2y * e1x;
    const cosd = fx * dx + fy * dy + fz * dz;
    if (!(cosd > 0)) return 0;
    weight = cosd / (dist * dist);
  } else {
    const d2 = dx * dx + dy * dy + dz * dz;
    const d = Math.sqrt(d2);
    if (!(d > 0)) return 0;
    dx /= d;
    dy /= d;
    dz /= d;
    const r = lights[at + 13]!;
    const sin = r / d;
    if (r > 0 && sin > POINT_SIN) {
      if (sin >= 1) return 0;
      weight = (2 * (1 - Math.sqrt(1 - sin * sin))) / (r * r);
      dist = d - r;
    } else {
      weight = 1 / d2;
      dist = d;
    }
  }
  const cos = dx * nx + dy * ny + dz * nz;
  if (!(cos > 0)) return 0;
  out[0] = dx;
  out[1] = dy;
  out[2] = dz;
  out[3] = dist;
  return weight * cos;
}
const CLIPPED = new Float64Array(6 * 3);

/**
 * The irradiance a light at `lights[at..]` (layout in lights.ts) gives the point p with unit normal
 * n, per unit of its colour * intensity: 0 when the point is behind or inside the light.
 */
export function areaIrradiance(lights: Float64Array, at: number, px: number, py: number, pz: number, nx: number, ny: number, nz: number): number {
  const cx = lights[at + 4]! - px, cy = lights[at + 5]! - py, cz = lights[at + 6]! - pz;
  if (lights[at] === SPHERE_LIGHT) {
    const r = lights[at + 13]!;
    const d2 = cx * cx + cy * cy + cz * cz;
    if (d2 <= r * r) return 0;
    const d = Math.sqrt(d2);
    const cos = (cx * nx + cy * ny + cz * nz) / d;
    if (r === 0) return cos > 0 ? cos / d2 : 0;
    return sphereIlluminance(cos, (r * r) / d2) / (Math.PI * r * r);
  }
  const e1x = lights[at + 7]!, e1y = lights[at + 8]!, e1z = lights[at + 9]!;
  const e2x = lights[at + 10]!, e2y = lights[at + 11]!, e2z = lights[at + 12]!;
  // One-sided: the point must lie on the side edge1 x edge2 points to (c = corner - p).
  const fx = e1y * e2z - e1z * e2y, fy = e1z * e2x - e1x * e2z, fz = e1x * e2y - e1y * e2x;
  if (-(cx * fx + cy * fy + cz * fz) <= 0) return 0;
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
  const count = clipToHorizon(v, 4, nx, ny, nz, CLIPPED);
  return polygonCosineSolidAngle(CLIPPED, count, nx, ny, nz);
}

/**
 * Sutherland-Hodgman clip of a polygon (vertices relative to p) to the half-space n.v >= 0;
 * returns the vertex count written to `out`.
 */
function clipToHorizon(v: Float64Array, count: number, nx: number, ny: number, nz: number, out: Float64Array): number {
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

/** Lambert's formula: the integral of cos over the solid angle of a polygon above the horizon. */
function polygonCosineSolidAngle(v: Float64Array, count: number, nx: number, ny: number, nz: number): number {
  if (count < 3) return 0;
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
  return Math.abs(sum) / 2;
}

/**
 * Irradiance from a uniform sphere of unit radiance seen under half-angle sigma (sin^2 sigma =
 * r^2 / d^2) whose centre is at angle theta from the normal: pi sin^2 sigma cos theta while the
 * whole sphere is above the horizon, Snyder's formula for a sphere cut by it.
 */
export function sphereIlluminance(cosTheta: number, sinSigma2: number): number {
  if (cosTheta * cosTheta > sinSigma2) return cosTheta > 0 ? Math.PI * sinSigma2 * cosTheta : 0;
  const sinTheta = Math.sqrt(Math.max(0, 1 - cosTheta * cosTheta));
  const x = Math.sqrt(1 / sinSigma2 - 1);
  const y = sinTheta > 0 ? Math.max(-1, Math.min(1, (-x * cosTheta) / sinTheta)) : 0;
  const sinThetaSqrtY = sinTheta * Math.sqrt(1 - y * y);
  const e = (cosTheta * Math.acos(y) - x * sinThetaSqrtY) * sinSigma2 + Math.atan(sinThetaSqrtY / x);
  return Math.max(e, 0);
}

/**
 * Point s of shadow sample `i` (of SHADOW_GRID^2) on the light as seen from p, into out: the quad's
 * cell centres; for a sphere, cell centres of its disc facing p (concentric map).
 */
export function shadowSample(lights: Float64Array, at: number, i: number, px: number, py: number, pz: number, out: Float64Array): void {
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
  let dx = px - cx, dy = py - cy, dz = pz - cz;
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
 * r, g, b). `exact` picks the production renderer's closed form over scivis's single sample.
 */
export class AreaLighting {
  r = 0;
  g = 0;
  b = 0;
  /** A light sample: unit direction and distance (scivis), or a point on the light. */
  private readonly sample = new Float64Array(4);

  constructor(
    private readonly lights: Float64Array,
    private readonly tracer: Tracer,
    private readonly exact: boolean,
  ) {}

  /** Light at q (already off the surface) with facing unit normal n, per unit of surface colour, into r, g, b. */
  shade(qx: number, qy: number, qz: number, nx: number, ny: number, nz: number, shadows: boolean): void {
    const lights = this.lights;
    let r = 0, g = 0, b = 0;
    for (let at = 0; at < lights.length; at += AREA_FIELDS) {
      const e = this.exact ? this.exactLight(at, qx, qy, qz, nx, ny, nz, shadows) : this.scivisLight(at, qx, qy, qz, nx, ny, nz, shadows);
      if (!(e > 0)) continue;
      r += lights[at + 1]! * e;
      g += lights[at + 2]! * e;
      b += lights[at + 3]! * e;
    }
    this.r = r;
    this.g = g;
    this.b = b;
  }

  /** scivis: the light's one sample, unless its shadow ray is blocked. */
  private scivisLight(at: number, qx: number, qy: number, qz: number, nx: number, ny: number, nz: number, shadows: boolean): number {
    const s = this.sample;
    const e = scivisSample(this.lights, at, qx, qy, qz, nx, ny, nz, s);
    if (!(e > 0) || !shadows) return e;
    writeRay(this.tracer.ray, qx, qy, qz, s[0]!, s[1]!, s[2]!, 0, s[3]!);
    return this.tracer.occludedRay() ? 0 : e;
  }

  /**
   * The closed-form irradiance times the share of the light's shadow samples above the horizon
   * that nothing blocks (samples below it are the horizon's, which the closed form already cut).
   */
  private exactLight(at: number, qx: number, qy: number, qz: number, nx: number, ny: number, nz: number, shadows: boolean): number {
    const e = areaIrradiance(this.lights, at, qx, qy, qz, nx, ny, nz);
    if (!(e > 0) || !shadows) return e;
    const s = this.sample;
    let above = 0, open = 0;
    for (let i = 0; i < SHADOW_GRID * SHADOW_GRID; i++) {
      shadowSample(this.lights, at, i, qx, qy, qz, s);
      let dx = s[0]! - qx, dy = s[1]! - qy, dz = s[2]! - qz;
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (!(len > 0) || dx * nx + dy * ny + dz * nz <= 0) continue;
      above++;
      dx /= len;
      dy /= len;
      dz /= len;
      writeRay(this.tracer.ray, qx, qy, qz, dx, dy, dz, 0, len);
      if (!this.tracer.occludedRay()) open++;
    }
    return above > 0 ? (e * open) / above : e;
  }
}
