import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRenderRecipesError } from '@render-recipes/protocol';
import { readMorphology, type Morphology } from '../../src/scene/morphology/index.js';
import { generateSampleMorphologies } from '../../src/sample/morphology.js';

const fixtures = fileURLToPath(new URL('../fixtures/morphologies/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-morph-read-'));
  await generateSampleMorphologies(dir, { count: 2 });
  await generateSampleMorphologies(join(dir, 'three-point'), { count: 1, formats: ['swc'], swcSoma: 'three-point' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectSameNeurites(a: Morphology, b: Morphology): void {
  expect(b.sections.length).toBe(a.sections.length);
  a.sections.forEach((section, i) => {
    const other = b.sections[i];
    expect(other?.type).toBe(section.type);
    expect(other?.parent).toBe(section.parent);
    expect(Array.from(other?.points ?? [])).toEqual(Array.from(section.points));
    expect(Array.from(other?.diameters ?? [])).toEqual(Array.from(section.diameters));
  });
}

describe('morphology readers', () => {
  it('read the same neuron identically from SWC, ASC and H5', async () => {
    for (const name of ['sample_pyramidal_0', 'sample_pyramidal_1']) {
      const swc = await readMorphology(join(dir, `${name}.swc`));
      const asc = await readMorphology(join(dir, `${name}.asc`));
      const h5 = await readMorphology(join(dir, `${name}.h5`));
      expect(swc.sections.length).toBeGreaterThan(10);
      expect(new Set(swc.sections.map((s) => s.type))).toEqual(new Set(['axon', 'basal', 'apical']));
      expectSameNeurites(swc, asc);
      expectSameNeurites(swc, h5);
      expect(Array.from(asc.soma.points)).toEqual(Array.from(swc.soma.points));
      expect(Array.from(h5.soma.points)).toEqual(Array.from(swc.soma.points));
      // MorphIO's classification: an 8-point SWC soma chain is a cylinder stack, ASC/H5 a contour.
      expect([swc.soma.kind, asc.soma.kind, h5.soma.kind]).toEqual(['cylinders', 'contour', 'contour']);
    }
  });

  it('writes SWC somata in the NeuroMorpho three-point form on request', async () => {
    const swc = await readMorphology(join(dir, 'three-point', 'sample_pyramidal_0.swc'));
    const asc = await readMorphology(join(dir, 'sample_pyramidal_0.asc'));
    expectSameNeurites(swc, asc);
    expect(swc.soma.kind).toBe('three-point');
    const [cx, cy, r] = [swc.soma.points[0] ?? NaN, swc.soma.points[1] ?? NaN, (swc.soma.diameters[0] ?? NaN) / 2];
    expect([cx, cy]).toEqual([0, 0]);
    expect(r).toBeCloseTo(7, 1);
    expect(Array.from(swc.soma.points.slice(3))).toEqual([0, cy - r, 0, 0, cy + r, 0].map((v) => Math.fround(v)));
  });

  it('child sections start with their parent last sample in every format', async () => {
    const h5 = await readMorphology(join(dir, 'sample_pyramidal_0.h5'));
    for (const section of h5.sections) {
      if (section.parent < 0) continue;
      const parent = h5.sections[section.parent];
      const n = (parent?.diameters.length ?? 0) - 1;
      expect(Array.from(section.points.slice(0, 3))).toEqual(Array.from(parent?.points.slice(3 * n, 3 * n + 3) ?? []));
    }
  });

  it('skips markers, spines, properties and end words in Neurolucida files', async () => {
    const m = await readMorphology(join(fixtures, 'robust.asc'));
    expect(m.soma.kind).toBe('contour');
    expect(m.soma.points.length).toBe(12);
    const summary = m.sections.map((s) => ({ type: s.type, parent: s.parent, points: Array.from(s.points) }));
    expect(summary).toEqual([
      { type: 'basal', parent: -1, points: [0, 2, 0, 0, 10, 0] },
      { type: 'basal', parent: 0, points: [0, 10, 0, -5, 15, 0] },
      { type: 'basal', parent: 0, points: [0, 10, 0, 5, 15, 0, 8, 20, 0] },
      { type: 'basal', parent: 2, points: [8, 20, 0, 9, 25, 0] },
      { type: 'basal', parent: 2, points: [8, 20, 0, 7, 25, 0] },
      { type: 'axon', parent: -1, points: [0, -2, 0, 0, -20, 0] },
      { type: 'apical', parent: -1, points: [0, 2, 1, 0, 40, 1] },
    ]);
    expect(Array.from(m.sections[0]?.diameters ?? [])).toEqual([2, 2]);
  });

  it('reads SWC with unsorted ids, a three-point soma and radii as diameters', async () => {
    const m = await readMorphology(join(fixtures, 'three-point-soma.swc'));
    expect(m.soma.kind).toBe('three-point');
    expect(Array.from(m.soma.diameters)).toEqual([10, 10, 10]);
    expect(m.sections.map((s) => [s.type, s.parent, Array.from(s.points)])).toEqual([
      ['axon', -1, [0, -5, 0, 0, -10, 0]],
      ['basal', -1, [10, 0, 0, 20, 0, 0]],
    ]);
    expect(Array.from(m.sections[0]?.diameters ?? [])).toEqual([1, 1]);
  });
});

describe('morphology reader errors name the file and the problem', () => {
  const cases: [string, RegExp][] = [
    ['bad-columns.swc', /^Cannot read morphology .*bad-columns\.swc: line 3: expected 7 columns \(id type x y z radius parent\), found 6$/],
    ['missing-parent.swc', /missing-parent\.swc: line 2: parent id 9 of sample 2 does not exist/],
    ['unbalanced.asc', /unbalanced\.asc: unbalanced parentheses: the '\(' opened on line 4 is never closed/],
    ['not-hdf5.h5', /not-hdf5\.h5: not an HDF5 file/],
    ['absent.swc', /absent\.swc: no such file/],
    ['absent.h5', /absent\.h5: no such file/],
  ];
  for (const [file, message] of cases) {
    it(file, async () => {
      const error: unknown = await readMorphology(join(fixtures, file)).catch((e: unknown) => e);
      expect(isRenderRecipesError(error) && error.code).toBe('CIRCUIT_INVALID');
      expect((error as Error).message).toMatch(message);
    });
  }

  it('an HDF5 file without /structure', async () => {
    await h5wasm.ready;
    const path = join(dir, 'no-structure.h5');
    await writeFile(path, '');
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'points', data: new Float32Array(8), shape: [2, 4] });
    file.close();
    await expect(readMorphology(path)).rejects.toThrow(/no-structure\.h5: no \/structure dataset/);
  });

  it('an HDF5 /structure pointing outside /points', async () => {
    await h5wasm.ready;
    const path = join(dir, 'bad-offset.h5');
    await writeFile(path, '');
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'points', data: new Float32Array(8), shape: [2, 4] });
    file.create_dataset({ name: 'structure', data: new Int32Array([0, 1, -1, 5, 2, 0]), shape: [2, 3] });
    file.close();
    await expect(readMorphology(path)).rejects.toThrow(/bad-offset\.h5: \/structure row 0: point range 0\.\.5 is outside \/points \(2 rows\)/);
  });

  it('Neurolucida branches nested absurdly deep', async () => {
    const path = join(dir, 'deep.asc');
    await writeFile(path, `((Dendrite) (0 0 0 1) (0 1 0 1) ${'( (0 2 0 1) (0 3 0 1) '.repeat(3000)}${')'.repeat(3000)})`);
    await expect(readMorphology(path)).rejects.toThrow(/deep\.asc: branches nested more than 2000 levels deep/);
  });

  it('an unknown extension', async () => {
    await expect(readMorphology(join(fixtures, 'neuron.obj'))).rejects.toThrow(/neuron\.obj: unknown morphology format '\.obj'/);
  });
});
