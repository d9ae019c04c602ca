import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBlueConfig } from '../../src/scene/blueconfig.js';
import { locateCellFile, readCircuitCells, type CellTable } from '../../src/scene/cells/index.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { suiteDir, tempDir, writeText } from './helpers.js';

const signal = new AbortController().signal;

async function cellsVia(dir: string, runBody: string): Promise<CellTable> {
  const config = await readBlueConfig(await writeText(dir, `BlueConfig.${Math.random().toString(36).slice(2)}`, `Run D {\n${runBody}\n}`));
  return readCircuitCells(config, signal, () => {});
}

describe('circuit cells', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await suiteDir('rr-cells-');
    await generateSampleCircuit(dir, { cells: 240, seed: 7, sonataNodes: true });
  });

  it('MVD2, MVD3 and SONATA nodes give the same cells for the same circuit', async () => {
    const mvd2 = await cellsVia(dir, 'CircuitPath circuit.mvd2');
    const mvd3 = await cellsVia(dir, 'CircuitPath circuit.mvd3');
    const sonata = await cellsVia(dir, 'CircuitPath missing\nCellLibraryFile nodes.h5');
    expect([mvd2.format, mvd3.format, sonata.format]).toEqual(['mvd2', 'mvd3', 'sonata']);
    for (const table of [mvd3, sonata]) {
      expect(table.count).toBe(240);
      expect(Array.from(table.positions)).toEqual(Array.from(mvd2.positions));
      expect(table.morphologies).toEqual(mvd2.morphologies);
      table.rotations.forEach((q, i) => expect(q).toBeCloseTo(mvd2.rotations[i] ?? NaN, 12));
    }
    // A real Y rotation, stored as a unit quaternion.
    const [x, y, z, w] = Array.from(mvd2.rotations.subarray(0, 4));
    expect(x).toBe(0);
    expect(z).toBe(0);
    expect((y ?? 0) ** 2 + (w ?? 0) ** 2).toBeCloseTo(1, 12);
  });

  it('prefers circuit.mvd3 in a CircuitPath directory, then circuit.mvd2', async () => {
    const own = await tempDir();
    await generateSampleCircuit(own, { cells: 20 });
    const config = await readBlueConfig(join(own, 'BlueConfig'));
    expect((await locateCellFile(config)).path).toBe(join(own, 'circuit.mvd3'));
    await rm(join(own, 'circuit.mvd3'));
    expect(await locateCellFile(config)).toEqual({ path: join(own, 'circuit.mvd2'), format: 'mvd2' });
    await rm(join(own, 'circuit.mvd2'));
    await expect(locateCellFile(config)).rejects.toThrow(
      `Unknown circuit format. Supported: MVD2, MVD3, Sonata HDF5 (${join(own, 'BlueConfig')}: looked for ${join(own, 'circuit.mvd3')}, ${join(own, 'circuit.mvd2')})`,
    );
  });

  it('names the file and line of a broken MVD2 row', async () => {
    const own = await tempDir();
    await writeFile(join(own, 'circuit.mvd2'), 'Neurons Loaded\nm1 0 0 0 0 0 0 1 2 3 45 x\nm2 0 0 0 0 0 0 1 two 3 45 x\n');
    await expect(cellsVia(own, 'CircuitPath circuit.mvd2')).rejects.toThrow(
      `Cannot read MVD2 file ${join(own, 'circuit.mvd2')}, line 3: expected 'morphology database hypercolumn minicolumn layer mtype etype x y z rotation [metype]', found 'm2 0 0 0 0 0 0 1 two 3 45 x'`,
    );
  });

  it('reads MVD2 rows as GID order and converts the Y angle in degrees', async () => {
    const own = await tempDir();
    await writeFile(join(own, 'circuit.mvd2'), 'Neurons Loaded\nfirst 0 0 0 0 0 0 1 2 3 180 x\n\nsecond 0 0 0 4 0 0 -1 -2 -3 0 x\nMorphTypes\nA PYR EXC\n');
    const cells = await cellsVia(own, 'CircuitPath circuit.mvd2');
    expect(cells.count).toBe(2);
    expect(cells.morphologies).toEqual(['first', 'second']);
    expect(Array.from(cells.positions)).toEqual([1, 2, 3, -1, -2, -3]);
    expect(cells.rotations[1]).toBeCloseTo(1, 12); // 180° about Y: q = (0, 1, 0, 0)
    expect(cells.rotations[3]).toBeCloseTo(0, 12);
  });

  it('refuses a file that is not HDF5 and names it', async () => {
    const own = await tempDir();
    await writeFile(join(own, 'circuit.mvd3'), 'this is text, not HDF5');
    await expect(cellsVia(own, 'CircuitPath .')).rejects.toThrow(
      `Cannot read MVD3 file '${join(own, 'circuit.mvd3')}': not an HDF5 file (no HDF5 signature found)`,
    );
  });

  it('names the missing dataset of an HDF5 file that is not a circuit', async () => {
    const own = await tempDir();
    await generateSampleCircuit(own, { cells: 10 });
    // out.h5 is valid HDF5 but holds spikes, not cells.
    await expect(cellsVia(own, 'CircuitPath out.mvd3\nCellLibraryFile out.h5')).rejects.toThrow(
      `Cannot read SONATA nodes file ${join(own, 'out.h5')}: missing group '/nodes'`,
    );
  });
});
