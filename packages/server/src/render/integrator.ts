import type { JobModel, RenderJob } from './job.js';
import { alphaByte, displayByte } from './color-pipeline.js';
import { PrimaryRays } from './primary.js';
import { Rng } from './rng.js';
import { Tracer } from './tracer.js';

/**
 * Turns rays into colours. Colours are used as given and lit linearly; the job's colour pipeline
 * (the revision's tone mapping and sRGB encoding) turns the result into bytes. Lighting only scales a cell's
 * colour, so a black cell stays black and nothing glows on its own.
 *
 * interactive (OSPRay scivis-like): ambient light (attenuated by ambient occlusion when ao_samples
 * > 0) + Lambert directional lights, each blocked by a shadow ray when enable_shadows is on.
 * max_ray_bounces changes nothing here: materials are opaque and diffuse, so scivis would have no
 * reflected or refracted rays to bound either.
 * production (path-tracer-like): diffuse paths up to max_ray_bounces bounces; directional lights
 * always cast shadows; ambient light acts as a uniform sky that paths reach when they escape.
 */
export class Integrator {
  private readonly tracer: Tracer;
  private readonly primary: PrimaryRays;
  /** Whether shading draws random numbers (AO or path sampling). */
  private readonly random: boolean;
  private readonly rng = new Rng();
  private readonly models: readonly JobModel[];
  private r = 0;
  private g = 0;
  private b = 0;
  private a = 0;

  constructor(private readonly job: RenderJob) {
    this.models = job.models;
    this.tracer = new Tracer(job.models);
    this.primary = new PrimaryRays(job);
    this.random = job.production || job.aoSamples > 0;
  }

  renderTile(tile: number, out: Uint8Array): void {
    const { width, height, tileSize, samples } = this.job;
    const tilesX = Math.ceil(width / tileSize);
    const x0 = (tile % tilesX) * tileSize;
    const y0 = Math.floor(tile / tilesX) * tileSize;
    const x1 = Math.min(width, x0 + tileSize);
    const y1 = Math.min(height, y0 + tileSize);
    const primary = this.primary;
    primary.trace(x0, y0, x1, y1, this.rng);
    const rays = primary.rays;
    const bg = this.job.background;
    let k = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const pixel = y * width + x;
        let sr = 0, sg = 0, sb = 0, sa = 0;
        for (let s = 0; s < samples; s++, k++) {
          if (primary.prim[k]! < 0) {
            this.r = bg[0];
            this.g = bg[1];
            this.b = bg[2];
            this.a = bg[3];
          } else {
            if (this.random) {
              // Continue the pixel's random sequence after the two numbers its jitter used.
              this.rng.reset(pixel, s);
              if (samples > 1) {
                this.rng.next();
                this.rng.next();
              }
            }
            this.tracer.setHit(primary.t[k]!, primary.model[k]!, primary.prim[k]!, primary.part[k]!);
            this.a = 1;
            const q = k * 6;
            if (this.job.production) this.path(rays[q]!, rays[q + 1]!, rays[q + 2]!, rays[q + 3]!, rays[q + 4]!, rays[q + 5]!);
            else this.interactive(rays[q]!, rays[q + 1]!, rays[q + 2]!, rays[q + 3]!, rays[q + 4]!, rays[q + 5]!);
          }
          // Accumulate premultiplied so edges against a transparent background keep their colour.
          sr += this.r * this.a;
          sg += this.g * this.a;
          sb += this.b * this.a;
          sa += this.a;
        }
        const o = pixel * 4;
        const color = this.job.color;
        if (sa > 0) {
          out[o] = displayByte(color, sr / sa);
          out[o + 1] = displayByte(color, sg / sa);
          out[o + 2] = displayByte(color, sb / sa);
        } else {
          out[o] = displayByte(color, bg[0]);
          out[o + 1] = displayByte(color, bg[1]);
          out[o + 2] = displayByte(color, bg[2]);
        }
        out[o + 3] = alphaByte(sa / samples);
      }
    }
  }

  private interactive(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): void {
    const tr = this.tracer;
    const job = this.job;
    const t = tr.t;
    const px = ox + t * dx, py = oy + t * dy, pz = oz + t * dz;
    const color = this.colorOfHit();
    const [cr, cg, cb] = color;
    if (cr === 0 && cg === 0 && cb === 0) {
      this.r = this.g = this.b = 0;
      return;
    }
    tr.normalAt(px, py, pz);
    let nx = tr.nx, ny = tr.ny, nz = tr.nz;
    if (nx * dx + ny * dy + nz * dz > 0) {
      nx = -nx;
      ny = -ny;
      nz = -nz;
    }
    const e = job.epsilon;
    const qx = px + nx * e, qy = py + ny * e, qz = pz + nz * e;
    const amb = job.lighting.ambient;
    let visible = 1;
    if (job.aoSamples > 0 && (amb[0] > 0 || amb[1] > 0 || amb[2] > 0)) {
      let open = 0;
      for (let i = 0; i < job.aoSamples; i++) {
        this.cosineDirection(nx, ny, nz);
        if (!tr.occluded(qx, qy, qz, this.wx, this.wy, this.wz, 0, Infinity)) open++;
      }
      visible = open / job.aoSamples;
    }
    let lr = amb[0] * visible, lg = amb[1] * visible, lb = amb[2] * visible;
    const dirs = job.lighting.directional;
    for (let i = 0; i < dirs.length; i += 7) {
      const ndl = nx * dirs[i]! + ny * dirs[i + 1]! + nz * dirs[i + 2]!;
      if (ndl <= 0) continue;
      if (job.shadows && dirs[i + 6] === 1 && tr.occluded(qx, qy, qz, dirs[i]!, dirs[i + 1]!, dirs[i + 2]!, 0, Infinity, i / 7)) continue;
      lr += dirs[i + 3]! * ndl;
      lg += dirs[i + 4]! * ndl;
      lb += dirs[i + 5]! * ndl;
    }
    this.r = cr * lr;
    this.g = cg * lg;
    this.b = cb * lb;
  }

  private path(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): void {
    const tr = this.tracer;
    const job = this.job;
    const amb = job.lighting.ambient;
    const dirs = job.lighting.directional;
    const e = job.epsilon;
    let fr = 1, fg = 1, fb = 1;
    let lr = 0, lg = 0, lb = 0;
    for (let depth = 0; ; depth++) {
      const t = tr.t;
      const px = ox + t * dx, py = oy + t * dy, pz = oz + t * dz;
      const color = this.colorOfHit();
      fr *= color[0];
      fg *= color[1];
      fb *= color[2];
      if (fr === 0 && fg === 0 && fb === 0) break;
      tr.normalAt(px, py, pz);
      let nx = tr.nx, ny = tr.ny, nz = tr.nz;
      if (nx * dx + ny * dy + nz * dz > 0) {
        nx = -nx;
        ny = -ny;
        nz = -nz;
      }
      const qx = px + nx * e, qy = py + ny * e, qz = pz + nz * e;
      for (let i = 0; i < dirs.length; i += 7) {
        const ndl = nx * dirs[i]! + ny * dirs[i + 1]! + nz * dirs[i + 2]!;
        if (ndl <= 0) continue;
        // The headlight fallback (no shadow flag) stays unshadowed here too.
        if (dirs[i + 6] === 1 && tr.occluded(qx, qy, qz, dirs[i]!, dirs[i + 1]!, dirs[i + 2]!, 0, Infinity, i / 7)) continue;
        lr += fr * dirs[i + 3]! * ndl;
        lg += fg * dirs[i + 4]! * ndl;
        lb += fb * dirs[i + 5]! * ndl;
      }
      // One cosine-distributed ray serves as the ambient sky sample and as the next path segment.
      this.cosineDirection(nx, ny, nz);
      ox = qx;
      oy = qy;
      oz = qz;
      dx = this.wx;
      dy = this.wy;
      dz = this.wz;
      if (!tr.closest(ox, oy, oz, dx, dy, dz, 0, Infinity)) {
        lr += fr * amb[0];
        lg += fg * amb[1];
        lb += fb * amb[2];
        break;
      }
      if (depth >= job.bounces) break;
    }
    this.r = lr;
    this.g = lg;
    this.b = lb;
  }

  private colorOfHit(): [number, number, number] {
    const model = this.models[this.tracer.model]!;
    const o = model.primCell[this.tracer.prim]! * 4;
    const c = model.colors;
    // A cell without a colour entry (a short colour array) is drawn white rather than failing.
    if (o + 2 >= c.length) return WHITE;
    SCRATCH[0] = c[o]!;
    SCRATCH[1] = c[o + 1]!;
    SCRATCH[2] = c[o + 2]!;
    return SCRATCH;
  }

  private wx = 0;
  private wy = 0;
  private wz = 0;

  /** Cosine-weighted direction around unit n into wx, wy, wz (orthonormal basis after Duff et al. 2017). */
  private cosineDirection(nx: number, ny: number, nz: number): void {
    const u1 = this.rng.next();
    const u2 = this.rng.next();
    const rad = Math.sqrt(u1);
    const phi = 2 * Math.PI * u2;
    const lx = rad * Math.cos(phi);
    const ly = rad * Math.sin(phi);
    const lz = Math.sqrt(Math.max(0, 1 - u1));
    const sign = nz >= 0 ? 1 : -1;
    const a = -1 / (sign + nz);
    const b = nx * ny * a;
    const tx = 1 + sign * nx * nx * a, ty = sign * b, tz = -sign * nx;
    const bx = b, by = sign + ny * ny * a, bz = -ny;
    this.wx = lx * tx + ly * bx + lz * nx;
    this.wy = lx * ty + ly * by + lz * ny;
    this.wz = lx * tz + ly * bz + lz * nz;
  }
}

const WHITE: [number, number, number] = [1, 1, 1];
const SCRATCH: [number, number, number] = [0, 0, 0];
