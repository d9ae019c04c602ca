import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBbpCircuit } from '../../src/scene/load-bbp.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { context, request, tempDir } from './helpers.js';

/** Deterministic garbage built from circuit-file vocabulary, so parsers get past their first check. */
function garbage(seed: number, length: number): string {
  const words = ['Run', 'Target', 'Cell', '{', '}', '\n', '#', 'a1', 'a0', 'a99999', 'CircuitPath', '.', 'out.dat', '/scatter', '-1', '1e309', 'NaN', '0.5', 'Neurons Loaded', '\u0000', 'é', ' '];
  let state = seed;
  let text = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    text += words[state % words.length] ?? '';
    if (state % 3 === 0) text += ' ';
  }
  return text;
}

describe('bad circuit files never crash the loader', () => {
  it('each broken file gives a model or a CIRCUIT_INVALID error naming what is wrong', async () => {
    const dir = await tempDir();
    await generateSampleCircuit(dir, { cells: 20 });
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const victim = ['BlueConfig', 'circuit.mvd3', 'start.target', 'out.dat'][seed % 4] ?? 'BlueConfig';
      await generateSampleCircuit(dir, { cells: 20 });
      if (victim === 'circuit.mvd3') {
        // Break the MVD3 so the loader falls back to nothing: garbage where HDF5 is expected.
        await writeFile(join(dir, victim), garbage(seed, 50));
      } else {
        await writeFile(join(dir, victim), garbage(seed, 200));
      }
      const req = request(join(dir, 'BlueConfig'), { report: { type: 'spikes', transitionTime: 1 }, targets: seed % 2 ? ['Layer1'] : null });
      try {
        const circuit = await loadBbpCircuit(req, context());
        circuit.colorsAt(10);
        outcomes.add('loaded');
      } catch (error) {
        expect(error, `${victim} seed ${seed}`).toMatchObject({ code: 'CIRCUIT_INVALID' });
        // The message names the file at fault (or, for a bad target, the target).
        expect((error as Error).message, `${victim} seed ${seed}`).toMatch(new RegExp(`${victim.replace('.', '\\.')}|target|circuit format`));
        outcomes.add((error as Error).message.split(/[\s:(]/)[0] ?? '');
      }
    }
    // Several different failures were met, not one early check refusing everything.
    expect(outcomes.size).toBeGreaterThanOrEqual(3);
  });
});
