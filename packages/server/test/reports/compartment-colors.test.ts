import { describe, expect, it } from 'vitest';
import { CompartmentColoring } from '../../src/scene/reports/compartment-colors.js';
import { columnsFromElementIds, frameIndex, type ReportFrames } from '../../src/scene/reports/report-frames.js';
import { rampIndex, voltageRamp } from '../../src/scene/reports/value-ramp.js';

/** One cell (GID 7): soma column 0, section 1 with 3 compartments (columns 1-3), section 2 with 1 (column 4). */
function report(values: number[]): ReportFrames {
  const columns = columnsFromElementIds(0, [0, 1, 1, 1, 2]);
  return {
    path: 'test.h5',
    startTime: 10,
    endTime: 12,
    dt: 0.5,
    unit: 'ms',
    frameCount: 4,
    gids: () => [7],
    columns: (gid) => (gid === 7 ? columns : null),
    frame: (index) => Float32Array.from(values, (v) => v + index),
  };
}

describe('compartment colouring (Brayns OffsetIndexer rule)', () => {
  it('maps segment i of a section with n segments and c compartments to compartment floor(i·c/n); the soma and unreported sections to the first column', () => {
    // Sphere: soma. Cones: 4 segments of section 1, 2 of section 2, 1 of section 5 (not in the report).
    const spheres = { centers: new Float32Array(3), radii: Float32Array.of(1), cell: Uint32Array.of(0), section: Int32Array.of(-1) };
    const sections = [1, 1, 1, 1, 2, 2, 5];
    const cones = { ends: new Float32Array(6 * 7), radii: new Float32Array(14), cell: new Uint32Array(7), section: Int32Array.from(sections) };
    const voltages = [-80, -60, -50, -40, -20];
    const coloring = new CompartmentColoring(report(voltages), Uint32Array.of(7), spheres, cones, voltageRamp());
    expect(coloring.colorCount).toBe(8);
    expect(Array.from(cones.cell)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const columnOfSlot = [0, 1, 1, 2, 3, 4, 4, 0]; // 3/4 = 0.75 per segment: 0, 0.75, 1.5, 2.25
    const { table, range } = voltageRamp();
    const colors = coloring.colorsAt(11); // frame 2: every value + 2
    columnOfSlot.forEach((column, slot) => {
      const entry = 4 * rampIndex((voltages[column] as number) + 2, range);
      expect(Array.from(colors.subarray(4 * slot, 4 * slot + 4))).toEqual(Array.from(table.subarray(entry, entry + 4)));
    });
  });

  it('remembers the cell of every colour slot it renumbers (what inspect answers a hit with)', () => {
    const spheres = { centers: new Float32Array(6), radii: Float32Array.of(1, 1), cell: Uint32Array.of(0, 1), section: Int32Array.of(-1, -1) };
    const cones = { ends: new Float32Array(18), radii: new Float32Array(6), cell: Uint32Array.of(1, 1, 0), section: Int32Array.of(1, 1, 2) };
    const coloring = new CompartmentColoring(report([-80, -60, -50, -40, -20]), Uint32Array.of(7, 7), spheres, cones, voltageRamp());
    expect(Array.from(cones.cell)).toEqual([2, 3, 4]);
    expect(Array.from(coloring.slotCells)).toEqual([0, 1, 1, 1, 0]);
  });

  it('paints with a ramp set by a client (set-color-ramp): its table and its value range', () => {
    const spheres = { centers: new Float32Array(3), radii: Float32Array.of(1), cell: Uint32Array.of(0), section: Int32Array.of(-1) };
    const cones = { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0), section: new Int32Array(0) };
    const coloring = new CompartmentColoring(report([-30, 0, 0, 0, 0]), Uint32Array.of(7), spheres, cones, voltageRamp());
    // Two entries: red below the middle of [-40, -20], green from it; -30 + frame 0 sits in the middle.
    const table = new Float32Array(256 * 4);
    for (let i = 0; i < 256; i++) table.set(i < 127 ? [1, 0, 0, 1] : [0, 1, 0, 1], 4 * i);
    expect(Array.from(coloring.colorsAt(10, { table, range: [-40, -20] }).subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(Array.from(coloring.colorsAt(10, { table, range: [-30, 0] }).subarray(0, 4))).toEqual([1, 0, 0, 1]);
    // Without one, the report's own ramp.
    const own = voltageRamp();
    const entry = 4 * rampIndex(-30, own.range);
    expect(Array.from(coloring.colorsAt(10).subarray(0, 4))).toEqual(Array.from(own.table.subarray(entry, entry + 4)));
  });

  it('refuses a loaded cell that the report has no data for', () => {
    const empty = { centers: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) };
    expect(() => new CompartmentColoring(report([0]), Uint32Array.of(8), empty, { ends: new Float32Array(0), radii: new Float32Array(0), cell: new Uint32Array(0) }, voltageRamp())).toThrow(
      'Cell 8 has no data in compartment report test.h5',
    );
  });

  it('reads the frame of a time as Brayns does: clamped to [start, end - dt]', () => {
    const r = report([0]);
    expect([5, 10, 10.49, 10.5, 11.2, 11.5, 99].map((t) => frameIndex(r, t))).toEqual([0, 0, 0, 1, 2, 3, 3]);
  });

  it('turns voltages into ramp entries with uint8 truncation over [-80, -10]', () => {
    const range: [number, number] = [-80, -10];
    expect([-100, -80, -79.9, -45, -10.01, -10, 30].map((v) => rampIndex(v, range))).toEqual([0, 0, 0, 127, 254, 255, 255]);
  });
});
