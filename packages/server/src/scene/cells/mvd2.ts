import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { circuitError } from '../circuit-error.js';
import { yRotationQuaternion, type CellTable } from './cell-table.js';

/**
 * MVD2: a text file of titled sections. Each line of `Neurons Loaded` is one cell (GID = line
 * number in that section, from 1):
 *   morphology database hypercolumn minicolumn layer mtype etype x y z rotationY(degrees) [metype]
 */

const SECTION_TITLES = new Set([
  'Neurons Loaded',
  'MicroBox Data',
  'Layers Positions Data',
  'Axon-Dendrite Synapses',
  'ElectroTypes',
  'MorphTypes',
  'MiniColumnsPosition',
  'CircuitSeeds',
]);

const CHUNK = 20_000;

export async function readMvd2(path: string, signal: AbortSignal, onProgress: (amount: number) => void): Promise<CellTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw circuitError(`Could not open MVD2 file ${path}`, error);
  }
  const lines = text.split(/\r?\n/);
  const neuronLines: { line: string; number: number }[] = [];
  let section: string | null = null;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (SECTION_TITLES.has(line)) section = line;
    else if (section === 'Neurons Loaded') neuronLines.push({ line, number: index + 1 });
  });
  if (section === null) {
    throw circuitError(`Cannot read MVD2 file ${path}: no 'Neurons Loaded' section (is it an MVD2 circuit file?)`);
  }

  const count = neuronLines.length;
  const positions = new Float64Array(count * 3);
  const rotations = new Float64Array(count * 4);
  const morphologies: string[] = new Array<string>(count);
  for (let start = 0; start < count; start += CHUNK) {
    signal.throwIfAborted();
    const end = Math.min(count, start + CHUNK);
    for (let i = start; i < end; i++) {
      const { line, number } = neuronLines[i] ?? { line: '', number: 0 };
      const fields = line.split(/\s+/);
      const xyzr = fields.slice(7, 11).map(Number);
      if (fields.length < 11 || xyzr.some((v) => !Number.isFinite(v))) {
        throw circuitError(
          `Cannot read MVD2 file ${path}, line ${number}: expected 'morphology database hypercolumn minicolumn layer mtype etype x y z rotation [metype]', found '${line}'`,
        );
      }
      const [x = 0, y = 0, z = 0, degrees = 0] = xyzr;
      positions.set([x, y, z], i * 3);
      rotations.set(yRotationQuaternion(degrees), i * 4);
      morphologies[i] = fields[0] ?? '';
    }
    onProgress(end / Math.max(1, count));
    if (end < count) await yieldToEventLoop();
  }
  return { format: 'mvd2', source: path, count, positions, rotations, morphologies };
}
