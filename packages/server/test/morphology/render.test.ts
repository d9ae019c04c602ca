import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderImage } from '../../src/render/index.js';
import { buildMorphologyGeometry } from '../../src/scene/morphology/index.js';
import type { MorphologyBuildOptions, RenderedImage, RenderRequest } from '../../src/scene/types.js';

/** A soma contour of radius 6 at the origin, an axon of diameter 8 along +x to x = 40. */
const NEURON_ASC = `("CellBody" (6 0 0 0) (0 6 0 0) (-6 0 0 0) (0 -6 0 0))
( (Axon) (6 0 0 8) (40 0 0 8) )
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-morph-render-'));
  await writeFile(join(dir, 'neuron.asc'), NEURON_ASC);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Orthographic view down -z of the square [-100, 100]², 100×100 pixels: 2 µm per pixel, world
 * (x, y) at pixel (50 + x/2, 50 - y/2). The cell sits at (40, 0, 0), turned 90° about z, so its
 * axon points up (+y) from the soma.
 */
async function render(sections: MorphologyBuildOptions['sections']): Promise<RenderedImage> {
  const s = Math.SQRT1_2;
  const geometry = await buildMorphologyGeometry([{ index: 0, position: [40, 0, 0], rotation: [0, 0, s, s], morphology: 'neuron' }], {
    revision: 'R3',
    morphologyDir: dir,
    morphologyType: null,
    radiusMultiplier: 1,
    sections,
    signal: new AbortController().signal,
    onProgress: () => undefined,
  });
  const request: RenderRequest = {
    width: 100,
    height: 100,
    camera: { type: 'orthographic', height: 200, view: { position: [0, 0, 100], target: [0, 0, 0], up: [0, 1, 0] } },
    renderer: { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 1, background: [0, 0, 0, 1], shadows: false, aoSamples: 0 },
    lights: [{ type: 'ambient', color: [1, 1, 1], intensity: 1 }],
    models: [
      {
        circuit: {
          gids: Uint32Array.of(1),
          bounds: { min: [0, 0, 0], max: [0, 0, 0] },
          spheres: geometry.spheres,
          cones: geometry.cones,
          targets: [],
          simulation: null,
          colorsAt: () => null,
        },
        colors: Float32Array.of(1, 1, 0, 1),
      },
    ],
  };
  return renderImage(request, { signal: new AbortController().signal, onProgress: () => undefined }, { workers: 0 });
}

function lit(image: RenderedImage, x: number, y: number): boolean {
  const at = 4 * (y * image.width + x);
  return (image.rgba[at] ?? 0) > 100 && (image.rgba[at + 1] ?? 0) > 100;
}

describe('a rendered morphology', () => {
  it('appears where its cell is, rotated as the cell says', async () => {
    const image = await render({ soma: true, axon: true, dendrites: true });
    expect(lit(image, 70, 50)).toBe(true); // soma at (40, 0)
    expect(lit(image, 70, 35)).toBe(true); // axon at (40, 30): rotated up
    expect(lit(image, 70, 32)).toBe(true); // axon tip region at (40, 36)
    expect(lit(image, 85, 50)).toBe(false); // (70, 0): where an unrotated axon would be
    expect(lit(image, 50, 50)).toBe(false); // the origin: nothing there
    expect(lit(image, 70, 20)).toBe(false); // (40, 60): beyond the axon tip
  });

  it('has no axon pixels when the axon is not loaded', async () => {
    const image = await render({ soma: true, axon: false, dendrites: true });
    expect(lit(image, 70, 50)).toBe(true);
    expect(lit(image, 70, 35)).toBe(false);
  });
});
