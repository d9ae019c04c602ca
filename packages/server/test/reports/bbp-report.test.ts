import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBbpCircuit } from '../../src/scene/load-bbp.js';
import { openBbpReport } from '../../src/scene/reports/bbp-binary-report.js';
import { rampIndex, voltageRamp } from '../../src/scene/reports/value-ramp.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { context, request, suiteDir, tempDir } from '../scene/helpers.js';
import { writeBbpReport, type BbpCell } from './bbp-writer.js';

/** Cell 3: soma, then section 2 before section 1 (Brion allows sections out of order). */
const CELLS: BbpCell[] = [
  { gid: 3, sections: [0, 2, 2, 1, 1, 1] },
  { gid: 5, sections: [0] },
];
const FRAMES = { start: 0, end: 2, dt: 0.5, count: 4 };
const voltage = (frame: number, column: number): number => -75 + 10 * frame + column;

describe('BBP binary compartment reports (.bbp)', () => {
  it('reads the header, per-cell section layout and frames the same from either byte order', async () => {
    const dir = await tempDir();
    for (const order of ['LE', 'BE'] as const) {
      const path = join(dir, `r-${order}.bbp`);
      await writeBbpReport(path, CELLS, FRAMES, voltage, order);
      const report = await openBbpReport(path);
      expect([report.startTime, report.endTime, report.dt, report.unit, report.frameCount]).toEqual([0, 2, 0.5, 'ms', 4]);
      expect(report.gids()).toEqual([3, 5]);
      const cell3 = report.columns(3);
      expect(cell3?.first).toBe(0);
      expect(Array.from(cell3?.sectionFirst ?? [])).toEqual([0, 3, 1]);
      expect(Array.from(cell3?.sectionCount ?? [])).toEqual([1, 3, 2]);
      expect(report.columns(5)?.first).toBe(6);
      expect(Array.from(report.frame(2))).toEqual([0, 1, 2, 3, 4, 5, 6].map((c) => voltage(2, c)));
    }
  });

  it('names the file and the problem for a file that is not a report or is cut short', async () => {
    const dir = await tempDir();
    const notReport = join(dir, 'x.bbp');
    await writeFile(notReport, Buffer.alloc(2048));
    await expect(openBbpReport(notReport)).rejects.toThrow(`Cannot read BBP binary compartment report ${notReport}: no byte-order marker 1.001`);
    const cut = join(dir, 'cut.bbp');
    await writeBbpReport(cut, CELLS, { ...FRAMES, count: 0 }, voltage);
    const { readFile } = await import('node:fs/promises');
    const whole = await readFile(cut);
    // Claim 4 frames without their data.
    whole.writeInt32LE(4, 64);
    await writeFile(cut, whole);
    await expect(openBbpReport(cut)).rejects.toThrow('4 frames of 7 values need');
  });
});

describe('BBP loader with a compartment report', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await suiteDir('rr-bbp-report-');
    await generateSampleCircuit(dir, { cells: 20, seed: 3 });
    await writeBbpReport(join(dir, 'voltage.bbp'), CELLS, FRAMES, voltage);
    await appendFile(join(dir, 'BlueConfig'), '\nReport voltage\n{\n    Format Binary\n    Target mc0_Column\n}\nReport legacy\n{\n    Format Ascii\n}\n');
  });

  it('keeps only the cells the report has and colours each soma sphere with its voltage at the frame time', async () => {
    const circuit = await loadBbpCircuit(request(join(dir, 'BlueConfig'), { report: { type: 'compartment', name: 'voltage' } }), context());
    expect(Array.from(circuit.gids)).toEqual([3, 5]);
    expect(circuit.simulation).toEqual({ startTime: 0, endTime: 2, dt: 0.5, unit: 'ms' });
    const { table, range } = voltageRamp();
    const colors = circuit.colorsAt(1.2) as Float32Array; // frame 2
    [0, 6].forEach((column, cell) => {
      const entry = 4 * rampIndex(voltage(2, column), range);
      expect(Array.from(colors.subarray(4 * cell, 4 * cell + 4))).toEqual(Array.from(table.subarray(entry, entry + 4)));
    });
  });

  it('colours neurite segments from their own section compartments in morphology mode', async () => {
    const circuit = await loadBbpCircuit(
      request(join(dir, 'BlueConfig'), { report: { type: 'compartment', name: 'voltage' }, gids: [3], sphereMode: false, sections: { soma: true, axon: true, dendrites: true } }),
      context(),
    );
    const { table, range } = voltageRamp();
    const colorOf = (v: number): string => Array.from(table.subarray(4 * rampIndex(v, range), 4 * rampIndex(v, range) + 3)).join();
    const colors = circuit.colorsAt(0) as Float32Array;
    const slots = circuit.colorCount ?? 0;
    expect(slots).toBe(circuit.spheres.radii.length + circuit.cones.cell.length);
    const sphereCount = circuit.spheres.radii.length;
    const sections = circuit.cones.section ?? new Int32Array(0);
    const allowed = (section: number): Set<string> => {
      const columns = section === 1 ? [3, 4, 5] : section === 2 ? [1, 2] : [0];
      return new Set(columns.map((c) => colorOf(voltage(0, c))));
    };
    for (let cone = 0; cone < sections.length; cone++) {
      const slot = sphereCount + cone;
      const got = Array.from(colors.subarray(4 * slot, 4 * slot + 3)).join();
      expect(allowed(sections[cone] ?? -1).has(got)).toBe(true);
    }
    // Section 1's first segment takes the section's first compartment (column 3), not the soma's.
    const firstOfSection1 = Array.from(sections).indexOf(1);
    expect(firstOfSection1).toBeGreaterThanOrEqual(0);
    expect(Array.from(colors.subarray(4 * (sphereCount + firstOfSection1), 4 * (sphereCount + firstOfSection1) + 3)).join()).toBe(colorOf(voltage(0, 3)));
  });

  it('names a missing Report section and an unsupported format', async () => {
    const config = join(dir, 'BlueConfig');
    await expect(loadBbpCircuit(request(config, { report: { type: 'compartment', name: 'nope' } }), context())).rejects.toThrow(
      `Invalid or missing report: 'nope' (no 'Report nope { Format … }' section in ${config}; it has voltage, legacy)`,
    );
    await expect(loadBbpCircuit(request(config, { report: { type: 'compartment', name: 'legacy' } }), context())).rejects.toThrow(
      'Invalid report type for report legacy: Ascii',
    );
  });
});
