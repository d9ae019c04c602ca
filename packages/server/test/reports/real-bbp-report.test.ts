import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/serve.js';
import { readBlueConfig } from '../../src/scene/blueconfig.js';
import { loadBbpCircuit } from '../../src/scene/load-bbp.js';
import { openBbpReport } from '../../src/scene/reports/bbp-binary-report.js';
import { compartmentReportSpan } from '../../src/scene/reports/report-span.js';
import { rampIndex, voltageRamp } from '../../src/scene/reports/value-ramp.js';
import { readOutDat } from '../../src/scene/spikes/out-dat.js';
import { loadTargets } from '../../src/scene/targets.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { RawClient } from '../protocol/raw-client.js';
import { context, request } from '../scene/helpers.js';

/**
 * Real BBP binary compartment reports: the reference output neurodamus (NEURON, reportinglib 2.4.2)
 * wrote for the 32 cells of target `Small` (fixtures/real-circuits/README.md names the source).
 * Their circuit is not public, so the loader draws them on a generated circuit with the same GIDs.
 */
const RESULTS = resolve(import.meta.dirname, '../../../../fixtures/real-circuits/neurodamus/mini_v6/results');
const USER_TARGET = resolve(RESULTS, '../user.target');
const SOMA = join(RESULTS, 'soma.bbp');
const ALL = join(RESULTS, 'compartments.bbp');

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-real-bbp-'));
  // A stand-in circuit with GIDs 1..1423; the reports and the targets are the real files.
  await generateSampleCircuit(join(dir, 'circuit'), { cells: 1423, seed: 7 });
  config = join(dir, 'BlueConfig');
  const circuit = join(dir, 'circuit');
  await writeFile(
    config,
    [
      'Run Default',
      '{',
      `    CircuitPath ${circuit}`,
      `    nrnPath ${circuit}`,
      `    MorphologyPath ${join(circuit, 'morphologies')}`,
      '    MorphologyType swc',
      `    OutputRoot ${RESULTS}`,
      `    TargetFile ${USER_TARGET}`,
      '    CircuitTarget Small',
      '}',
      // As in the simulation's own BlueConfig.
      'Report soma',
      '{',
      '    Target Mosaic',
      '    Type compartment',
      '    Format Bin',
      '    Dt 1',
      '}',
      'Report compartments',
      '{',
      '    Target AllCompartments',
      '    Type compartment',
      '    Format Bin',
      '    Dt 10',
      '}',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('real BBP binary compartment reports (neurodamus mini_v6)', () => {
  it("reads both reports' headers and cells: the 32 cells of the simulated target, at the simulation's times", async () => {
    const soma = await openBbpReport(SOMA);
    const all = await openBbpReport(ALL);
    expect([soma.startTime, soma.endTime, soma.dt, soma.unit, soma.frameCount]).toEqual([0, 100, 1, 'ms', 100]);
    expect([all.startTime, all.endTime, all.dt, all.unit, all.frameCount]).toEqual([0, 100, 10, 'ms', 10]);
    const small = (await loadTargets(await readBlueConfig(config))).resolve('Small');
    expect(soma.gids()).toEqual([...small].sort((a, b) => a - b));
    expect(all.gids()).toEqual(soma.gids());
    // One compartment per cell in the soma report; every section's compartments in the other.
    for (const gid of soma.gids()) expect(Array.from(soma.columns(gid)?.sectionCount ?? [])).toEqual([1]);
    expect(all.frame(0).length).toBe(6583);
    const counted = all.gids().reduce((sum, gid) => sum + Array.from(all.columns(gid)?.sectionCount ?? []).reduce((a, b) => a + b, 0), 0);
    expect(counted).toBe(6583);
    // Every cell starts at the resting potential NEURON was given.
    expect(new Set(soma.frame(0))).toEqual(new Set([-65]));
  });

  it('the two reports agree: each soma value of the soma report is the soma compartment of the full report at the same time', async () => {
    const soma = await openBbpReport(SOMA);
    const all = await openBbpReport(ALL);
    let compared = 0;
    for (let frame = 0; frame < all.frameCount; frame++) {
      const whole = all.frame(frame);
      const somas = soma.frame(frame * 10);
      for (const gid of soma.gids()) {
        expect(somas[soma.columns(gid)?.first ?? -1]).toBe(whole[all.columns(gid)?.sectionFirst[0] ?? -1]);
        compared += 1;
      }
    }
    expect(compared).toBe(320);
  });

  it("every soma depolarised above -35 mV is the sample right after a spike of that cell in the simulation's out.sorted", async () => {
    const soma = await openBbpReport(SOMA);
    const spikes = await readOutDat(join(RESULTS, 'out.sorted'), new AbortController().signal, () => undefined);
    expect(spikes.times.length).toBe(11);
    const afterSpikes = Array.from(spikes.times, (time, i) => `${Math.ceil(time)}:${spikes.gids[i]}`).sort();
    const depolarised: string[] = [];
    for (let frame = 0; frame < soma.frameCount; frame++) {
      const values = soma.frame(frame);
      for (const gid of soma.gids()) if ((values[soma.columns(gid)?.first ?? -1] as number) > -35) depolarised.push(`${frame}:${gid}`);
    }
    expect(depolarised.sort()).toEqual(afterSpikes);
  });

  it('preflight reads the time span from the header alone', async () => {
    const span = await compartmentReportSpan(await readBlueConfig(config), 'compartments');
    expect(span).toEqual({ path: ALL, startTime: 0, endTime: 100, dt: 10, frameCount: 10 });
  });

  it('the BBP loader keeps the reported cells and colours each soma with its voltage at the frame time', async () => {
    const circuit = await loadBbpCircuit(request(config, { report: { type: 'compartment', name: 'soma' } }), context());
    const soma = await openBbpReport(SOMA);
    expect(Array.from(circuit.gids)).toEqual(soma.gids());
    expect(circuit.simulation).toEqual({ startTime: 0, endTime: 100, dt: 1, unit: 'ms' });
    const { table, range } = voltageRamp();
    const colors = circuit.colorsAt(2) as Float32Array;
    const values = soma.frame(2);
    soma.gids().forEach((gid, cell) => {
      const entry = 4 * rampIndex(values[soma.columns(gid)?.first ?? -1] as number, range);
      expect(Array.from(colors.subarray(4 * cell, 4 * cell + 4))).toEqual(Array.from(table.subarray(entry, entry + 4)));
    });
    // The three cells that spiked at 1.50-1.65 ms are the three hottest somas at 2 ms.
    const hottest = soma.gids().map((gid, cell) => ({ gid, red: colors[4 * cell] as number })).sort((a, b) => b.red - a.red || a.gid - b.gid);
    expect(hottest.slice(0, 3).map((c) => c.gid).sort()).toEqual([1347, 1362, 1376]);
  });

  it('in morphology mode, colours each neurite segment from a compartment of its own section in the full report', async () => {
    const all = await openBbpReport(ALL);
    const circuit = await loadBbpCircuit(
      request(config, { report: { type: 'compartment', name: 'compartments' }, gids: [1376], sphereMode: false, sections: { soma: true, axon: true, dendrites: true } }),
      context(),
    );
    const { table, range } = voltageRamp();
    const colorOf = (v: number): string => Array.from(table.subarray(4 * rampIndex(v, range), 4 * rampIndex(v, range) + 3)).join();
    const values = all.frame(1); // 10 ms
    const layout = all.columns(1376);
    if (layout === null) throw new Error('cell 1376 is in the report');
    const colors = circuit.colorsAt(10) as Float32Array;
    const sphereCount = circuit.spheres.radii.length;
    const sections = circuit.cones.section ?? new Int32Array(0);
    expect(sections.length).toBeGreaterThan(0);
    let fromOwnSection = 0;
    for (let cone = 0; cone < sections.length; cone++) {
      const section = sections[cone] as number;
      const count = layout.sectionCount[section] ?? 0;
      const first = count > 0 ? (layout.sectionFirst[section] as number) : layout.first;
      const allowed = new Set(Array.from({ length: Math.max(count, 1) }, (_, k) => colorOf(values[first + k] as number)));
      expect(allowed.has(Array.from(colors.subarray(4 * (sphereCount + cone), 4 * (sphereCount + cone) + 3)).join())).toBe(true);
      if (count > 0) fromOwnSection += 1;
    }
    expect(fromOwnSection).toBeGreaterThan(0);
  });

  it('renders the real voltages through the R3 server: cell 1202 spiking at 85.6 ms is brighter at 86 ms than at rest', async () => {
    const server = await startServer({ api: '3.10.1' });
    const client = await RawClient.connect(server.url);
    try {
      await client.result('add-model', {
        path: config,
        loader_name: 'BBP loader',
        loader_properties: { gids: [1202], report_type: 'compartment', report_name: 'soma', neuron_morphology_parameters: { radius_multiplier: 10, load_soma: true } },
      });
      const scene = await client.result<{ bounds: { min: number[]; max: number[] } }>('get-scene');
      const centre = scene.bounds.min.map((v, a) => (v + (scene.bounds.max[a] as number)) / 2);
      const centrePixel = async (frame: number): Promise<number> => {
        const answer = await client.call('snapshot', {
          image_settings: { format: 'png', size: [64, 64] },
          simulation_frame: frame,
          camera: { name: 'orthographic', params: { height: 200 } },
          camera_view: { position: [centre[0], centre[1], (centre[2] as number) + 1000], target: centre, up: [0, 1, 0] },
          renderer: { name: 'interactive', params: { background_color: [0, 0, 0, 1] } },
        });
        const size = (answer.json?.['result'] as { color_buffer: { size: number } }).color_buffer.size;
        const rgba = await sharp((answer.attachment as Buffer).subarray(0, size)).ensureAlpha().raw().toBuffer();
        const at = 4 * (32 * 64 + 32);
        return (rgba[at] ?? 0) + (rgba[at + 1] ?? 0) + (rgba[at + 2] ?? 0);
      };
      const rest = await centrePixel(50);
      const spiking = await centrePixel(86);
      expect(rest).toBeGreaterThan(0);
      expect(spiking).toBeGreaterThan(rest + 100);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
