import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateSpikes } from './activity.js';
import { COLUMN_HEIGHT, COLUMN_WIDTH, generateCells } from './column.js';
import { writeMvd3, writeSonataNodes, writeSonataSpikes } from './hdf5-files.js';
import { generateSampleMorphologies } from './morphology.js';
import { Prng } from './prng.js';
import { blueConfigText, mvd2Text, outDatText, startTargetText, userTargetText } from './text-files.js';

export interface SampleCircuitOptions {
  /** Number of cells (default 2000). */
  cells?: number;
  /** PRNG seed (default 1): the same seed gives the same circuit everywhere. */
  seed?: number;
  /** Simulated time in ms (default 100). */
  duration?: number;
  /** Also write the cells as a SONATA nodes file, nodes.h5 (default false). */
  sonataNodes?: boolean;
  /** Distinct neuron shapes written to morphologies/ as SWC (default 3). */
  morphologies?: number;
}

export interface SampleCircuitSummary {
  dir: string;
  /** Absolute path of the BlueConfig to load. */
  blueConfig: string;
  files: string[];
  cells: number;
  spikes: number;
  /** µm, [x, y, z]. */
  extent: [number, number, number];
  duration: number;
}

export const DEFAULT_SAMPLE_CELLS = 2000;
export const DEFAULT_SAMPLE_SEED = 1;

/**
 * Writes a deterministic synthetic cortical column into `dir`: BlueConfig, circuit.mvd2,
 * circuit.mvd3, start.target, user.target, out.dat, out.h5, morphologies/*.swc (and nodes.h5 on
 * request). The neuron shapes come from the sample morphology generator (./morphology.ts).
 */
export async function generateSampleCircuit(dir: string, options: SampleCircuitOptions = {}): Promise<SampleCircuitSummary> {
  const count = options.cells ?? DEFAULT_SAMPLE_CELLS;
  const seed = options.seed ?? DEFAULT_SAMPLE_SEED;
  const duration = options.duration ?? 100;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`cells must be a positive integer, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const root = resolve(dir);
  await mkdir(root, { recursive: true });

  const morphologyCount = options.morphologies ?? 3;
  if (!Number.isInteger(morphologyCount) || morphologyCount < 1) throw new RangeError(`morphologies must be a positive integer, got ${morphologyCount}`);
  const morphologyNames = await generateSampleMorphologies(join(root, 'morphologies'), { count: morphologyCount, formats: ['swc'], swcSoma: 'three-point' });
  // Separate streams so changing the activity never moves the cells.
  const cells = generateCells(count, new Prng(seed), morphologyNames);
  const spikes = generateSpikes(cells, duration, new Prng(seed + 0x9e3779b9));

  const text: [string, string][] = [
    ['BlueConfig', blueConfigText(count, seed)],
    ['circuit.mvd2', mvd2Text(cells)],
    ['start.target', startTargetText(cells)],
    ['user.target', userTargetText(cells)],
    ['out.dat', outDatText(spikes)],
  ];
  for (const [name, content] of text) await writeFile(join(root, name), content);
  await writeMvd3(join(root, 'circuit.mvd3'), cells);
  await writeSonataSpikes(join(root, 'out.h5'), spikes);
  const files = [...text.map(([name]) => name), 'circuit.mvd3', 'out.h5', ...morphologyNames.map((name) => `morphologies/${name}.swc`)];
  if (options.sonataNodes) {
    await writeSonataNodes(join(root, 'nodes.h5'), cells);
    files.push('nodes.h5');
  }
  return {
    dir: root,
    blueConfig: join(root, 'BlueConfig'),
    files: files.sort(),
    cells: count,
    spikes: spikes.times.length,
    extent: [COLUMN_WIDTH, COLUMN_HEIGHT, COLUMN_WIDTH],
    duration,
  };
}
