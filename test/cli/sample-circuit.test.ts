import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { generateSampleCircuit } from '@render-recipes/server';
import { hdf5Content, tempDir } from '../../packages/server/test/scene/helpers.js';

const committed = fileURLToPath(new URL('../../samples/circuit/', import.meta.url));

function bufferIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  const chunks = { out: '', err: '' };
  const sink = (key: 'out' | 'err'): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks[key] += chunk.toString();
        done();
      },
    });
  return { stdout: sink('out'), stderr: sink('err'), env: {}, cwd, signal: new AbortController().signal, out: () => chunks.out, err: () => chunks.err };
}

describe('sample circuit', () => {
  it('the generator reproduces the committed samples/circuit (text byte for byte, HDF5 by content)', async () => {
    const dir = await tempDir();
    const summary = await generateSampleCircuit(dir);
    expect(summary.cells).toBe(2000);
    expect(summary.files).toContain('morphologies/sample_pyramidal_0.swc');
    for (const name of summary.files) {
      if (name.endsWith('.h5') || name.endsWith('.mvd3')) {
        const content = await hdf5Content(join(committed, name));
        expect(Object.keys(content).length, name).toBeGreaterThan(2);
        expect(await hdf5Content(join(dir, name)), name).toEqual(content);
      } else {
        expect((await readFile(join(dir, name))).equals(await readFile(join(committed, name))), name).toBe(true);
      }
    }
  });

  it('has a travelling wave: cells fire in order of X between 10 and 35 ms', async () => {
    const text = await readFile(join(committed, 'out.dat'), 'utf8');
    const mvd2 = (await readFile(join(committed, 'circuit.mvd2'), 'utf8')).split('\n');
    const xOf = (gid: number): number => Number(mvd2[gid]?.split(' ')[7]);
    const early: number[] = [];
    const late: number[] = [];
    for (const line of text.split('\n').slice(1)) {
      const [time, gid] = line.split('\t').map(Number);
      if (time === undefined || gid === undefined || Number.isNaN(time)) continue;
      if (time >= 11 && time < 14) early.push(xOf(gid));
      if (time >= 31 && time < 34) late.push(xOf(gid));
    }
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(early)).toBeLessThan(100);
    expect(mean(late)).toBeGreaterThan(400);
  });

  it('`render-recipes sample-circuit` writes a reproducible circuit and rejects bad options', async () => {
    const dir = await tempDir();
    const io = bufferIo(dir);
    expect(await main(['sample-circuit', 'a', '--cells', '60', '--seed', '3'], io)).toBe(0);
    expect(io.out()).toContain(`wrote 60 cells and`);
    expect(io.out()).toContain(`load:   ${join(dir, 'a', 'BlueConfig')}`);
    expect(await main(['sample-circuit', 'b', '--cells', '60', '--seed', '3'], io)).toBe(0);
    expect(await main(['sample-circuit', 'c', '--cells', '60', '--seed', '4'], io)).toBe(0);
    const outDat = (name: string): Promise<string> => readFile(join(dir, name, 'out.dat'), 'utf8');
    expect(await outDat('b')).toBe(await outDat('a'));
    expect(await outDat('c')).not.toBe(await outDat('a'));

    const bad = bufferIo(dir);
    expect(await main(['sample-circuit', 'd', '--cells', '0'], bad)).toBe(2);
    expect(bad.err()).toContain("expected --cells to be an integer >= 1, got '0'");
  });
});
