import { CONE, SPHERE } from './geometry.js';
import { jittered, type RenderJob } from './job.js';
import { Rng } from './rng.js';
import { cameraRay } from './camera.js';
import { boxDistance, tileFrustum } from './frustum.js';
import { PART_A, conePart, coneT, hitConeRay, loadRay } from './intersect.js';
import { hitPlane, hitShape, shapeFace, shapeT } from './shapes.js';
import { Tracer } from './tracer.js';

/**
 * Primary visibility for one tile, found by "rasterising through the BVH": walk each model's BVH
 * with the tile's view frustum, and for every primitive inside it test only the rays of the pixels
 * its projection covers, keeping the nearest hit per ray (a depth buffer). The hits are exactly
 * the ray-primitive intersections a per-ray traversal finds, at a fraction of the box tests,
 * because neighbouring primary rays share almost all of their traversal.
 */
export class PrimaryRays {
  /** Per ray (pixel-major, then sample): origin xyz, direction xyz. */
  rays = new Float64Array(0);
  t = new Float64Array(0);
  model = new Int32Array(0);
  prim = new Int32Array(0);
  part = new Uint8Array(0);
  private stack = new Int32Array(128);
  /** The tile's frustum planes (tileFrustum). */
  private readonly frustum = new Float64Array(20);
  /** The eye and view direction, as `boxDistance` reads them. */
  private readonly view = new Float64Array(6);
  /** `boxDistance`'s results: a box's, or the left and right child's. */
  private readonly boxDist = new Float64Array(2);
  /** The ray a cone test reads (see hitConeRay). */
  private readonly coneRay = new Float64Array(8);
  /** The cone being rasterised in camera space: end A xyz, radius, end B xyz, radius (see coneRow). */
  private readonly coneEnds = new Float64Array(8);
  /** Columns coneRow found for its row. */
  private spanLo = 0;
  private spanHi = 0;
  /** Ray-cone tests made so far (how tight the cone bound is, for tests). */
  coneTests = 0;
  /** Per ray of the tile: 1 once generated (see trace). */
  private made = new Uint8Array(0);
  private allMade = false;
  private rng = new Rng();
  /** Stratified jitter: samples per pixel side; sample ids continue after sampleBase. */
  private readonly jitter: boolean;
  private readonly grid: number;
  private readonly sampleBase: number;
  /** Rays of the tile without a hit yet. */
  private missing = 0;
  private tw = 0;
  private x0 = 0;
  private y0 = 0;
  private x1 = 0;
  private y1 = 0;

  /** With clipping, the rays whose nearest hit is clipped away are traced again on their own, through their intervals. */
  private readonly clipped: Tracer | null;
  /** The camera's eye, right, up and view axes (xyz each), read by every primitive's projection. */
  private readonly axes = new Float64Array(12);
  /**
   * Where in its pixel a ray may pass, from the pixel's top-left corner (pixels): lowest and
   * highest x, then y. The centre (or Brayns' sample, which the camera frame's shift already
   * holds) without jitter, the spread of the sample positions, or the whole pixel for random
   * jitter. A primitive is tested against the rays of the pixels whose window meets its
   * projection, so a sub-pixel sphere is tested against at most one ray of a one-sample render.
   */
  private readonly window = new Float64Array(4);

  constructor(private readonly job: RenderJob) {
    this.clipped = job.clip === undefined ? null : new Tracer(job.models, job.clip);
    const c = job.camera;
    this.axes.set([...c.position, ...c.right, ...c.up, ...c.dir]);
    this.view.set([...c.position, ...c.dir]);
    this.window.set(sampleWindow(job));
    this.jitter = jittered(job);
    this.grid = Math.ceil(Math.sqrt(job.samples));
    this.sampleBase = job.sampleBase ?? 0;
  }

  /**
   * Finds the nearest hits of the tile's rays (stratified jitter when samples > 1 or in later
   * accumulation frames). A ray is generated when a primitive is first tested against it: in a
   * sparse scene most pixels see only the background and need none.
   */
  trace(x0: number, y0: number, x1: number, y1: number, rng: Rng): number {
    const samples = this.job.samples;
    this.x0 = x0;
    this.y0 = y0;
    this.x1 = x1;
    this.y1 = y1;
    this.tw = x1 - x0;
    this.rng = rng;
    const count = this.tw * (y1 - y0) * samples;
    if (this.t.length < count) {
      this.rays = new Float64Array(count * 6);
      this.t = new Float64Array(count);
      this.model = new Int32Array(count);
      this.prim = new Int32Array(count);
      this.part = new Uint8Array(count);
      this.made = new Uint8Array(count);
    }
    this.t.fill(Infinity, 0, count);
    this.prim.fill(-1, 0, count);
    this.made.fill(0, 0, count);
    this.allMade = false;
    this.missing = count;
    // Infinite planes before the BVHs, so their hits already bound the occlusion culling.
    for (let m = 0; m < this.job.models.length; m++) if (this.job.models[m]!.planes.length > 0) this.planes(m, count);
    for (let m = 0; m < this.job.models.length; m++) this.walk(m);
    if (this.clipped !== null) this.clip(this.clipped, count);
    return count;
  }

  /** Generates every ray of the tile not generated yet, and returns the rays (origin xyz, direction xyz each). */
  allRays(): Float64Array {
    if (this.allMade) return this.rays;
    const count = this.tw * (this.y1 - this.y0) * this.job.samples;
    for (let k = 0; k < count; k++) if (this.made[k] === 0) this.makeRay(k);
    this.allMade = true;
    return this.rays;
  }

  /** A jittered sample's two random numbers. */
  private readonly jitterDraws = new Float64Array(2);

  /** Ray k of the tile (pixel-major, then sample) into `rays`. */
  private makeRay(k: number): void {
    const { width, height, samples } = this.job;
    const s = k % samples;
    const pixel = (k - s) / samples;
    const x = this.x0 + (pixel % this.tw);
    const y = this.y0 + Math.floor(pixel / this.tw);
    let jx = 0.5, jy = 0.5;
    const positions = this.job.samplePositions;
    if (positions !== undefined && this.jitter) {
      jx = positions[s * 2]!;
      jy = positions[s * 2 + 1]!;
    } else if (this.jitter) {
      const grid = this.grid;
      const id = this.sampleBase + s;
      this.rng.reset(y * width + x, id);
      const cell = id % (grid * grid);
      const u = this.jitterDraws;
      this.rng.draw(u, 0);
      this.rng.draw(u, 1);
      jx = ((cell % grid) + u[0]!) / grid;
      jy = (Math.floor(cell / grid) + u[1]!) / grid;
    }
    const rays = this.rays;
    rays[k * 6] = (x + jx) / width;
    rays[k * 6 + 1] = (y + jy) / height;
    cameraRay(this.job.camera, rays, k * 6);
    this.made[k] = 1;
  }

  /**
   * Clipping only removes hits: a ray that hit nothing still hits nothing, and a nearest hit
   * outside clipped space is still the nearest (nothing lies before it). The others are traced again.
   */
  private clip(tracer: Tracer, count: number): void {
    const rays = this.rays;
    for (let k = 0; k < count; k++) {
      if (this.prim[k]! < 0) continue;
      const q = k * 6;
      loadRay(tracer.ray, rays, q);
      tracer.ray[7] = Infinity;
      if (tracer.keepsHit(this.t, k)) continue;
      this.prim[k] = -1;
      this.t[k] = Infinity;
      if (!tracer.closestRay()) continue;
      this.t[k] = tracer.t;
      this.model[k] = tracer.model;
      this.prim[k] = tracer.prim;
      this.part[k] = tracer.part;
    }
  }

  /** Visits the BVH nodes whose boxes meet the tile's frustum and rasterises their primitives. */
  private walk(m: number): void {
    const model = this.job.models[m]!;
    const b = model.nodeBounds;
    const info = model.nodeInfo;
    if (info.length < 2) return;
    const c = this.job.camera;
    const planes = tileFrustum(this.job, this.x0, this.y0, this.x1, this.y1, this.frustum);
    const ortho = c.orthographic ? 1 : 0;
    const [px, py, pz] = c.position;
    const view = this.view;
    const dist = this.boxDist;
    const stack = this.stack;
    // Occlusion culling: once every ray of the tile has a hit, a box that starts beyond the
    // farthest of those hits cannot change any of them. Children are visited near first so the
    // tile fills up early; the bound is refreshed every few primitives.
    let farthest = this.farthestHit();
    let sinceRefresh = 0;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp]!;
      const o = node * 6;
      let outside = false;
      for (let i = 0; i < 20; i += 4) {
        const nx = planes[i]!, ny = planes[i + 1]!, nz = planes[i + 2]!;
        // The box corner furthest along the plane normal decides.
        const qx = (nx >= 0 ? b[o + 3]! : b[o]!) - px;
        const qy = (ny >= 0 ? b[o + 4]! : b[o + 1]!) - py;
        const qz = (nz >= 0 ? b[o + 5]! : b[o + 2]!) - pz;
        if (nx * qx + ny * qy + nz * qz + planes[i + 3]! < 0) {
          outside = true;
          break;
        }
      }
      if (outside) continue;
      // Hit distances count from the near-clipped ray starts, box distances from the eye.
      if (farthest !== Infinity) {
        boxDistance(b, o, view, ortho, dist, 0);
        if (dist[0]! > farthest + c.nearClip) continue;
      }
      const count = info[node * 2 + 1]!;
      if (count === 0) {
        const left = info[node * 2]!;
        boxDistance(b, left * 6, view, ortho, dist, 0);
        boxDistance(b, left * 6 + 6, view, ortho, dist, 1);
        const dl = dist[0]!, dr = dist[1]!;
        // The stack pops the last push first: push the farther child first.
        stack[sp++] = dl <= dr ? left + 1 : left;
        stack[sp++] = dl <= dr ? left : left + 1;
        continue;
      }
      const first = info[node * 2]!;
      sinceRefresh += count;
      // The bound exists from the moment the last ray gets a hit; later it only tightens.
      if (farthest === Infinity ? this.missing === 0 : sinceRefresh >= REFRESH_PRIMS) {
        sinceRefresh = 0;
        farthest = this.farthestHit();
      }
      for (let p = first; p < first + count; p++) this.raster(m, p);
    }
  }

  /** The largest hit distance over the tile's rays, or Infinity while some ray has no hit. */
  private farthestHit(): number {
    const count = this.tw * (this.y1 - this.y0) * this.job.samples;
    let far = 0;
    for (let k = 0; k < count; k++) {
      const t = this.t[k]!;
      if (t > far) far = t;
    }
    return far;
  }

  /** Every ray of the tile against model m's infinite planes (nothing to cull them with). */
  private planes(m: number, count: number): void {
    const model = this.job.models[m]!;
    const ray = this.coneRay;
    const rays = this.allRays();
    for (let k = 0; k < count; k++) {
      const q = k * 6;
      for (let i = 0, n = model.planes.length / 4; i < n; i++) {
        loadRay(ray, rays, q);
        ray[7] = this.t[k]!;
        if (!hitPlane(model.planes, i, ray)) continue;
        const t = shapeT[0]!;
        if (this.prim[k]! < 0) this.missing--;
        this.t[k] = t;
        this.model[k] = m;
        this.prim[k] = model.planeBase + i;
        this.part[k] = 0;
      }
    }
  }

  /**
   * A box or bounded plane against every ray of the tile: such shapes are few (user-added), and
   * the frustum walk already limits them to the tiles their BVH boxes reach.
   */
  private rasterShape(m: number, p: number): void {
    const model = this.job.models[m]!;
    const ray = this.coneRay;
    const rays = this.allRays();
    const kind = model.primKind[p]!;
    const count = this.tw * (this.y1 - this.y0) * this.job.samples;
    for (let k = 0; k < count; k++) {
      const q = k * 6;
      loadRay(ray, rays, q);
      ray[7] = this.t[k]!;
      if (!hitShape(model.prims, p * model.primStride, kind, model.frame, model.shapePlanes, ray)) continue;
      const t = shapeT[0]!;
      if (this.prim[k]! < 0) this.missing--;
      this.t[k] = t;
      this.model[k] = m;
      this.prim[k] = p;
      this.part[k] = shapeFace;
    }
  }

  /** Tests one primitive against the rays of the pixels its projected bounding box covers. */
  private raster(m: number, p: number): void {
    const model = this.job.models[m]!;
    const kind = model.primKind[p]!;
    if (kind > CONE) {
      this.rasterShape(m, p);
      return;
    }
    const prims = model.prims;
    const o = p * model.primStride;
    const sphere = kind === SPHERE;
    const c = this.job.camera;
    const { width, height, samples } = this.job;
    // Camera-space bounds of the primitive: exact box for a sphere, the cone's two end spheres' box otherwise.
    const ax = prims[o]!, ay = prims[o + 1]!, az = prims[o + 2]!, ra = prims[o + 3]!;
    let bx = ax, by = ay, bz = az, rb = ra;
    if (!sphere) {
      bx = prims[o + 4]!;
      by = prims[o + 5]!;
      bz = prims[o + 6]!;
      rb = prims[o + 7]!;
    }
    const a = this.axes;
    const px = a[0]!, py = a[1]!, pz = a[2]!;
    const rx = a[3]!, ry = a[4]!, rz = a[5]!;
    const ux = a[6]!, uy = a[7]!, uz = a[8]!;
    const dx = a[9]!, dy = a[10]!, dz = a[11]!;
    const cax = (ax - px) * rx + (ay - py) * ry + (az - pz) * rz;
    const cay = (ax - px) * ux + (ay - py) * uy + (az - pz) * uz;
    const caz = (ax - px) * dx + (ay - py) * dy + (az - pz) * dz;
    const cbx = (bx - px) * rx + (by - py) * ry + (bz - pz) * rz;
    const cby = (bx - px) * ux + (by - py) * uy + (bz - pz) * uz;
    const cbz = (bx - px) * dx + (by - py) * dy + (bz - pz) * dz;
    const xLo = Math.min(cax - ra, cbx - rb), xHi = Math.max(cax + ra, cbx + rb);
    const yLo = Math.min(cay - ra, cby - rb), yHi = Math.max(cay + ra, cby + rb);
    const zLo = Math.min(caz - ra, cbz - rb), zHi = Math.max(caz + ra, cbz + rb);
    if (zHi < 0) return;
    let pxLo = this.x0, pxHi = this.x1 - 1, pyLo = this.y0, pyHi = this.y1 - 1;
    if (c.orthographic || zLo > 0) {
      let sLo: number, sHi: number, tLo: number, tHi: number;
      if (c.orthographic) {
        sLo = xLo;
        sHi = xHi;
        tLo = yLo;
        tHi = yHi;
      } else {
        // Over a camera-space box, x/z and y/z are extreme at the box's corners.
        sLo = Math.min(xLo / zLo, xLo / zHi);
        sHi = Math.max(xHi / zLo, xHi / zHi);
        tLo = Math.min(yLo / zLo, yLo / zHi);
        tHi = Math.max(yHi / zLo, yHi / zHi);
      }
      // Image-plane extent -> the pixels whose sample window meets it, with a margin for rounding.
      const w = this.window;
      const colLo = Math.ceil((((sLo - c.shiftX) / c.halfWidth + 1) / 2) * width - PIXEL_SLACK - w[1]!);
      const colHi = Math.floor((((sHi - c.shiftX) / c.halfWidth + 1) / 2) * width + PIXEL_SLACK - w[0]!);
      const rowLo = Math.ceil(((1 - (tHi - c.shiftY) / c.halfHeight) / 2) * height - PIXEL_SLACK - w[3]!);
      const rowHi = Math.floor(((1 - (tLo - c.shiftY) / c.halfHeight) / 2) * height + PIXEL_SLACK - w[2]!);
      if (colLo > pxLo) pxLo = colLo;
      if (colHi < pxHi) pxHi = colHi;
      if (rowLo > pyLo) pyLo = rowLo;
      if (rowHi < pyHi) pyHi = rowHi;
      // Most small primitives of a dense scene fall between the samples.
      if (pxLo > pxHi || pyLo > pyHi) return;
    }
    const rays = this.rays;
    const made = this.made;
    const tBuf = this.t;
    const r2 = ra * ra;
    if (!sphere) {
      const e = this.coneEnds;
      e[0] = cax;
      e[1] = cay;
      e[2] = caz;
      e[3] = ra;
      e[4] = cbx;
      e[5] = cby;
      e[6] = cbz;
      e[7] = rb;
    }
    for (let y = pyLo; y <= pyHi; y++) {
      let rowLo = pxLo, rowHi = pxHi;
      if (!sphere) {
        // A thin cone crosses its end spheres' screen box diagonally: only its part in this pixel row is tested.
        if (!this.coneRow(y)) continue;
        if (this.spanLo > rowLo) rowLo = this.spanLo;
        if (this.spanHi < rowHi) rowHi = this.spanHi;
      }
      for (let x = rowLo; x <= rowHi; x++) {
        const base = ((y - this.y0) * this.tw + (x - this.x0)) * samples;
        for (let k = base; k < base + samples; k++) {
          if (made[k] === 0) this.makeRay(k);
          const q = k * 6;
          const ox = rays[q]!, oy = rays[q + 1]!, oz = rays[q + 2]!;
          const rdx = rays[q + 3]!, rdy = rays[q + 4]!, rdz = rays[q + 5]!;
          const best = tBuf[k]!;
          let t: number;
          let part = PART_A;
          if (sphere) {
            const lx = ox - ax, ly = oy - ay, lz = oz - az;
            const bb = lx * rdx + ly * rdy + lz * rdz;
            const disc = bb * bb - (lx * lx + ly * ly + lz * lz - r2);
            if (disc < 0) continue;
            const sq = Math.sqrt(disc);
            t = -bb - sq;
            if (t <= 0) t = -bb + sq;
            if (!(t > 0 && t < best)) continue;
          } else {
            loadRay(this.coneRay, rays, q);
            this.coneRay[7] = best;
            this.coneTests++;
            if (!hitConeRay(prims, o, this.coneRay)) continue;
            t = coneT[0]!;
            part = conePart;
          }
          // Equal distances keep the first primitive met, like the per-ray traversal's strict test.
          if (this.prim[k]! < 0) this.missing--;
          tBuf[k] = t;
          this.model[k] = m;
          this.prim[k] = p;
          this.part[k] = part;
        }
      }
    }
  }

  /**
   * The pixel columns of row y that the cone in `coneEnds` (camera space) can cover, into
   * spanLo..spanHi; false when it covers none. The cone lies within the union of the spheres
   * S(s) interpolating its end spheres (centre and radius linear in s in [0, 1]), so a hit in
   * row y lies on some S(s) that meets the row's slab of space (between the planes through the
   * row's top and bottom edges). Each plane's signed distance minus r(s) is linear in s, which
   * gives the interval [s0, s1] of such spheres; the hit lies in the hull of S(s0) and S(s1),
   * whose screen box bounds its column.
   */
  private coneRow(y: number): boolean {
    const c = this.job.camera;
    const e = this.coneEnds;
    const height = this.job.height;
    const w = this.window;
    const tTop = (1 - (2 * (y + w[2]! - PIXEL_SLACK)) / height) * c.halfHeight + c.shiftY;
    const tBot = (1 - (2 * (y + w[3]! + PIXEL_SLACK)) / height) * c.halfHeight + c.shiftY;
    // Signed distances (inside the slab: >= 0) to the row's top and bottom planes, plus radius,
    // at both ends. Perspective rows lie in planes through the eye, y = t z; orthographic in y = t.
    const ortho = c.orthographic;
    const nTop = ortho ? 1 : Math.sqrt(1 + tTop * tTop);
    const nBot = ortho ? 1 : Math.sqrt(1 + tBot * tBot);
    const topA = ((ortho ? tTop : tTop * e[2]!) - e[1]!) / nTop + e[3]!;
    const topB = ((ortho ? tTop : tTop * e[6]!) - e[5]!) / nTop + e[7]!;
    const botA = (e[1]! - (ortho ? tBot : tBot * e[2]!)) / nBot + e[3]!;
    const botB = (e[5]! - (ortho ? tBot : tBot * e[6]!)) / nBot + e[7]!;
    let s0 = 0, s1 = 1;
    // Each g(s) = gA + s (gB - gA) >= 0 keeps one side of its root.
    if (topA < 0 && topB < 0) return false;
    if (topA < 0) s0 = topA / (topA - topB);
    else if (topB < 0) s1 = topA / (topA - topB);
    if (botA < 0 && botB < 0) return false;
    if (botA < 0) s0 = Math.max(s0, botA / (botA - botB));
    else if (botB < 0) s1 = Math.min(s1, botA / (botA - botB));
    if (s0 > s1) return false;
    // The hull of S(s0) and S(s1): its camera-space box, projected as `raster` projects a box.
    const x0 = e[0]! + s0 * (e[4]! - e[0]!), z0 = e[2]! + s0 * (e[6]! - e[2]!), r0 = e[3]! + s0 * (e[7]! - e[3]!);
    const x1 = e[0]! + s1 * (e[4]! - e[0]!), z1 = e[2]! + s1 * (e[6]! - e[2]!), r1 = e[3]! + s1 * (e[7]! - e[3]!);
    const xLo = Math.min(x0 - r0, x1 - r1), xHi = Math.max(x0 + r0, x1 + r1);
    const zLo = Math.min(z0 - r0, z1 - r1), zHi = Math.max(z0 + r0, z1 + r1);
    let sLo: number, sHi: number;
    if (ortho) {
      sLo = xLo;
      sHi = xHi;
    } else if (zLo > 0) {
      sLo = Math.min(xLo / zLo, xLo / zHi);
      sHi = Math.max(xHi / zLo, xHi / zHi);
    } else {
      // Reaches behind the eye: no column bound from this part.
      this.spanLo = this.x0;
      this.spanHi = this.x1 - 1;
      return true;
    }
    const width = this.job.width;
    this.spanLo = Math.ceil((((sLo - c.shiftX) / c.halfWidth + 1) / 2) * width - PIXEL_SLACK - w[1]!);
    this.spanHi = Math.floor((((sHi - c.shiftX) / c.halfWidth + 1) / 2) * width + PIXEL_SLACK - w[0]!);
    return true;
  }
}

/** See PrimaryRays.window: where a ray of the job may pass inside its pixel. */
function sampleWindow(job: RenderJob): [number, number, number, number] {
  if (!jittered(job)) return [0.5, 0.5, 0.5, 0.5];
  const positions = job.samplePositions;
  // Stratified random jitter lands anywhere in the pixel.
  if (positions === undefined) return [0, 1, 0, 1];
  // OSPRay's positions follow its pixel filter, up to 1.5 pixels past the centre.
  const w: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let s = 0; s < job.samples; s++) {
    w[0] = Math.min(w[0], positions[s * 2]!);
    w[1] = Math.max(w[1], positions[s * 2]!);
    w[2] = Math.min(w[2], positions[s * 2 + 1]!);
    w[3] = Math.max(w[3], positions[s * 2 + 1]!);
  }
  return w;
}

/** Rows and columns are widened by this fraction of a pixel so that rounding never drops a hit. */
const PIXEL_SLACK = 1e-3;

/** Primitives rasterised between two refreshes of the occlusion bound (a refresh reads every ray). */
const REFRESH_PRIMS = 64;
