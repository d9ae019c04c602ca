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
 * Renders with more samples average over the filter, whose centre is the pixel centre.
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

function gaussianFirstSample(): PixelSample {
  const sigma = (0.5 * WIDTH) / 3;
  const at = (i: number) => ((i + 0.5) / BINS - 0.5) * WIDTH;
  const eval2 = (x: number, y: number) => Math.exp(-0.5 * ((x * x + y * y) / (sigma * sigma)));
  // Row importance is the row's sum; the first sample picks its row with s.y and its column with s.x.
  const rows = Array.from({ length: BINS }, (_, r) => Array.from({ length: BINS }, (_, c) => eval2(at(c), at(r))));
  const v = sampleTable(rows.map((row) => row.reduce((a, b) => a + b, 0)), 1 / 6);
  const row = rows[Math.min(BINS - 1, Math.floor(v * BINS))]!;
  const u = sampleTable(row, 0);
  const xFromBottom = 0.5 + (u - 0.5) * WIDTH;
  const yFromBottom = 0.5 + (v - 0.5) * WIDTH;
  return { x: xFromBottom, y: yFromBottom };
}

const FIRST = gaussianFirstSample();
const FLIPPED_ON_WRITE: PixelSample = { x: FIRST.x, y: 1 - FIRST.y };

/** Where each revision's one-sample render samples, from the pixel's top-left corner. */
export function braynsFirstSample(revision: Revision): PixelSample {
  return revision === 'R3' ? FIRST : FLIPPED_ON_WRITE;
}
export const PIXEL_CENTRE: PixelSample = { x: 0.5, y: 0.5 };
