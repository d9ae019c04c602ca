import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dataset } from 'h5wasm/node';
import h5wasm from 'h5wasm/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/serve.js';
import { RawClient } from '../protocol/raw-client.js';
import { openSonataReport } from '../../src/scene/reports/sonata-report.js';
import { rampIndex, voltageRamp } from '../../src/scene/reports/value-ramp.js';
import { loadSonataCircuit } from '../../src/scene/sonata/load-sonata.js';
import type { LoadContext, SonataNodePopulationSettings } from '../../src/scene/types.js';

/** Real public data (fixtures/real-circuits/README.md names the sources). */
const REAL = resolve(import.meta.dirname, '../../../../fixtures/real-circuits');
const ALLEN = join(REAL, 'sonata', '5_cells_iclamp');
const ctx = (): LoadContext => ({ signal: new AbortController().signal, onProgress: () => undefined });

function allen(overrides: Partial<SonataNodePopulationSettings> = {}): SonataNodePopulationSettings {
  return {
    node_population: 'biophysical',
    node_percentage: 1,
    report_type: 'none',
    spike_transition_time: 1,
    neuron_morphology_parameters: { load_soma: true, load_axon: false, load_dendrites: true, radius_multiplier: 1 },
    ...overrides,
  };
}

/** First soma sample of an SWC file (type 1), as written in the file. */
async function swcSoma(name: string): Promise<[number, number, number]> {
  const text = await readFile(join(REAL, 'sonata', 'shared_components', 'morphologies', `${name}.swc`), 'utf8');
  const line = text.split('\n').find((l) => /^\s*\d+\s+1\s/.test(l));
  const [, , x, y, z] = (line ?? '').trim().split(/\s+/).map(Number);
  return [x ?? NaN, y ?? NaN, z ?? NaN];
}

describe('real SONATA circuit (Allen 5 cells): placement', () => {
  it('draws each morphology in its file coordinates moved to the cell position, as Brayns and MorphIO do (no re-centring on the soma)', async () => {
    const circuit = await loadSonataCircuit({ path: join(ALLEN, 'circuit_config.json'), node_population_settings: [allen()] }, ctx());
    const positions = [[0, 0, 0], [200, 0, 0], [-200, 0, 0], [0, 200, 0], [0, -200, 0]];
    const morphologies = ['Scnn1a_473845048_m', 'Rorb_325404214_m', 'Nr5a1_471087815_m', 'Pvalb_470522102_m', 'Pvalb_469628681_m'];
    const { centers, cell } = circuit.spheres;
    for (let node = 0; node < 5; node++) {
      const soma = await swcSoma(morphologies[node] as string);
      const sphere = Array.from(cell).indexOf(node);
      const at = [centers[3 * sphere], centers[3 * sphere + 1], centers[3 * sphere + 2]];
      const expected = soma.map((v, a) => v + (positions[node]?.[a] ?? 0));
      at.forEach((v, a) => expect(v).toBeCloseTo(expected[a] as number, 3));
    }
    // Node 3's file keeps its soma at (237.5, 233.8, 35.3): the cell is drawn ~335 µm from its position.
    const pvalb = Array.from(cell).indexOf(3);
    expect(Math.hypot(centers[3 * pvalb]! - 0, centers[3 * pvalb + 1]! - 200, centers[3 * pvalb + 2]!)).toBeGreaterThan(330);
  });
});

describe('real SONATA reports', () => {
  it("reads libsonata's own compartment and soma report files", async () => {
    const elements = await openSonataReport(join(REAL, 'libsonata', 'elements.h5'), 'All');
    expect([elements.startTime, elements.endTime, elements.dt, elements.unit, elements.frameCount]).toEqual([0, 4, expect.closeTo(0.2, 6), 'ms', 20]);
    expect(elements.gids()).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const first = elements.columns(2);
    expect(first?.first).toBe(0);
    expect(Array.from(first?.sectionCount ?? [])).toEqual([2, 2, 1]);
    expect(Array.from(first?.sectionFirst ?? [])).toEqual([0, 2, 4]);
    await h5wasm.ready;
    const file = new h5wasm.File(join(REAL, 'libsonata', 'elements.h5'), 'r');
    const data = (file.get('report/All/data') as Dataset).value as Float32Array;
    file.close();
    expect(Array.from(elements.frame(3))).toEqual(Array.from(data.subarray(300, 400)));
    const somas = await openSonataReport(join(REAL, 'libsonata', 'somas.h5'), null);
    expect(somas.frameCount).toBe(10);
    expect(Array.from(somas.columns(somas.gids()[0] as number)?.sectionCount ?? [])).toEqual([1]);
  });

  it("refuses the Allen (bmtk) report's 'index_pointer' as libsonata does, and says how to fix the file", async () => {
    const load = loadSonataCircuit(
      { path: join(ALLEN, 'simulation_config.json'), node_population_settings: [allen({ report_type: 'compartment', report_name: 'membrane_potential' })] },
      ctx(),
    );
    await expect(load).rejects.toThrow(
      "'/report/biophysical/mapping/index_pointer' where libsonata (and so Brayns) needs '/report/biophysical/mapping/index_pointers'; rename the dataset",
    );
  });
});

describe('real SONATA soma voltages colour the cells', () => {
  let dir: string;
  let voltages: Float64Array;
  beforeAll(async () => {
    // The Allen circuit with its real simulated voltages, the report's index renamed as the error above advises.
    dir = await mkdtemp(join(tmpdir(), 'rr-allen-'));
    await cp(join(REAL, 'sonata'), join(dir, 'sonata'), { recursive: true });
    await h5wasm.ready;
    const source = new h5wasm.File(join(ALLEN, 'output', 'membrane_potential.h5'), 'r');
    const read = (path: string): Dataset => source.get(path) as Dataset;
    const target = join(dir, 'sonata', '5_cells_iclamp', 'output', 'membrane_potential.h5');
    await writeFile(target, '');
    const out = new h5wasm.File(target, 'w');
    try {
      const base = 'report/biophysical';
      voltages = read(`${base}/data`).value as Float64Array;
      const population = out.create_group('report').create_group('biophysical');
      population.create_dataset({ name: 'data', data: voltages, shape: [40000, 5], dtype: '<d' });
      const mapping = population.create_group('mapping');
      for (const name of ['node_ids', 'element_ids', 'time']) mapping.create_dataset({ name, data: read(`${base}/mapping/${name}`).value as Float64Array });
      mapping.create_dataset({ name: 'index_pointers', data: read(`${base}/mapping/index_pointer`).value as BigUint64Array });
    } finally {
      out.close();
      source.close();
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('colours every primitive of a cell with the ramp entry of its soma voltage at the frame time', async () => {
    const circuit = await loadSonataCircuit(
      {
        path: join(dir, 'sonata', '5_cells_iclamp', 'simulation_config.json'),
        node_population_settings: [allen({ report_type: 'compartment', report_name: 'membrane_potential' })],
      },
      ctx(),
    );
    expect(circuit.simulation).toEqual({ startTime: 0, endTime: 4000, dt: 0.1, unit: 'ms' });
    const primitives = circuit.spheres.radii.length + circuit.cones.cell.length;
    expect(circuit.colorCount).toBe(primitives);
    const { table, range } = voltageRamp();
    // The same load without a report keeps each cone's cell index.
    const plain = await loadSonataCircuit({ path: join(dir, 'sonata', '5_cells_iclamp', 'circuit_config.json'), node_population_settings: [allen()] }, ctx());
    const sphereCount = circuit.spheres.radii.length;
    expect(sphereCount).toBe(5);
    let distinct = 0;
    for (const frame of [0, 5000, 5123, 6000, 39999]) {
      const colors = circuit.colorsAt(frame * 0.1) as Float32Array;
      const seen = new Set<string>();
      for (let node = 0; node < 5; node++) {
        const entry = 4 * rampIndex(voltages[frame * 5 + node] as number, range);
        seen.add(Array.from(table.subarray(entry, entry + 3)).join());
      }
      const expected = (node: number): number[] => {
        const entry = 4 * rampIndex(voltages[frame * 5 + node] as number, range);
        return Array.from(table.subarray(entry, entry + 4));
      };
      // One soma sphere per cell, in cell order; every cone of a cell has its soma's colour (soma report).
      for (let sphere = 0; sphere < sphereCount; sphere++) expect(Array.from(colors.subarray(4 * sphere, 4 * sphere + 4))).toEqual(expected(sphere));
      for (let cone = 0; cone < plain.cones.cell.length; cone += 97) {
        const slot = sphereCount + cone;
        expect(Array.from(colors.subarray(4 * slot, 4 * slot + 4))).toEqual(expected(plain.cones.cell[cone] as number));
      }
      distinct += seen.size;
    }
    // Resting cells and firing cells really differ somewhere in these frames.
    expect(distinct).toBeGreaterThan(5);
  });

  it('renders the real voltages through the R3 server: a firing soma is brighter than the same soma at rest', async () => {
    // Node 1 (at x = 200) at rest (frame 0) and at its highest voltage during the current injection.
    let peak = 0;
    for (let frame = 0; frame < 40000; frame++) if ((voltages[frame * 5 + 1] as number) > (voltages[peak * 5 + 1] as number)) peak = frame;
    expect(voltages[peak * 5 + 1]).toBeGreaterThan(-30);
    const server = await startServer({ api: '3.10.1' });
    const client = await RawClient.connect(server.url);
    try {
      await client.result('add-model', {
        path: join(dir, 'sonata', '5_cells_iclamp', 'simulation_config.json'),
        loader_name: 'SONATA loader',
        loader_properties: {
          node_population_settings: [
            { node_population: 'biophysical', node_percentage: 1, report_type: 'compartment', report_name: 'membrane_potential', neuron_morphology_parameters: { radius_multiplier: 40 } },
          ],
        },
      });
      const simulation = await client.result<{ end_frame: number; dt: number }>('get-simulation-parameters');
      expect(simulation.dt).toBeCloseTo(0.1, 6);
      const somaPixel = async (frame: number): Promise<number[]> => {
        const answer = await client.call('snapshot', {
          image_settings: { format: 'png', size: [100, 100] },
          simulation_frame: frame,
          camera: { name: 'orthographic', params: { height: 500 } },
          camera_view: { position: [0, 0, 500], target: [0, 0, 0], up: [0, 1, 0] },
          renderer: { name: 'interactive', params: { background_color: [0, 0, 0, 1] } },
        });
        const size = (answer.json?.['result'] as { color_buffer: { size: number } }).color_buffer.size;
        const rgba = await sharp((answer.attachment as Buffer).subarray(0, size)).ensureAlpha().raw().toBuffer();
        // x = 200 µm is 40 pixels right of the centre (5 µm per pixel).
        const at = 4 * (50 * 100 + 90);
        return [rgba[at] ?? 0, rgba[at + 1] ?? 0, rgba[at + 2] ?? 0];
      };
      const rest = await somaPixel(0);
      const firing = await somaPixel(peak);
      const sum = (c: number[]): number => c.reduce((a, b) => a + b, 0);
      expect(sum(firing)).toBeGreaterThan(sum(rest) + 150);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
