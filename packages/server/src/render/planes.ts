/**
 * Float outputs of a render beside its 8-bit pixels, as OSPRay's framebuffer channels hold them
 * (modules/cpu/render/Renderer.ispc@v2.10.0, Renderer_default_renderTask): per pixel, the colour
 * is the linear RGBA before tone mapping (averaged over the pixel's samples), the depth the
 * nearest sample's distance from the eye along its ray (Infinity where every sample missed), the
 * normal the average world-space shading normal turned towards the eye (0 on the background) and
 * the albedo the average surface colour (the background colour where a sample missed). Every
 * plane lives in a SharedArrayBuffer so render workers write into it directly.
 */
export interface FloatPlanes {
  /** RGBA per pixel. */
  color?: Float32Array;
  /** One value per pixel. */
  depth?: Float32Array;
  /** XYZ per pixel. */
  normal?: Float32Array;
  /** RGB per pixel. */
  albedo?: Float32Array;
}

export type PlaneName = keyof FloatPlanes;

/** Components per pixel of each plane. */
export const PLANE_COMPONENTS: Readonly<Record<PlaneName, number>> = { color: 4, depth: 1, normal: 3, albedo: 3 };

/**
 * Allocates the named planes for a width x height render, in shared memory; the others are
 * undefined. Every key is always there, in one order: objects of one shape whatever the planes
 * asked for, as the integrator's optimised code checks the shape it saw (a shape that came and went
 * made V8 discard that code at a collection and run the tile loop unoptimised meanwhile).
 */
export function allocatePlanes(names: readonly PlaneName[], width: number, height: number): FloatPlanes {
  const planes: FloatPlanes = { color: undefined, depth: undefined, normal: undefined, albedo: undefined };
  for (const name of names) {
    const length = width * height * PLANE_COMPONENTS[name];
    planes[name] = new Float32Array(new SharedArrayBuffer(length * 4));
  }
  return planes;
}

/**
 * One pixel's auxiliary values gathered over its samples (see `FloatPlanes`); the integrator adds
 * each sample and writes the pixel once its samples are done.
 */
export class PixelAux {
  depth = Infinity;
  nx = 0;
  ny = 0;
  nz = 0;
  r = 0;
  g = 0;
  b = 0;

  reset(): void {
    this.depth = Infinity;
    this.nx = this.ny = this.nz = 0;
    this.r = this.g = this.b = 0;
  }

  /** Writes the pixel: `linear` holds its RGBA at `l`, `samples` samples were added. */
  write(planes: FloatPlanes, pixel: number, linear: Float64Array, l: number, samples: number): void {
    const { color, depth, normal, albedo } = planes;
    if (color !== undefined) {
      for (let c = 0; c < 4; c++) color[pixel * 4 + c] = linear[l + c]!;
    }
    if (depth !== undefined) depth[pixel] = this.depth;
    if (normal !== undefined) {
      normal[pixel * 3] = this.nx / samples;
      normal[pixel * 3 + 1] = this.ny / samples;
      normal[pixel * 3 + 2] = this.nz / samples;
    }
    if (albedo !== undefined) {
      albedo[pixel * 3] = this.r / samples;
      albedo[pixel * 3 + 1] = this.g / samples;
      albedo[pixel * 3 + 2] = this.b / samples;
    }
  }
}
