/**
 * Where inside its pixel Brayns takes a one-sample render's only sample.
 *
 * Brayns never sets OSPRay's `pixelFilter`, so OSPRay's default Gaussian filter (width 3 pixels,
 * sigma = width / 6) is used (modules/cpu/render/Renderer.cpp@v2.10.0; same in v2.9.0). Sample 0
 * of a frame draws (Halton2(0), CranleyPatterson(Halton3(0), 1/6)) = (0, 1/6) and maps it through
 * the filter's importance table (15 x 15 bins, LUTPixelFilter.ih): x = 0 falls on the table's left
 * edge, 1.5 pixels left of the centre; y = 1/6 lands a little below the centre (Renderer.ispc,
 * Distribution2D.ispc). OSPRay's rows count from the bottom. R1 and R2 flip the image when they
 * write it (ImageFlipper in engine/FrameBuffer.cpp@938284d1f, engine/framebuffer/Framebuffer.cpp@3.0.0),
 * so from the top-left corner the sample sits at (x - 1, y + 1 - dy); R3 writes rows as rendered
 * and flips the camera's image region instead (default image_start (0, 1), image_end (1, 0),
 * engine/camera/Camera.h@3.10.1), which puts it at (x - 1, y + dy).
 * Renders with more samples take OSPRay's later samples, the same positions in every pixel
 * (braynsSample).
 */
import type { Revision } from '@render-recipes/protocol';

export interface PixelSample {
  /** Sample position inside the pixel, from the pixel's left edge (pixels). */
  x: number;
  /** Sample position inside the pixel, from the pixel's top edge (pixels). */
  y: number;
}

const WIDTH = 3;
const BINS = WIDTH * 5;

/** OSPRay's Distribution1D inverse-CDF sample over `weights`, as a fraction of the table. */
function sampleTable(weights: number[], s: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let before = 0;
  for (let i = 0; i < weights.length; i++) {
    const after = before + weights[i]! / total;
    if (s < after) return (i + (s - before) / (after - before)) / weights.length;
    before = after;
  }
  return 1;
}

/** The filter's importance table (Gaussian, width 3, sigma = width / 6) as rows of weights, bottom row first. */
function filterTable(): number[][] {
  const sigma = (0.5 * WIDTH) / 3;
  const at = (i: number) => ((i + 0.5) / BINS - 0.5) * WIDTH;
  const eval2 = (x: number, y: number) => Math.exp(-0.5 * ((x * x + y * y) / (sigma * sigma)));
  return Array.from({ length: BINS }, (_, r) => Array.from({ length: BINS }, (_, c) => eval2(at(c), at(r))));
}

const TABLE = filterTable();
const ROW_WEIGHTS = TABLE.map((row) => row.reduce((a, b) => a + b, 0));

/** The pixel filter's sample for the uniform pair (u, v), from the pixel's bottom-left corner (LUTPixelFilter.ih). */
function gaussianSample(u: number, v: number): PixelSample {
  // Row importance is the row's sum; the sample picks its row with v and its column with u.
  const y = sampleTable(ROW_WEIGHTS, v);
  const x = sampleTable(TABLE[Math.min(BINS - 1, Math.floor(y * BINS))]!, u);
  return { x: 0.5 + (x - 0.5) * WIDTH, y: 0.5 + (y - 0.5) * WIDTH };
}

/** Radical inverse of i in `base` (OSPRay's Halton_sample2 / Halton_sample3). */
function radicalInverse(i: number, base: number): number {
  let result = 0;
  let f = 1 / base;
  for (let n = i; n > 0; n = Math.floor(n / base), f /= base) result += (n % base) * f;
  return result;
}

/**
 * Sample `id` of a pixel in OSPRay 2.10 (Renderer.ispc renderTask): the same position in every
 * pixel, (Halton2(id), Halton3(id) + 1/6 wrapped) through the pixel filter. A frame of spp samples
 * that is the n-th accumulation frame takes ids n spp .. n spp + spp - 1.
 */
function osprayPixelSample(id: number): PixelSample {
  const v = radicalInverse(id, 3) + 1 / 6;
  return gaussianSample(radicalInverse(id, 2), v >= 1 ? v - 1 : v);
}

const FIRST = osprayPixelSample(0);
const FLIPPED_ON_WRITE: PixelSample = { x: FIRST.x, y: 1 - FIRST.y };

/** Where each revision's sample `id` lies in every pixel, from the pixel's top-left corner (see braynsFirstSample for the flip). */
export function braynsSample(revision: Revision, id: number): PixelSample {
  const sample = osprayPixelSample(id);
  return revision === 'R3' ? sample : { x: sample.x, y: 1 - sample.y };
}

/** Where each revision's one-sample render samples, from the pixel's top-left corner. */
export function braynsFirstSample(revision: Revision): PixelSample {
  return revision === 'R3' ? FIRST : FLIPPED_ON_WRITE;
}
export const PIXEL_CENTRE: PixelSample = { x: 0.5, y: 0.5 };
