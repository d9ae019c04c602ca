import { jittered, type JobModel, type RenderJob } from './job.js';
import { PixelAux } from './planes.js';
import { AreaLighting } from './area-lights.js';
import { displayRow } from './color-pipeline.js';
import { PrimaryRays } from './primary.js';
import { Rng } from './rng.js';
import { rayFrom } from './intersect.js';
import { ShadowPackets } from './shadow.js';
import { Tracer } from './tracer.js';
import { KIND_EMISSIVE, KIND_GHOST, KIND_GLASS, OPAQUE, reflects } from './materials.js';

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

  /**
   * Brayns (OSPRay 2.10 Renderer.ispc) averages a pixel's samples, background included, times
   * rcpf(spp): ISPC's reciprocal, an approximation refined by one Newton step, which lands just
   * below 1/spp (relative error about 2^-24; half coverage at 2 samples is alpha byte 127).
   * Computed once per job: in renderTile, 1 / samples typed as a small integer by one-sample
   * frames made its optimised code deoptimise ("lost precision") at the first several-sample one,
   * once 41 times in a row, running the tile loop unoptimised (boxing its floats) meanwhile.
   */
  private readonly rspp: number;

  constructor(private readonly job: RenderJob) {
    this.rspp = (1 / job.samples) * (1 - 2 ** -24);
    this.models = job.models;
    this.tracer = new Tracer(job.models, job.clip ?? null);
    this.primary = new PrimaryRays(job);
    this.random = job.production || job.aoSamples > 0;
    this.dirs = Float64Array.from(job.lighting.directional);
    this.area = job.lighting.area.length > 0 ? new AreaLighting(Float64Array.from(job.lighting.area), this.tracer, job.production) : null;
    this.packets = new ShadowPackets(job.models, job.clip ?? null);
  }

  /** Linear RGBA of the tile row being finished, turned into bytes a row at a time. */
  private row = new Float64Array(0);
  /** The job's directional lights (lights.ts layout) as a typed array, which the hot loops index. */
  private readonly dirs: Float64Array;
  /** The job's quad and sphere lights, if any. */
  private readonly area: AreaLighting | null;
  private readonly packets: ShadowPackets;
  /** Per sample of the current tile (interactive renderer): MISS, BLACK or LIT. */
  private state = new Uint8Array(0);
  /** Per sample: facing normal xyz, colour rgb, ambient visibility. */
  private hitData = new Float64Array(0);
  /** Per sample: where its secondary rays start. */
  private origins = new Float64Array(0);
  private list = new Int32Array(0);
  private blocked = new Uint8Array(0);
  /** Per sample and directional light: 1 when its shadow ray is blocked. */
  private shadowed = new Uint8Array(0);

  /**
   * The bytes of a pixel whose samples all miss, once the general path below has made one: they
   * are the same for every such pixel of the job (the background, averaged as any pixel is), and
   * most pixels of a sparse scene are such pixels. Not with float planes (they vary per pixel).
   */
  private readonly missBytes = new Uint8Array(4);
  private missKnown = false;
  /** missBytes as one word, and the frame as words (null when not 4-byte aligned): a miss is one store. */
  private missWord = 0;
  private words: Uint32Array | null = null;
  private wordsOf: Uint8Array | null = null;

  renderTile(tile: number, out: Uint8Array): void {
    const { width, height, tileSize, samples } = this.job;
    const tilesX = Math.ceil(width / tileSize);
    const x0 = (tile % tilesX) * tileSize;
    const y0 = Math.floor(tile / tilesX) * tileSize;
    const x1 = Math.min(width, x0 + tileSize);
    const y1 = Math.min(height, y0 + tileSize);
    const primary = this.primary;
    const count = primary.trace(x0, y0, x1, y1, this.rng);
    const bg = this.job.background;
    const production = this.job.production;
    const planes = this.job.planes;
    if (out !== this.wordsOf) {
      this.wordsOf = out;
      this.words = out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, out.length >> 2) : null;
    }
    // Float planes vary per pixel: with them every pixel takes the general path.
    const reuseMisses = planes === undefined;
    let anyHit = false;
    for (let k = 0; k < count && !anyHit; k++) anyHit = primary.prim[k]! >= 0;
    // A tile of background only (most tiles of a sparse scene): nothing to shade, and every pixel
    // is the miss pixel.
    if (!anyHit && this.missKnown && reuseMisses) {
      for (let y = y0; y < y1; y++) this.writeMisses(out, y * width + x0, x1 - x0);
      return;
    }
    if (this.row.length < tileSize * 4) this.row = new Float64Array(tileSize * 4);
    const row = this.row;
    if (!production && anyHit) this.shadeTile(x0, y0, x1, y1);
    const osprayAverage = this.job.samplePositions !== undefined && samples > 1;
    const rspp = this.rspp;
    const missBytes = this.missBytes;
    const color = this.job.color;
    let k = 0;
    for (let y = y0; y < y1; y++) {
      // Pixels from `pending` on still have to be turned into bytes.
      let pending = x0;
      for (let x = x0; x < x1; x++) {
        const pixel = y * width + x;
        let allMiss = reuseMisses;
        for (let s = 0; s < samples && allMiss; s++) allMiss = primary.prim[k + s]! < 0;
        if (allMiss && this.missKnown) {
          if (pending < x) displayRow(color, row, x - pending, out, (y * width + pending) * 4, (pending - x0) * 4);
          pending = x + 1;
          this.writeMisses(out, pixel, 1);
          k += samples;
          continue;
        }
        let sr = 0, sg = 0, sb = 0, sa = 0;
        if (planes !== undefined) this.aux.reset();
        for (let s = 0; s < samples; s++, k++) {
          // Before shading: the path tracer moves the tracer's hit on.
          if (planes !== undefined) this.auxSample(k);
          if (primary.prim[k]! < 0) {
            this.r = bg[0];
            this.g = bg[1];
            this.b = bg[2];
            this.a = bg[3];
          } else if (production) {
            this.continueSequence(pixel, s);
            this.tracer.setHit(primary.t, primary.model, primary.prim, primary.part, k);
            this.a = 1;
            // The ray goes by its index: float arguments to a call V8 does not inline are boxed on the heap.
            this.path(k * 6);
          } else {
            this.a = 1;
            this.light(k);
          }
          // Accumulate premultiplied so edges against a transparent background keep their colour
          // (OSPRay's own average, below, mixes the background's colour in).
          const w = osprayAverage ? 1 : this.a;
          sr += this.r * w;
          sg += this.g * w;
          sb += this.b * w;
          sa += this.a;
        }
        const l = (x - x0) * 4;
        if (osprayAverage) {
          row[l] = sr * rspp;
          row[l + 1] = sg * rspp;
          row[l + 2] = sb * rspp;
          row[l + 3] = sa * rspp;
        } else if (sa > 0) {
          row[l] = sr / sa;
          row[l + 1] = sg / sa;
          row[l + 2] = sb / sa;
        } else {
          row[l] = bg[0];
          row[l + 1] = bg[1];
          row[l + 2] = bg[2];
        }
        if (!osprayAverage) row[l + 3] = sa / samples;
        if (planes !== undefined) this.aux.write(planes, pixel, row, l, samples);
        if (allMiss && !this.missKnown) {
          displayRow(color, row, 1, missBytes, 0, l);
          this.missWord = new Uint32Array(missBytes.buffer)[0]!;
          this.missKnown = true;
        }
      }
      if (pending < x1) displayRow(color, row, x1 - pending, out, (y * width + pending) * 4, (pending - x0) * 4);
    }
  }

  /** The miss pixel's bytes into `pixels` pixels of the frame from pixel `first` on. */
  private writeMisses(out: Uint8Array, first: number, pixels: number): void {
    const words = this.words;
    if (words !== null) {
      if (pixels === 1) words[first] = this.missWord;
      else words.fill(this.missWord, first, first + pixels);
      return;
    }
    const bytes = this.missBytes;
    for (let o = first * 4, end = (first + pixels) * 4; o < end; o += 4) {
      out[o] = bytes[0]!;
      out[o + 1] = bytes[1]!;
      out[o + 2] = bytes[2]!;
      out[o + 3] = bytes[3]!;
    }
  }

  /** Continues the pixel's random sequence after the two numbers its jitter used (when shading draws any). */
  private continueSequence(pixel: number, s: number): void {
    if (!this.random) return;
    this.rng.reset(pixel, (this.job.sampleBase ?? 0) + s);
    if (jittered(this.job)) {
      this.rng.skip();
      this.rng.skip();
    }
  }

  private readonly aux = new PixelAux();

  /** Adds sample k's depth, facing normal and surface colour (the background's on a miss) to the pixel's float planes. */
  private auxSample(k: number): void {
    const aux = this.aux;
    const primary = this.primary;
    if (primary.prim[k]! < 0) {
      const bg = this.job.background;
      aux.r += bg[0];
      aux.g += bg[1];
      aux.b += bg[2];
      return;
    }
    this.loadPrimaryHit(k);
    this.normalFacing();
    // Hit distances count from the near-clipped ray start; OSPRay's depth counts from the eye.
    const depth = this.tracer.t + this.job.camera.nearClip;
    if (depth < aux.depth) aux.depth = depth;
    aux.nx += this.nx;
    aux.ny += this.ny;
    aux.nz += this.nz;
    const color = this.colorOfHit();
    aux.r += color[0];
    aux.g += color[1];
    aux.b += color[2];
  }

  /**
   * The interactive renderer's per-ray work for a whole tile, before any pixel is lit: the hit
   * point, normal, colour and ambient occlusion of each primary hit, then each shadowing light's
   * rays as one packet (shadow.ts), so neighbouring shadow rays share their traversal.
   */
  private shadeTile(x0: number, y0: number, x1: number, y1: number): void {
    const { width, samples, epsilon: e } = this.job;
    const count = (x1 - x0) * (y1 - y0) * samples;
    const lights = this.dirs.length / 7;
    if (this.state.length < count) {
      this.state = new Uint8Array(count);
      this.hitData = new Float64Array(count * HIT_FIELDS);
      this.origins = new Float64Array(count * 3);
      this.list = new Int32Array(count);
      this.blocked = new Uint8Array(count);
      this.shadowed = new Uint8Array(count * Math.max(1, lights));
    }
    if (this.shadowed.length < count * lights) this.shadowed = new Uint8Array(count * lights);
    const primary = this.primary;
    const tr = this.tracer;
    const amb = this.job.lighting.ambient;
    const ao = this.job.aoSamples > 0 && (amb[0] > 0 || amb[1] > 0 || amb[2] > 0);
    const data = this.hitData;
    let k = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        for (let s = 0; s < samples; s++, k++) {
          this.state[k] = MISS;
          if (primary.prim[k]! < 0) continue;
          this.continueSequence(y * width + x, s);
          this.loadPrimaryHit(k);
          const color = this.colorOfHit();
          if (color[0] === 0 && color[1] === 0 && color[2] === 0) {
            this.state[k] = BLACK;
            continue;
          }
          this.state[k] = LIT;
          this.normalFacing();
          const nx = this.nx, ny = this.ny, nz = this.nz;
          const seg = this.seg;
          const qx = seg[0]! + nx * e, qy = seg[1]! + ny * e, qz = seg[2]! + nz * e;
          this.origins[k * 3] = qx;
          this.origins[k * 3 + 1] = qy;
          this.origins[k * 3 + 2] = qz;
          let visible = 1;
          if (ao) {
            let open = 0;
            for (let i = 0; i < this.job.aoSamples; i++) {
              this.cosineDirection();
              rayFrom(tr.ray, this.origins, k * 3, this.w, 0);
              if (!tr.occludedRay()) open++;
            }
            visible = open / this.job.aoSamples;
          }
          const h = k * HIT_FIELDS;
          data[h] = nx;
          data[h + 1] = ny;
          data[h + 2] = nz;
          data[h + 3] = color[0];
          data[h + 4] = color[1];
          data[h + 5] = color[2];
          data[h + 6] = visible;
        }
      }
    }
    if (!this.job.shadows) return;
    const dirs = this.dirs;
    for (let light = 0; light < lights; light++) {
      const i = light * 7;
      if (dirs[i + 6] !== 1) continue;
      // Rays facing away from the light are unlit anyway: they need no shadow ray.
      let n = 0;
      for (let j = 0; j < count; j++) {
        if (this.state[j] !== LIT) continue;
        const h = j * HIT_FIELDS;
        if (data[h]! * dirs[i]! + data[h + 1]! * dirs[i + 1]! + data[h + 2]! * dirs[i + 2]! > 0) this.list[n++] = j;
      }
      this.blocked.fill(0, 0, count);
      this.packets.trace(this.origins, this.list, n, dirs, i, this.blocked);
      for (let j = 0; j < count; j++) this.shadowed[j * lights + light] = this.blocked[j]!;
    }
  }

  /**
   * Lights sample k; a see-through first hit (phong opacity, ghost: materials.ts) is composited
   * front to back over what its ray meets behind it.
   */
  private light(k: number): void {
    this.lightOpaque(k);
    const mat = this.models[this.primary.model[k]!]!.material;
    if (mat === undefined || (mat[0] !== KIND_GHOST && mat[1]! >= 1)) return;
    this.loadPrimaryHit(k);
    this.normalFacing();
    const seg = this.seg;
    const px = seg[0]!, py = seg[1]!, pz = seg[2]!, dx = seg[3]!, dy = seg[4]!, dz = seg[5]!;
    // Ghost: an outline that fades with the view angle (materials.ts).
    const opacity = mat[0] === KIND_GHOST ? 1 - Math.abs(this.nx * dx + this.ny * dy + this.nz * dz) : mat[1]!;
    const r = this.r, g = this.g, b = this.b;
    // What lies behind starts just past the surface, along the same direction.
    seg[0] = px - this.nx * this.job.epsilon;
    seg[1] = py - this.ny * this.job.epsilon;
    seg[2] = pz - this.nz * this.job.epsilon;
    this.behind();
    this.r = opacity * r + (1 - opacity) * this.r;
    this.g = opacity * g + (1 - opacity) * this.g;
    this.b = opacity * b + (1 - opacity) * this.b;
    this.a = opacity + (1 - opacity) * this.a;
  }

  /**
   * What a ray leaving a see-through surface shows (interactive renderer): later hits lit by ambient
   * light (without AO) and the directional lights (shadowed when enabled), composited front to back
   * through their own opacity, up to max_ray_bounces surfaces, then the background. The ray starts
   * at seg[0..2] along seg[3..5].
   */
  private behind(): void {
    const seg = this.seg;
    let ox = seg[0]!, oy = seg[1]!, oz = seg[2]!;
    const dx = seg[3]!, dy = seg[4]!, dz = seg[5]!;
    const at = this.at;
    const tr = this.tracer;
    const job = this.job;
    const amb = job.lighting.ambient;
    const dirs = this.dirs;
    const e = job.epsilon;
    let ar = 0, ag = 0, ab = 0, trans = 1;
    for (let depth = 0; depth <= job.bounces && trans > 0; depth++) {
      at[0] = ox;
      at[1] = oy;
      at[2] = oz;
      rayFrom(tr.ray, at, 0, seg, 3);
      if (!tr.closestRay()) break;
      const t = tr.t;
      const px = ox + t * dx, py = oy + t * dy, pz = oz + t * dz;
      const mat = this.models[tr.model]!.material ?? OPAQUE;
      const color = this.colorOfHit();
      const cr = color[0], cg = color[1], cb = color[2];
      // normalFacing reads the point from seg[0..2] and the direction, unchanged, from seg[3..5].
      seg[0] = px;
      seg[1] = py;
      seg[2] = pz;
      this.normalFacing();
      const nx = this.nx, ny = this.ny, nz = this.nz;
      const opacity = mat[0] === KIND_GHOST ? 1 - Math.abs(nx * dx + ny * dy + nz * dz) : mat[1]!;
      let lr = amb[0], lg = amb[1], lb = amb[2];
      for (let i = 0; i < dirs.length; i += 7) {
        const ndl = nx * dirs[i]! + ny * dirs[i + 1]! + nz * dirs[i + 2]!;
        if (ndl <= 0) continue;
        if (job.shadows && dirs[i + 6] === 1) {
          at[0] = px + nx * e;
          at[1] = py + ny * e;
          at[2] = pz + nz * e;
          rayFrom(tr.ray, at, 0, dirs, i);
          if (tr.occludedRay()) continue;
        }
        lr += dirs[i + 3]! * ndl;
        lg += dirs[i + 4]! * ndl;
        lb += dirs[i + 5]! * ndl;
      }
      ar += trans * opacity * cr * lr;
      ag += trans * opacity * cg * lg;
      ab += trans * opacity * cb * lb;
      trans *= 1 - opacity;
      ox = px - nx * e;
      oy = py - ny * e;
      oz = pz - nz * e;
    }
    const bg = job.background;
    this.r = ar + trans * bg[0];
    this.g = ag + trans * bg[1];
    this.b = ab + trans * bg[2];
    this.a = 1 - trans * (1 - bg[3]);
  }

  /** Lights sample k from what `shadeTile` found: ambient (times AO) plus unshadowed Lambert lights. */
  private lightOpaque(k: number): void {
    if (this.state[k] === BLACK) {
      this.r = this.g = this.b = 0;
      return;
    }
    const data = this.hitData;
    const h = k * HIT_FIELDS;
    const nx = data[h]!, ny = data[h + 1]!, nz = data[h + 2]!, visible = data[h + 6]!;
    const amb = this.job.lighting.ambient;
    const shadows = this.job.shadows;
    let lr = amb[0] * visible, lg = amb[1] * visible, lb = amb[2] * visible;
    const dirs = this.dirs;
    const lights = dirs.length / 7;
    for (let i = 0; i < dirs.length; i += 7) {
      const ndl = nx * dirs[i]! + ny * dirs[i + 1]! + nz * dirs[i + 2]!;
      if (ndl <= 0) continue;
      if (shadows && dirs[i + 6] === 1 && this.shadowed[k * lights + i / 7] === 1) continue;
      lr += dirs[i + 3]! * ndl;
      lg += dirs[i + 4]! * ndl;
      lb += dirs[i + 5]! * ndl;
    }
    if (this.area !== null) {
      const area = this.area;
      area.shade(this.origins, k * 3, data, h, shadows);
      lr += area.r;
      lg += area.g;
      lb += area.b;
    }
    this.r = data[h + 3]! * lr;
    this.g = data[h + 4]! * lg;
    this.b = data[h + 5]! * lb;
  }

  /**
   * Follows the path of the primary ray at `q` in the primary pass's ray array. Materials
   * (materials.ts): emissive hits add their emission and end the path; glass and the transparent
   * share of a surface continue it as a specular ray; everything else is diffuse.
   */
  private path(q: number): void {
    const tr = this.tracer;
    const rays = this.primary.rays;
    let ox = rays[q]!, oy = rays[q + 1]!, oz = rays[q + 2]!, dx = rays[q + 3]!, dy = rays[q + 4]!, dz = rays[q + 5]!;
    const job = this.job;
    const amb = job.lighting.ambient;
    const bg = job.background;
    const dirs = this.dirs;
    const e = job.epsilon;
    const seg = this.seg;
    const at = this.at;
    const u = this.draws;
    let fr = 1, fg = 1, fb = 1;
    let lr = 0, lg = 0, lb = 0;
    // Until the first diffuse bounce the path sees what the camera would: an escape shows the background.
    let specular = true;
    for (let depth = 0; ; depth++) {
      const t = tr.t;
      const px = ox + t * dx, py = oy + t * dy, pz = oz + t * dz;
      const mat = this.models[tr.model]!.material ?? OPAQUE;
      const kind = mat[0]!;
      if (kind === KIND_EMISSIVE) {
        lr += fr * mat[3]!;
        lg += fg * mat[4]!;
        lb += fb * mat[5]!;
        break;
      }
      seg[0] = px;
      seg[1] = py;
      seg[2] = pz;
      seg[3] = dx;
      seg[4] = dy;
      seg[5] = dz;
      this.normalFacing();
      const nx = this.nx, ny = this.ny, nz = this.nz;
      // Glass, or the share of paths an opacity below 1 lets through (one draw, only then).
      let passes = kind === KIND_GLASS;
      if (!passes && mat[2]! < 1) {
        this.rng.draw(u, 0);
        passes = u[0]! >= mat[2]!;
      }
      if (passes) {
        let through = true;
        if (kind === KIND_GLASS) {
          this.rng.draw(u, 0);
          u[1] = nx * dx + ny * dy + nz * dz;
        }
        if (kind === KIND_GLASS && reflects(u, mat)) {
          const dn = 2 * (nx * dx + ny * dy + nz * dz);
          dx -= dn * nx;
          dy -= dn * ny;
          dz -= dn * nz;
          through = false;
        }
        const side = through ? -e : e;
        ox = px + nx * side;
        oy = py + ny * side;
        oz = pz + nz * side;
        at[0] = ox;
        at[1] = oy;
        at[2] = oz;
        at[3] = dx;
        at[4] = dy;
        at[5] = dz;
        rayFrom(tr.ray, at, 0, at, 3);
        if (!tr.closestRay()) {
          lr += fr * (specular ? bg[0] : amb[0]);
          lg += fg * (specular ? bg[1] : amb[1]);
          lb += fb * (specular ? bg[2] : amb[2]);
          // Seen straight through: the sample is as transparent as the background behind it.
          if (specular) this.a = bg[3];
          break;
        }
        if (depth >= job.bounces) break;
        continue;
      }
      const color = this.colorOfHit();
      fr *= color[0];
      fg *= color[1];
      fb *= color[2];
      if (fr === 0 && fg === 0 && fb === 0) break;
      const qx = px + nx * e, qy = py + ny * e, qz = pz + nz * e;
      at[0] = qx;
      at[1] = qy;
      at[2] = qz;
      for (let i = 0, light = 0; i < dirs.length; i += 7, light++) {
        const ndl = nx * dirs[i]! + ny * dirs[i + 1]! + nz * dirs[i + 2]!;
        if (ndl <= 0) continue;
        // The headlight fallback (no shadow flag) stays unshadowed here too.
        if (dirs[i + 6] === 1) {
          rayFrom(tr.ray, at, 0, dirs, i);
          if (tr.occludedRay(light)) continue;
        }
        lr += fr * dirs[i + 3]! * ndl;
        lg += fg * dirs[i + 4]! * ndl;
        lb += fb * dirs[i + 5]! * ndl;
      }
      if (this.area !== null) {
        const area = this.area;
        // The normal next to the point: at[3..5] is free until the next bounce's ray.
        at[3] = nx;
        at[4] = ny;
        at[5] = nz;
        area.shade(at, 0, at, 3, true);
        lr += fr * area.r;
        lg += fg * area.g;
        lb += fb * area.b;
      }
      // One cosine-distributed ray serves as the ambient sky sample and as the next path segment.
      specular = false;
      this.cosineDirection();
      ox = qx;
      oy = qy;
      oz = qz;
      const w = this.w;
      dx = w[0]!;
      dy = w[1]!;
      dz = w[2]!;
      rayFrom(tr.ray, at, 0, w, 0);
      if (!tr.closestRay()) {
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
    const leaf = model.leafColors;
    if (leaf !== undefined) {
      const rows = model.leafRows;
      const q = (rows === undefined ? this.tracer.prim : rows[this.tracer.prim]!) * 3;
      SCRATCH[0] = leaf[q]!;
      SCRATCH[1] = leaf[q + 1]!;
      SCRATCH[2] = leaf[q + 2]!;
      return SCRATCH;
    }
    const o = model.primCell[this.tracer.prim]! * 4;
    const c = model.colors;
    // A cell without a colour entry (a short colour array) is drawn white rather than failing.
    if (o + 2 >= c.length) return WHITE;
    SCRATCH[0] = c[o]!;
    SCRATCH[1] = c[o + 1]!;
    SCRATCH[2] = c[o + 2]!;
    return SCRATCH;
  }

  /*
   * Points and directions cross calls in these arrays, never as arguments: a float argument (or
   * result) of a call V8 leaves out of line, once a hot caller has used up its inlining budget, is
   * boxed on the heap. Path-traced and see-through frames made 50 to 130 MB of garbage that way.
   */
  /** A hit point xyz and the direction xyz of the ray that reached it, for `normalFacing`. */
  private readonly seg = new Float64Array(6);
  /** A secondary ray's origin (and, in `path`, direction) for `rayFrom`. */
  private readonly at = new Float64Array(6);
  /** `cosineDirection`'s direction. */
  private readonly w = new Float64Array(3);
  /** Random numbers drawn for a decision, and the cosine `reflects` takes. */
  private readonly draws = new Float64Array(2);

  /** Makes primary hit k the tracer's current hit, and writes its point and its ray's direction into seg. */
  private loadPrimaryHit(k: number): void {
    const primary = this.primary;
    const tr = this.tracer;
    tr.setHit(primary.t, primary.model, primary.prim, primary.part, k);
    const rays = primary.rays;
    const q = k * 6;
    const t = tr.t;
    const seg = this.seg;
    for (let i = 0; i < 3; i++) {
      seg[i] = rays[q + i]! + t * rays[q + 3 + i]!;
      seg[3 + i] = rays[q + 3 + i]!;
    }
  }

  /** Unit normal at the current hit and point seg[0..2], turned to face the origin side of the ray direction seg[3..5]. */
  private normalFacing(): void {
    const tr = this.tracer;
    const seg = this.seg;
    tr.point[0] = seg[0]!;
    tr.point[1] = seg[1]!;
    tr.point[2] = seg[2]!;
    tr.normalAt();
    const flip = tr.nx * seg[3]! + tr.ny * seg[4]! + tr.nz * seg[5]! > 0;
    this.nx = flip ? -tr.nx : tr.nx;
    this.ny = flip ? -tr.ny : tr.ny;
    this.nz = flip ? -tr.nz : tr.nz;
  }

  private nx = 0;
  private ny = 0;
  private nz = 0;

  /** Cosine-weighted direction around the unit normal (nx, ny, nz) into w (orthonormal basis after Duff et al. 2017). */
  private cosineDirection(): void {
    const nx = this.nx, ny = this.ny, nz = this.nz;
    const u = this.draws;
    this.rng.draw(u, 0);
    this.rng.draw(u, 1);
    const u1 = u[0]!;
    const u2 = u[1]!;
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
    const w = this.w;
    w[0] = lx * tx + ly * bx + lz * nx;
    w[1] = lx * ty + ly * by + lz * ny;
    w[2] = lx * tz + ly * bz + lz * nz;
  }
}

const MISS = 0;
const BLACK = 1;
const LIT = 2;
const HIT_FIELDS = 7;

const WHITE: [number, number, number] = [1, 1, 1];
const SCRATCH: [number, number, number] = [0, 0, 0];
