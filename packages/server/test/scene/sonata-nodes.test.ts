import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import { readSonataNodes } from '../../src/scene/cells/sonata-nodes.js';
import { tempDir } from './helpers.js';

async function writeNodes(path: string, columns: Record<string, Float64Array | string[]>, library: Record<string, string[]> = {}): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  try {
    const group = file.create_group('nodes').create_group('cortex').create_group('0');
    for (const [name, data] of Object.entries(columns)) group.create_dataset({ name, data });
    if (Object.keys(library).length > 0) {
      const lib = group.create_group('@library');
      for (const [name, data] of Object.entries(library)) lib.create_dataset({ name, data });
    }
  } finally {
    file.close();
  }
}

describe('SONATA nodes as a cell library', () => {
  it('turns Euler angles (x, then y, then z) into quaternions and reads plain string morphologies', async () => {
    const path = join(await tempDir(), 'nodes.h5');
    const half = Math.PI / 2;
    await writeNodes(path, {
      x: Float64Array.of(1, 2),
      y: Float64Array.of(3, 4),
      z: Float64Array.of(5, 6),
      rotation_angle_yaxis: Float64Array.of(half, 0),
      rotation_angle_zaxis: Float64Array.of(0, half),
      morphology: ['m_a', 'm_b'],
    });
    const cells = await readSonataNodes(path, null);
    expect(Array.from(cells.positions)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(cells.morphologies).toEqual(['m_a', 'm_b']);
    const s = Math.SQRT1_2;
    Array.from(cells.rotations).forEach((v, i) => expect(v).toBeCloseTo([0, s, 0, s, 0, 0, s, s][i] ?? NaN, 12));
  });

  it('resolves @library enumerations and picks the named population', async () => {
    const path = join(await tempDir(), 'nodes.h5');
    await writeNodes(path, { x: Float64Array.of(0, 0, 0), y: Float64Array.of(0, 0, 0), z: Float64Array.of(0, 0, 0), morphology: Float64Array.of(1, 0, 1) }, { morphology: ['first', 'second'] });
    expect((await readSonataNodes(path, 'cortex')).morphologies).toEqual(['second', 'first', 'second']);
    await expect(readSonataNodes(path, 'thalamus')).rejects.toThrow(`Cannot read SONATA nodes file ${path}: no population 'thalamus' under '/nodes' (found: cortex)`);
  });

  it('names the file when morphology indices have no library', async () => {
    const path = join(await tempDir(), 'nodes.h5');
    await writeNodes(path, { x: Float64Array.of(0), y: Float64Array.of(0), z: Float64Array.of(0), morphology: Float64Array.of(0) });
    await expect(readSonataNodes(path, null)).rejects.toThrow(
      `Cannot read SONATA nodes file ${path}: 'morphology' holds numbers but there is no '@library/morphology' table`,
    );
  });
});
