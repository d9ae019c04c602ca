import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countCells, nodePopulationSizes, spikeTimeRange, targetNames } from '../../src/circuit.js';
import { readBlueConfig } from '../../src/scene/blueconfig.js';
import { readMvd2 } from '../../src/scene/cells/mvd2.js';
import { readMvd3 } from '../../src/scene/cells/mvd3.js';
import { readOutDat } from '../../src/scene/spikes/out-dat.js';
import { readSonataSpikes } from '../../src/scene/spikes/sonata-spikes.js';
import { TargetRegistry } from '../../src/scene/targets.js';

/** The header-only readers preflight uses agree with the loader's full readers on the same files. */
const sample = (name: string): string => fileURLToPath(new URL(`../../../../samples/circuit/${name}`, import.meta.url));
const real = (name: string): string => fileURLToPath(new URL(`../../../../fixtures/real-circuits/${name}`, import.meta.url));
const signal = new AbortController().signal;

describe('header-only circuit readers', () => {
  it('count the cells the loader reads (MVD2 text, MVD3, SONATA nodes)', async () => {
    expect(await countCells(sample('circuit.mvd2'), 'mvd2')).toBe((await readMvd2(sample('circuit.mvd2'), signal, () => undefined)).count);
    expect(await countCells(sample('circuit.mvd3'), 'mvd3')).toBe((await readMvd3(sample('circuit.mvd3'))).count);
    expect(await countCells(real('bluepy/circuit.mvd2'), 'mvd2')).toBe(3);
    expect(await countCells(real('bluepy/circuit.mvd3'), 'mvd3')).toBe(3);
    expect(await nodePopulationSizes(real('sonata/5_cells_iclamp/network/biophysical_nodes.h5'))).toEqual(new Map([['biophysical', 5]]));
  });

  it('count MVD2 cells across read chunks (lines split between chunks, CRLF, sections after the cells)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-mvd2-count-'));
    try {
      const lines = ['Neurons Loaded'];
      // Lines of varying length, over several 1 MB read chunks, so some lines straddle two chunks.
      for (let i = 0; i < 60_000; i++) lines.push(`morph-${i} 0 0 0 1 L1_X cNA ${i} ${i * 3} ${i * 7} 0 me-${i % 13}${i % 7 === 0 ? '\r' : ''}`);
      lines.push('', '  ', 'MicroBox Data', '1 2 3', 'MorphTypes', 'L1_X INT');
      const file = join(dir, 'circuit.mvd2');
      await writeFile(file, lines.join('\n'));
      expect(await countCells(file, 'mvd2')).toBe(60_000);
      expect(await countCells(file, 'mvd2')).toBe((await readMvd2(file, signal, () => undefined)).count);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('list the target names the registry defines, without reading members', async () => {
    const config = await readBlueConfig(sample('BlueConfig'));
    const { names } = await targetNames(config);
    const registry = new TargetRegistry();
    for (const file of ['start.target', 'user.target']) registry.addFile(await readFile(sample(file), 'utf8'), file);
    expect([...names].sort()).toEqual(registry.names().sort());
    expect(names.has('Layer5')).toBe(true);
  });

  it('give the first and last spike time of out.dat and SONATA spike files', async () => {
    const text = await readOutDat(real('bluepy/out.dat'), signal, () => undefined);
    expect(await spikeTimeRange(real('bluepy/out.dat'))).toEqual({ start: Math.min(...text.times), end: Math.max(...text.times), count: text.times.length });
    const h5 = await readSonataSpikes(real('sonata/5_cells_iclamp/output/spikes.h5'), null);
    const range = await spikeTimeRange(real('sonata/5_cells_iclamp/output/spikes.h5'));
    expect(range).toEqual({ start: Math.min(...h5.times), end: Math.max(...h5.times), count: h5.times.length });
  });

  it('read out.dat times from bytes exactly as the loader parses them, across read chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-outdat-range-'));
    try {
      // Spellings the byte scanner computes itself and ones it hands to parseFloat (exponents,
      // more than 15 digits, a sign), with CRLF, tabs, comments and lines straddling 1 MB chunks.
      const spellings = (i: number): string[] => [`${(i * 0.137).toFixed(3)}`, `${i}.`, `+${i}.25`, `${i}e-2`, `0.${'3'.repeat(17)}${i % 10}`, `${(i % 1000) / 7}`];
      const lines = ['/scatter', '# comment'];
      for (let i = 0; i < 150_000; i++) lines.push(`${spellings(i)[i % 6]}${i % 2 ? '\t' : '  '}${(i % 50) + 1}${i % 9 === 0 ? '\r' : ''}`);
      lines.push('-0.5 3', '   ', '9999.999999999999999 7');
      const file = join(dir, 'out.dat');
      await writeFile(file, lines.join('\n'));
      const loaded = await readOutDat(file, signal, () => undefined);
      let start = Infinity;
      let end = -Infinity;
      for (const t of loaded.times) {
        start = Math.min(start, t);
        end = Math.max(end, t);
      }
      expect(await spikeTimeRange(file)).toEqual({ start, end, count: loaded.times.length });
      expect(start).toBe(-0.5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('say which line of out.dat is not `time gid`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-outdat-bad-'));
    try {
      const file = join(dir, 'out.dat');
      await writeFile(file, '/scatter\n1.5 2\nabc 3\n');
      await expect(spikeTimeRange(file)).rejects.toThrow(`Cannot read spike report ${file}, line 3: expected 'time gid', found 'abc 3'`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
