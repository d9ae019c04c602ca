import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revision } from '@render-recipes/protocol';
import { isRenderRecipesError } from '@render-recipes/protocol';
import { buildMorphologyGeometry } from '../../src/scene/morphology/index.js';
import { generateSampleMorphologies } from '../../src/sample/morphology.js';
import type { MorphologyBuildOptions, MorphologyGeometry, PlacedCell } from '../../src/scene/types.js';

/**
 * A tiny neuron with known points: single-point soma of diameter 4 at the origin, an axon along
 * +x to (10,0,0), a basal dendrite along +y to (0,10,0), diameters 2 -> 1.
 */
const TINY_SWC = `# id type x y z radius parent
1 1 0 0 0 2 -1
2 2 2 0 0 1 1
3 2 10 0 0 0.5 2
4 3 0 2 0 1 1
5 3 0 10 0 0.5 4
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-morph-geom-'));
  await writeFile(join(dir, 'tiny.swc'), TINY_SWC);
  await generateSampleMorphologies(join(dir, 'samples'), { count: 1 });
  await generateSampleMorphologies(join(dir, 'three-point'), { count: 1, formats: ['swc'], swcSoma: 'three-point' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(overrides: Partial<MorphologyBuildOptions> = {}): MorphologyBuildOptions {
  return {
    revision: 'R3',
    morphologyDir: dir,
    morphologyType: null,
    radiusMultiplier: 1,
    sections: { soma: true, axon: true, dendrites: true },
    signal: new AbortController().signal,
    onProgress: () => undefined,
    ...overrides,
  };
}

function cell(index: number, position: [number, number, number], rotation: [number, number, number, number] = [0, 0, 0, 1]): PlacedCell {
  return { index, position, rotation, morphology: 'tiny' };
}

/** Cone ends as rounded [x,y,z] triples, for comparing against known points. */
function coneEnds(geometry: MorphologyGeometry): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < geometry.cones.ends.length; i += 3) {
    out.push(Array.from(geometry.cones.ends.slice(i, i + 3), (v) => Math.round(v * 1000) / 1000 + 0));
  }
  return out;
}

describe('buildMorphologyGeometry', () => {
  it('places the soma at the cell position and rotates neurites by the cell quaternion', async () => {
    // 90° about z: +x goes to +y, +y goes to -x.
    const s = Math.SQRT1_2;
    const geometry = await buildMorphologyGeometry([cell(7, [100, 200, 300], [0, 0, s, s])], options());
    expect(Array.from(geometry.spheres.centers)).toEqual([100, 200, 300]);
    expect(Array.from(geometry.spheres.radii)).toEqual([2]);
    const ends = coneEnds(geometry);
    expect(ends).toContainEqual([100, 210, 300]); // axon tip (10,0,0)
    expect(ends).toContainEqual([90, 200, 300]); // dendrite tip (0,10,0)
    expect(ends).not.toContainEqual([110, 200, 300]);
    // R3 joins a single-point soma to nothing: one cone per two-sample section.
    expect(Array.from(geometry.cones.cell)).toEqual([7, 7]);
    expect(Array.from(geometry.spheres.cell)).toEqual([7]);
  });

  it('instances one file at every cell, each primitive tagged with its own cell', async () => {
    const cells = [cell(0, [0, 0, 0]), cell(1, [50, 0, 0]), cell(2, [0, 0, -50], [1, 0, 0, 0])];
    const geometry = await buildMorphologyGeometry(cells, options());
    expect(Array.from(geometry.spheres.cell)).toEqual([0, 1, 2]);
    expect(Array.from(geometry.cones.cell)).toEqual([0, 0, 1, 1, 2, 2]);
    // 180° about x: the dendrite tip (0,10,0) ends at (0,-10,-50).
    expect(coneEnds(geometry)).toContainEqual([0, -10, -50]);
  });

  it('leaves the axon out when sections.axon is false', async () => {
    const geometry = await buildMorphologyGeometry([cell(0, [0, 0, 0])], options({ sections: { soma: true, axon: false, dendrites: true } }));
    const ends = coneEnds(geometry);
    expect(ends).toContainEqual([0, 10, 0]);
    expect(ends.some(([x]) => (x as number) > 0)).toBe(false);
    expect(geometry.cones.cell.length).toBe(1);
  });

  it('takes diameters as radii in R1 and halves them in R2/R3, times radius_multiplier', async () => {
    const radii = async (revision: Revision, radiusMultiplier: number, geometryType?: MorphologyBuildOptions['geometryType']): Promise<number[]> => {
      const g = await buildMorphologyGeometry(
        [cell(0, [0, 0, 0])],
        options({ revision, radiusMultiplier, geometryType, sections: { soma: false, axon: true, dendrites: false } }),
      );
      return Array.from(g.cones.radii, (r) => Math.round(r * 1e4) / 1e4);
    };
    // geometry_type 'original' shows the raw radii (axon diameters 2 -> 1).
    expect(await radii('R3', 1, 'original')).toEqual([1, 0.5]);
    expect(await radii('R2', 1, 'original')).toEqual([1, 0.5]);
    expect(await radii('R3', 3, 'original')).toEqual([3, 1.5]);
    // Smoothing (R1 always, R2/R3 by default) lets a radius shrink by at most 7 % per sample.
    expect(await radii('R1', 1)).toEqual([2, 1.86]);
    expect(await radii('R3', 1)).toEqual([1, 0.93]);
    expect(await radii('R3', 2, 'constant_radii')).toEqual([2, 2]);
  });

  it('section_smooth gives each child section 89 % of its parent first radius', async () => {
    await writeFile(join(dir, 'forked.swc'), '1 1 0 0 0 2 -1\n2 3 0 2 0 2 1\n3 3 0 10 0 2 2\n4 3 -5 15 0 0.2 3\n5 3 5 15 0 0.2 3\n');
    const g = await buildMorphologyGeometry(
      [{ ...cell(0, [0, 0, 0]), morphology: 'forked' }],
      options({ geometryType: 'section_smooth', sections: { soma: false, axon: false, dendrites: true } }),
    );
    expect(Array.from(g.cones.radii, (r) => Math.round(r * 1e4) / 1e4)).toEqual([2, 2, 1.78, 1.78, 1.78, 1.78]);
  });

  it('starts R1/R2 root sections at 0.4 x the soma radius when the soma is loaded, not R3', async () => {
    const cells: PlacedCell[] = [{ index: 0, position: [0, 0, 0], rotation: [0, 0, 0, 1], morphology: 'sample_pyramidal_0' }];
    const firstRootRadius = async (revision: Revision): Promise<number> => {
      const g = await buildMorphologyGeometry(cells, options({ revision, morphologyType: 'h5', morphologyDir: join(dir, 'samples') }));
      // Cone 0 joins the soma to the first root section: its far end is that section's first sample.
      return g.cones.radii[1] ?? NaN;
    };
    expect(await firstRootRadius('R1')).toBeCloseTo(0.4 * 7, 1);
    expect(await firstRootRadius('R2')).toBeCloseTo(0.4 * 7, 1);
    expect(await firstRootRadius('R3')).toBeCloseTo(2, 5); // the apical trunk starts at diameter 4
  });

  it('draws one sphere per sample with geometry_type spheres (R3)', async () => {
    const g = await buildMorphologyGeometry([cell(0, [0, 0, 0])], options({ geometryType: 'spheres' }));
    expect(g.cones.cell.length).toBe(0);
    // The soma point and the 2 + 2 neurite samples.
    expect(Array.from(g.spheres.radii)).toEqual([2, 1, 0.5, 1, 0.5]);
  });

  it('draws the soma per revision: R1 mean distance x multiplier, R3 contour unscaled', async () => {
    const cells: PlacedCell[] = [{ index: 0, position: [0, 0, 0], rotation: [0, 0, 0, 1], morphology: 'sample_pyramidal_0' }];
    const soma = async (revision: Revision, type: string): Promise<number> => {
      const g = await buildMorphologyGeometry(cells, options({ revision, morphologyType: type, radiusMultiplier: 2, morphologyDir: join(dir, 'samples') }));
      return g.spheres.radii[0] ?? -1;
    };
    // The sample soma is an 8-point ring of radius 7 µm.
    expect(await soma('R1', 'asc')).toBeCloseTo(14, 1);
    expect(await soma('R1', 'swc')).toBeCloseTo(14, 1);
    expect(await soma('R3', 'h5')).toBeCloseTo(7, 1);
    // R3 draws an SWC soma of many points as a stack of cones, not a sphere.
    expect(await soma('R3', 'swc')).toBe(-1);
  });

  it('draws a three-point SWC soma as R1 averages it and as R3 makes it a cylinder', async () => {
    const cells: PlacedCell[] = [{ index: 0, position: [0, 0, 0], rotation: [0, 0, 0, 1], morphology: 'sample_pyramidal_0' }];
    const build = (revision: Revision): Promise<MorphologyGeometry> =>
      buildMorphologyGeometry(cells, options({ revision, morphologyDir: join(dir, 'three-point'), sections: { soma: true, axon: false, dendrites: false } }));
    // R1: mean distance of (centre, centre - 7y, centre + 7y) = 14/3.
    expect((await build('R1')).spheres.radii[0]).toBeCloseTo(14 / 3, 1);
    const r3 = await build('R3');
    expect(r3.spheres.radii.length).toBe(0);
    expect(Array.from(r3.cones.radii).map((v) => Math.round(v))).toEqual([7, 7]);
    expect(coneEnds(r3).map((p) => p.map((v) => Math.round(v)))).toEqual([[0, 7, 0], [0, -7, 0]]);
  });

  it('gives the same geometry for the same neuron in SWC, ASC and H5', async () => {
    const build = (type: string, revision: Revision, soma: boolean): Promise<MorphologyGeometry> =>
      buildMorphologyGeometry(
        [{ index: 3, position: [10, 20, 30], rotation: [0.1, 0.2, 0.3, 0.9], morphology: 'sample_pyramidal_0' }],
        options({ revision, morphologyType: type, morphologyDir: join(dir, 'samples'), sections: { soma, axon: true, dendrites: true } }),
      );
    for (const revision of ['R1', 'R2', 'R3'] as const) {
      const [swc, asc, h5] = await Promise.all([build('swc', revision, false), build('asc', revision, false), build('h5', revision, false)]);
      expect(swc.cones.ends.length).toBeGreaterThan(100);
      for (const other of [asc, h5]) {
        expect(Array.from(other.cones.ends)).toEqual(Array.from(swc.cones.ends));
        expect(Array.from(other.cones.radii)).toEqual(Array.from(swc.cones.radii));
      }
      // With the soma, ASC and H5 (both contours) still agree to the last bit.
      const [ascSoma, h5Soma] = await Promise.all([build('asc', revision, true), build('h5', revision, true)]);
      expect(Array.from(h5Soma.cones.ends)).toEqual(Array.from(ascSoma.cones.ends));
      expect(Array.from(h5Soma.cones.radii)).toEqual(Array.from(ascSoma.cones.radii));
      expect(Array.from(h5Soma.spheres.centers)).toEqual(Array.from(ascSoma.spheres.centers));
      expect(Array.from(h5Soma.spheres.radii)).toEqual(Array.from(ascSoma.spheres.radii));
    }
  });

  it('finds files by probing asc/swc/h5 and in the ascii/ folder Brion uses', async () => {
    await mkdir(join(dir, 'ascii'), { recursive: true });
    await writeFile(join(dir, 'ascii', 'only-ascii.asc'), '((Axon) (0 0 0 2) (0 -30 0 2))\n');
    const geometry = await buildMorphologyGeometry([{ ...cell(0, [0, 0, 0]), morphology: 'only-ascii' }], options());
    expect(coneEnds(geometry)).toContainEqual([0, -30, 0]);
    const absolute = await buildMorphologyGeometry([{ ...cell(0, [0, 0, 0]), morphology: join(dir, 'tiny.swc') }], options({ morphologyDir: '/nonexistent' }));
    expect(absolute.spheres.radii.length).toBe(1);
  });

  it('names the morphology and every path tried when no file exists', async () => {
    const error: unknown = await buildMorphologyGeometry([{ ...cell(0, [0, 0, 0]), morphology: 'ghost' }], options({ morphologyType: 'h5' })).catch((e: unknown) => e);
    expect(isRenderRecipesError(error) && error.code).toBe('CIRCUIT_INVALID');
    expect((error as Error).message).toBe(`Cannot find morphology 'ghost': none of ${join(dir, 'ghost.h5')}, ${join(dir, 'ascii', 'ghost.h5')} exists`);
  });

  it('names a corrupt file', async () => {
    await writeFile(join(dir, 'broken.swc'), '1 1 0 0 0 5 -1\n2 2 0 0 x 1 1\n');
    await expect(buildMorphologyGeometry([{ ...cell(0, [0, 0, 0]), morphology: 'broken' }], options())).rejects.toThrow(
      `Cannot read morphology ${join(dir, 'broken.swc')}: line 2: column 5 is not a number: 'x'`,
    );
  });

  it('reports progress up to 1 and stops when cancelled', async () => {
    const seen: number[] = [];
    const cells = Array.from({ length: 600 }, (_, i) => cell(i, [i, 0, 0]));
    const geometry = await buildMorphologyGeometry(cells, options({ onProgress: (p) => seen.push(p) }));
    expect(geometry.spheres.radii.length).toBe(600);
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    const controller = new AbortController();
    const cancelled = buildMorphologyGeometry(cells, options({ signal: controller.signal, onProgress: () => controller.abort() }));
    const error: unknown = await cancelled.catch((e: unknown) => e);
    expect(isRenderRecipesError(error) && error.code).toBe('CANCELLED');
  });
});

describe('R1/R2 soma joins', () => {
  it('joins the soma sphere to each root section with a cone', async () => {
    const geometry = await buildMorphologyGeometry([cell(0, [0, 0, 0])], options({ revision: 'R2' }));
    // Single point soma in R2: mean distance 0, so the sphere has radius 0 (as in Brayns) but
    // the soma->root cones are there: 2 joins + 2 section cones.
    expect(Array.from(geometry.spheres.radii)).toEqual([0]);
    expect(geometry.cones.cell.length).toBe(4);
    expect(coneEnds(geometry).slice(0, 2)).toEqual([[0, 0, 0], [2, 0, 0]]);
  });
});
