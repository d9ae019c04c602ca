import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells, nodePopulationSizes } from '../../src/circuit.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { Hdf5Header, Unsupported } from '../../src/scene/hdf5-header.js';

/**
 * The HDF5 structure reader (groups and dataset shapes, no h5wasm) agrees with h5wasm on every
 * object of real files written by h5py/HDF5's C library (superblock 0, symbol-table groups) and of
 * files h5wasm writes (superblock 2, compact links), and preflight's counts come from it.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const REAL = [
  'fixtures/real-circuits/bluepy/circuit.mvd3',
  'fixtures/real-circuits/bluepy/spikes.h5',
  'fixtures/real-circuits/libsonata/nodes1.h5',
  'fixtures/real-circuits/libsonata/elements.h5',
  'fixtures/real-circuits/libsonata/somas.h5',
  'fixtures/real-circuits/sonata/5_cells_iclamp/network/biophysical_nodes.h5',
  'fixtures/real-circuits/sonata/5_cells_iclamp/output/spikes.h5',
  'fixtures/real-circuits/sonata/5_cells_iclamp/output/membrane_potential.h5',
  'samples/circuit/circuit.mvd3',
  'samples/circuit/out.h5',
].map((p) => join(root, p));

let dir: string;
let generated: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-hdf5-header-'));
  await generateSampleCircuit(join(dir, 'sample'), { cells: 50, sonataNodes: true });
  generated = ['circuit.mvd3', 'nodes.h5', 'out.h5'].map((f) => join(dir, 'sample', f));
  await h5wasm.ready;
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Every group's members and every dataset's shape, as h5wasm reads them, by path. */
function h5wasmTree(path: string): Map<string, { members: string[] | null; dims: number[] | null }> {
  const file = new h5wasm.File(path, 'r');
  const out = new Map<string, { members: string[] | null; dims: number[] | null }>();
  const walk = (group: InstanceType<typeof h5wasm.Group>, prefix: string): void => {
    out.set(prefix, { members: group.keys().sort(), dims: null });
    for (const name of group.keys()) {
      const child = group.get(name);
      const path = prefix === '' ? name : `${prefix}/${name}`;
      if (child instanceof h5wasm.Group) walk(child, path);
      else if (child instanceof h5wasm.Dataset) out.set(path, { members: null, dims: child.shape ?? [] });
    }
  };
  try {
    walk(file, '');
  } finally {
    file.close();
  }
  return out;
}

describe('the HDF5 structure reader', () => {
  it('reads the same groups and dataset shapes as h5wasm, object by object', async () => {
    let skipped = 0;
    for (const path of [...REAL, ...generated]) {
      const expected = h5wasmTree(path);
      expect(expected.size, path).toBeGreaterThan(1);
      const header = await Hdf5Header.open(path);
      try {
        for (const [object, want] of expected) {
          const found = await header.find(object).catch((error: unknown) => {
            if (error instanceof Unsupported) return { unsupported: error.message };
            throw error;
          });
          if (found !== null && 'unsupported' in found) {
            // Only a group past HDF5's compact limit (8 links) is stored densely, which this reader
            // leaves to h5wasm: h5wasm's SONATA nodes writer puts 13 columns in `0/`.
            const dense = [...expected].some(([group, g]) => (g.members?.length ?? 0) > 8 && (object === group || object.startsWith(`${group}/`)));
            expect({ path, object, found, dense }).toEqual({ path, object, found: { unsupported: 'dense link storage (fractal heap)' }, dense: true });
            skipped += 1;
            continue;
          }
          expect({ path, object, members: found?.members?.sort() ?? null, dims: found?.dims ?? null }).toEqual({ path, object, ...want });
        }
        expect(await header.find('no/such/object')).toBeNull();
      } finally {
        await header.close();
      }
    }
    expect(skipped).toBeLessThan(20);
  });

  it('gives the counts preflight asks for: cells of an MVD3 file, nodes of each SONATA population', async () => {
    expect(await countCells(join(root, 'fixtures/real-circuits/bluepy/circuit.mvd3'), 'mvd3')).toBe(3);
    expect(await countCells(join(root, 'samples/circuit/circuit.mvd3'), 'mvd3')).toBe(2000);
    expect(await countCells(generated[0]!, 'mvd3')).toBe(50);
    // Populations and sizes as h5wasm sees them (node_type_id's length, else 0/x's).
    const h5wasmSizes = (path: string): Map<string, number> => {
      const tree = h5wasmTree(path);
      return new Map(tree.get('nodes')!.members!.map((name) => [name, (tree.get(`nodes/${name}/node_type_id`) ?? tree.get(`nodes/${name}/0/x`))?.dims?.[0] ?? 0]));
    };
    expect(await nodePopulationSizes(generated[1]!)).toEqual(new Map([['column', 50]]));
    expect(h5wasmSizes(generated[1]!)).toEqual(new Map([['column', 50]]));
    const libsonata = join(root, 'fixtures/real-circuits/libsonata/nodes1.h5');
    expect(h5wasmSizes(libsonata).size).toBeGreaterThan(1);
    expect(await nodePopulationSizes(libsonata)).toEqual(h5wasmSizes(libsonata));
  });

  it('says Unsupported for what it does not read, and the counts still come (from h5wasm)', async () => {
    await expect(Hdf5Header.open(join(root, 'packages/server/test/fixtures/morphologies/not-hdf5.h5'))).rejects.toBeInstanceOf(Unsupported);
    // The sample MVD3 with its root object header cut off: the structure reader gives up, and
    // h5wasm reports the damaged file as before.
    const bytes = await readFile(join(root, 'samples/circuit/circuit.mvd3'));
    const cut = join(dir, 'cut.mvd3');
    await writeFile(cut, bytes.subarray(0, 64));
    const header = await Hdf5Header.open(cut);
    try {
      await expect(header.find('cells/positions')).rejects.toBeInstanceOf(Unsupported);
    } finally {
      await header.close();
    }
    await expect(countCells(cut, 'mvd3')).rejects.toThrow(/MVD3 file/);
  });
});
