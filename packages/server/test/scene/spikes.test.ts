import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SPIKE_COLORMAP_PATH } from '@render-recipes/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBbpCircuit } from '../../src/scene/load-bbp.js';
import { sampleRamp, spikeColorTable } from '../../src/scene/spike-colormap.js';
import { SpikeIndex } from '../../src/scene/spike-index.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { context, request, suiteDir, tempDir, writeText } from './helpers.js';

const luminance = (c: Float32Array, cell: number): number => (c[cell * 4] ?? 0) + (c[cell * 4 + 1] ?? 0) + (c[cell * 4 + 2] ?? 0);

async function spikesOf(dir: string): Promise<{ time: number; gid: number }[]> {
  const text = await readFile(join(dir, 'out.dat'), 'utf8');
  return text
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .map((line) => {
      const [time, gid] = line.split('\t').map(Number);
      return { time: time ?? 0, gid: gid ?? 0 };
    });
}

describe('spike reports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await suiteDir('rr-spikes-');
    await generateSampleCircuit(dir, { cells: 300, seed: 11 });
  });

  it('out.dat and out.h5 give identical colours at every sampled time', async () => {
    const spikes = { type: 'spikes', transitionTime: 2 } as const;
    const fromDat = await loadBbpCircuit(request(join(dir, 'BlueConfig'), { report: spikes }), context());
    const h5Config = await writeText(dir, 'BlueConfig.h5', 'Run D {\n CircuitPath .\n SpikesPath out.h5\n CircuitTarget mc0_Column\n}\n');
    const fromH5 = await loadBbpCircuit(request(h5Config, { report: spikes }), context());
    expect(fromH5.simulation).toEqual(fromDat.simulation);
    let lit = 0;
    for (let t = 0; t <= 100; t += 0.73) {
      const a = fromDat.colorsAt(t);
      const b = fromH5.colorsAt(t);
      expect(b).toEqual(a);
      for (let cell = 0; cell < fromDat.gids.length; cell++) if (luminance(a ?? new Float32Array(), cell) > 0) lit++;
    }
    expect(lit).toBeGreaterThan(500);
  });

  it('reports the simulation like Brayns: from 0 to the last spike, 0.01 ms per frame', async () => {
    const last = Math.max(...(await spikesOf(dir)).map((s) => s.time));
    const circuit = await loadBbpCircuit(request(join(dir, 'BlueConfig'), { report: { type: 'spikes', transitionTime: 1 } }), context());
    expect(circuit.simulation).toEqual({ startTime: 0, endTime: last, dt: 0.01, unit: 'ms' });
  });

  it('a spiking cell flashes white at its spike, dims on the ramp and is black after T', async () => {
    const spikes = await spikesOf(dir);
    const T = 1;
    // A spike with no other spike of the same cell within 3 T.
    const lone = spikes.find((s) => spikes.every((o) => o === s || o.gid !== s.gid || Math.abs(o.time - s.time) > 3 * T));
    if (!lone) throw new Error('the generated circuit has no isolated spike');
    const circuit = await loadBbpCircuit(
      request(join(dir, 'BlueConfig'), { gids: [lone.gid], report: { type: 'spikes', transitionTime: T } }),
      context(),
    );
    const table = spikeColorTable();
    const at = (t: number): number[] => Array.from(circuit.colorsAt(t) ?? []);
    expect(at(lone.time)).toEqual([1, 1, 1, 1]);
    expect(at(lone.time - T / 2)).toEqual(Array.from(table.subarray(127 * 4, 128 * 4)));
    expect(luminance(circuit.colorsAt(lone.time + T / 4) ?? new Float32Array(), 0)).toBeGreaterThan(
      luminance(circuit.colorsAt(lone.time + T / 2) ?? new Float32Array(), 0),
    );
    expect(at(lone.time + T * 1.5)).toEqual([0, 0, 0, 1]);
    expect(at(lone.time - T * 1.5)).toEqual([0, 0, 0, 1]);
  });

  it('has no colours without a report', async () => {
    const circuit = await loadBbpCircuit(request(join(dir, 'BlueConfig')), context());
    expect(circuit.simulation).toBeNull();
    expect(circuit.colorsAt(10)).toBeNull();
  });

  it('says where it looked when there is no spike report', async () => {
    const own = await tempDir();
    await generateSampleCircuit(own, { cells: 10 });
    await rm(join(own, 'out.dat'));
    await rm(join(own, 'out.h5'));
    await expect(
      loadBbpCircuit(request(join(own, 'BlueConfig'), { report: { type: 'spikes', transitionTime: 1 } }), context()),
    ).rejects.toThrow(`Unable to find Spike report file (looked for ${join(own, 'out.dat')}, ${join(own, 'out.h5')}, ${join(own, 'spikes.h5')})`);
  });

  it('names the file and line of a broken out.dat', async () => {
    const own = await tempDir();
    await generateSampleCircuit(own, { cells: 10 });
    await writeFile(join(own, 'out.dat'), '/scatter\n1.5 3\n2.5 three\n');
    await expect(
      loadBbpCircuit(request(join(own, 'BlueConfig'), { report: { type: 'spikes', transitionTime: 1 } }), context()),
    ).rejects.toThrow(`Cannot read spike report ${join(own, 'out.dat')}, line 3: expected 'time gid', found '2.5 three'`);
  });
});

describe('spike colour table', () => {
  it('runs from black to white through the vendored ramp with Brayns sampling', async () => {
    const table = spikeColorTable();
    expect(table.length).toBe(256 * 4);
    expect(Array.from(table.subarray(0, 4))).toEqual([0, 0, 0, 1]);
    expect(Array.from(table.subarray(255 * 4))).toEqual([1, 1, 1, 1]);
    const ramp = JSON.parse(await readFile(SPIKE_COLORMAP_PATH, 'utf8')) as { colors_rgba: number[][] };
    // Entry 128: value at n = 0.5 -> ramp colours 64 and 65 blended with weight n = 0.5.
    const [a, b] = [ramp.colors_rgba[64] ?? [], ramp.colors_rgba[65] ?? []];
    expect(Array.from(table.subarray(128 * 4, 129 * 4))).toEqual(Array.from(Float32Array.from(a, (v, c) => v + ((b[c] ?? 0) - v) * 0.5)));
  });

  it('samples a two-colour ramp with the value itself as the blend weight', () => {
    const table = sampleRamp([[0, 0, 0, 1], [1, 1, 1, 1]], [0, 1], 4);
    // Values 0, .25, .5, .75: k = 0, 0, 1, 1; weight = value.
    expect(Array.from(table.filter((_, i) => i % 4 === 0))).toEqual([0, 0.25, 1, 1]);
  });
});

describe('SpikeIndex', () => {
  it('matches a brute-force scan of all spikes (last spike in the window wins)', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const cellGids = Uint32Array.from({ length: 50 }, (_, i) => i * 2 + 1);
    const count = 4000;
    const spikes = { source: 'memory', times: Float64Array.from({ length: count }, () => Math.round(random() * 50000) / 1000), gids: Uint32Array.from({ length: count }, () => 1 + Math.floor(random() * 110)) };
    const index = new SpikeIndex(cellGids, spikes);
    const T = 0.8;
    for (let probe = 0; probe < 120; probe++) {
      const t = random() * 52 - 1;
      cellGids.forEach((gid, cell) => {
        let best = -Infinity;
        spikes.gids.forEach((g, k) => {
          const time = spikes.times[k] ?? 0;
          if (g === gid && time >= t - T && time <= t + T && time > best) best = time;
        });
        const expected = best === -Infinity ? 0 : Math.max(0, 1 - Math.abs(best - t) / T);
        expect(index.intensity(cell, t, T)).toBeCloseTo(expected, 12);
      });
    }
    expect(index.endTime).toBe(Math.max(...spikes.times));
  });
});
