// Scenes shared by the renderer benchmarks: seeded, so every run (and every renderer) sees the same.
/** Seeded uniform [0, 1) (mulberry32-style mixing) so every run renders the same scene. */
export function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function boundsOf(points) {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], points[i + a]);
      max[a] = Math.max(max[a], points[i + a]);
    }
  }
  return { min, max };
}

/** Soma spheres (radius 20, as the seed's radius_multiplier) in a slab facing the camera. */
export function somaCircuit(count) {
  const rnd = random(count);
  const side = 60 * Math.sqrt(count);
  const centers = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    centers[i * 3] = rnd() * side;
    centers[i * 3 + 1] = rnd() * side;
    centers[i * 3 + 2] = rnd() * 300;
  }
  return circuit(count, { centers, radii: new Float32Array(count).fill(20), cell: Uint32Array.from({ length: count }, (_, i) => i) }, emptyCones(), boundsOf(centers), rnd);
}

function emptyCones() {
  return { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
}

/** Neurons as branching random walks: a soma sphere and `segments` tapered cones each. */
export function morphologyCircuit(count, segments) {
  const rnd = random(1000 + count);
  const side = 150 * Math.sqrt(count);
  const ends = new Float32Array(count * segments * 6);
  const radii = new Float32Array(count * segments * 2);
  const cell = new Uint32Array(count * segments);
  const centers = new Float32Array(count * 3);
  let k = 0;
  for (let c = 0; c < count; c++) {
    const soma = [rnd() * side, rnd() * side, rnd() * 300];
    centers.set(soma, c * 3);
    const branches = 8;
    const perBranch = Math.floor(segments / branches);
    for (let b = 0; b < branches; b++) {
      // Scalars only: allocating per segment would make the benchmark's own garbage the peak RSS.
      let p0 = soma[0], p1 = soma[1], p2 = soma[2];
      let d0 = rnd() - 0.5, d1 = rnd() - 0.5, d2 = rnd() - 0.5;
      for (let s = 0; s < perBranch && k < (c + 1) * segments; s++) {
        d0 += (rnd() - 0.5) * 0.6;
        d1 += (rnd() - 0.5) * 0.6;
        d2 += (rnd() - 0.5) * 0.6;
        const len = Math.hypot(d0, d1, d2);
        const q0 = p0 + (d0 / len) * 3, q1 = p1 + (d1 / len) * 3, q2 = p2 + (d2 / len) * 3;
        const o = k * 6;
        ends[o] = p0;
        ends[o + 1] = p1;
        ends[o + 2] = p2;
        ends[o + 3] = q0;
        ends[o + 4] = q1;
        ends[o + 5] = q2;
        radii[k * 2] = Math.max(0.2, 2 * (1 - s / perBranch));
        radii[k * 2 + 1] = Math.max(0.2, 2 * (1 - (s + 1) / perBranch));
        cell[k] = c;
        k++;
        p0 = q0;
        p1 = q1;
        p2 = q2;
      }
    }
  }
  const spheres = { centers, radii: new Float32Array(count).fill(6), cell: Uint32Array.from({ length: count }, (_, i) => i) };
  const cones = { ends: ends.subarray(0, k * 6), radii: radii.subarray(0, k * 2), cell: cell.subarray(0, k) };
  return circuit(count, spheres, cones, boundsOf(ends.subarray(0, k * 6)), rnd);
}

function circuit(cells, spheres, cones, bounds, rnd) {
  const colors = new Float32Array(cells * 4);
  for (let i = 0; i < cells; i++) colors.set([0.3 + 0.7 * rnd(), 0.3 + 0.7 * rnd(), 0.3 + 0.7 * rnd(), 1], i * 4);
  const loaded = { gids: Uint32Array.from({ length: cells }, (_, i) => i + 1), bounds, spheres, cones, targets: [], simulation: null, colorsAt: () => null };
  return { circuit: loaded, colors };
}

/** The Python client's full-screen view (PROTOCOL.md §5.3). */
export function fullScreen({ min, max }) {
  const center = min.map((v, a) => (v + max[a]) / 2);
  const distance = (max[1] - min[1]) / 2 / Math.tan(Math.PI / 8) + (max[2] - min[2]) / 2;
  return { type: 'perspective', fovy: 45, view: { position: [center[0], center[1], center[2] + distance], target: center, up: [0, 1, 0] } };
}

/** The interactive renderer as the Python client sets it up, with shadows on. */
export const RENDERER = { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 3, background: [0.004, 0.016, 0.102, 0], shadows: true, aoSamples: 0 };
/** One directional light (the shadow rays' target) plus ambient. */
export const SUN = [{ type: 'directional', color: [1, 1, 1], intensity: 0.8, direction: [-1, -1, -1] }, { type: 'ambient', color: [1, 1, 1], intensity: 0.2 }];
