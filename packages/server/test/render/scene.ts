import type { ResolvedLight, View } from '@render-recipes/protocol';
import type { RendererSpec } from '@render-recipes/protocol';
import type { CameraFrame } from '../../src/render/camera.js';
import type { ClipSet } from '../../src/render/clipping.js';
import { LINEAR_BYTES } from '../../src/render/color-pipeline.js';
import type { ModelBvh } from '../../src/render/geometry.js';
import type { RenderJob } from '../../src/render/job.js';
import { resolveLighting } from '../../src/render/lights.js';
import type { LoadedCircuit, RenderCamera, RenderModel, RenderRequest } from '../../src/scene/types.js';

/** Synthetic scenes for renderer tests: no circuit files, just primitives with one cell each. */
export interface Ball {
  at: [number, number, number];
  r: number;
  color?: [number, number, number, number];
}

export interface Segment {
  a: [number, number, number];
  b: [number, number, number];
  ra: number;
  rb: number;
  color?: [number, number, number, number];
}

const WHITE: [number, number, number, number] = [1, 1, 1, 1];

export function model(balls: Ball[], segments: Segment[] = []): RenderModel {
  const n = balls.length;
  const circuit: LoadedCircuit = {
    gids: Uint32Array.from({ length: n + segments.length }, (_, i) => i + 1),
    bounds: { min: [0, 0, 0], max: [0, 0, 0] },
    spheres: {
      centers: Float32Array.from(balls.flatMap((b) => b.at)),
      radii: Float32Array.from(balls.map((b) => b.r)),
      cell: Uint32Array.from(balls.map((_, i) => i)),
    },
    cones: {
      ends: Float32Array.from(segments.flatMap((s) => [...s.a, ...s.b])),
      radii: Float32Array.from(segments.flatMap((s) => [s.ra, s.rb])),
      cell: Uint32Array.from(segments.map((_, i) => n + i)),
    },
    targets: [],
    simulation: null,
    colorsAt: () => null,
  };
  const colors = Float32Array.from([...balls, ...segments].flatMap((p) => p.color ?? WHITE));
  return { circuit, colors };
}

export const FLAT: ResolvedLight[] = [{ type: 'ambient', color: [1, 1, 1], intensity: 1 }];

export function renderer(overrides: Partial<RendererSpec> = {}): RendererSpec {
  return {
    type: 'interactive',
    samplesPerPixel: 1,
    maxRayBounces: 3,
    background: [0, 0, 0, 1],
    shadows: false,
    aoSamples: 0,
    ...overrides,
  };
}

export function lookAt(position: [number, number, number], target: [number, number, number] = [0, 0, 0], up: [number, number, number] = [0, 1, 0]): View {
  return { position, target, up };
}

export function perspective(view: View, fovy = 45): RenderCamera {
  return { type: 'perspective', fovy, view };
}

export function request(parts: Partial<RenderRequest> & Pick<RenderRequest, 'models'>): RenderRequest {
  return {
    width: 64,
    height: 64,
    camera: perspective(lookAt([0, 0, 10])),
    renderer: renderer(),
    lights: FLAT,
    ...parts,
  };
}

export function context(signal: AbortSignal = new AbortController().signal, progress: number[] = []): { signal: AbortSignal; onProgress: (amount: number) => void } {
  return { signal, onProgress: (amount) => progress.push(amount) };
}

/** Pixel access on top-down RGBA8. */
export function pixel(image: { width: number; rgba: Uint8Array }, x: number, y: number): [number, number, number, number] {
  const o = (y * image.width + x) * 4;
  return [image.rgba[o]!, image.rgba[o + 1]!, image.rgba[o + 2]!, image.rgba[o + 3]!];
}

export function luminance(image: { width: number; rgba: Uint8Array }, x: number, y: number): number {
  const [r, g, b] = pixel(image, x, y);
  return (r + g + b) / 3;
}

/** Pixels whose colour differs from the (black) background: the silhouette. */
export function covered(image: { width: number; height: number; rgba: Uint8Array }): { count: number; minX: number; maxX: number; minY: number; maxY: number; cx: number; cy: number } {
  let count = 0, minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, sx = 0, sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const [r, g, b] = pixel(image, x, y);
      if (r + g + b > 30) {
        count++;
        sx += x;
        sy += y;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return { count, minX, maxX, minY, maxY, cx: sx / count + 0.5, cy: sy / count + 0.5 };
}

/** Pixel of a world point seen by a 45-degree perspective camera at (0, 0, distance) looking down -z. */
export function project(p: [number, number, number], distance: number, width: number, height: number): [number, number] {
  const f = height / 2 / Math.tan(Math.PI / 8);
  const depth = distance - p[2];
  return [Math.floor(width / 2 + (p[0] / depth) * f), Math.floor(height / 2 - (p[1] / depth) * f)];
}

/** A 48 x 40 job over one BVH with no lights or shadows: what the primary-ray pass tests need. */
export function primaryJob(frame: CameraFrame, bvh: ModelBvh, samples: number, clip?: ClipSet): RenderJob {
  return {
    width: 48,
    height: 40,
    tileSize: 16,
    camera: frame,
    lighting: resolveLighting([], frame),
    production: false,
    samples,
    bounces: 0,
    aoSamples: 0,
    shadows: false,
    background: [0, 0, 0, 1],
    epsilon: 1e-4,
    color: LINEAR_BYTES,
    models: [{ ...bvh, colors: new Float32Array(0) }],
    ...(clip === undefined ? {} : { clip }),
  };
}
