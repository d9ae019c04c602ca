import { circuitError } from '../circuit-error.js';
import type { ConeGeometry, SphereGeometry } from '../types.js';
import { frameIndex, type ReportFrames } from './report-frames.js';
import { rampIndex, type ValueRamp } from './value-ramp.js';

/**
 * Colours every primitive of a model from a compartment report, as Brayns' OffsetIndexer does
 * (2.0.0, 3.0.0, 3.10.1): the soma and everything without section data take the cell's first
 * column; segment i of a section with n segments and c compartments takes compartment
 * floor(i · c / n) of that section. Each primitive gets its own colour slot, so the geometry's
 * `cell` arrays are renumbered (spheres first, then cones) and `colorCount` is the primitive count.
 */
export class CompartmentColoring {
  readonly colorCount: number;
  /** The cell (index into the model's gids) of each colour slot, before the renumbering. */
  readonly slotCells: Uint32Array;
  private readonly columns: Int32Array;

  /** `ramp` is data: a client-set ramp can replace it between renders. */
  constructor(
    private readonly report: ReportFrames,
    gids: Uint32Array,
    spheres: SphereGeometry,
    cones: ConeGeometry,
    public ramp: ValueRamp,
  ) {
    const layouts = Array.from(gids, (gid) => {
      const layout = report.columns(gid);
      if (layout === null) throw circuitError(`Cell ${gid} has no data in compartment report ${report.path}`);
      return layout;
    });
    const sphereCount = spheres.radii.length;
    const coneCount = cones.cell.length;
    this.colorCount = sphereCount + coneCount;
    this.columns = new Int32Array(this.colorCount);
    const fill = (cell: Uint32Array, section: Int32Array | undefined, slotBase: number): void => {
      let runStart = 0;
      for (let i = 0; i <= cell.length; i++) {
        const ends = i === cell.length || cell[i] !== cell[runStart] || (section?.[i] ?? -1) !== (section?.[runStart] ?? -1);
        if (!ends) continue;
        for (let k = runStart; k < i; k++) {
          this.columns[slotBase + k] = column(layouts[cell[k] as number]!, section?.[k] ?? -1, k - runStart, i - runStart);
        }
        runStart = i;
      }
    };
    fill(spheres.cell, spheres.section, 0);
    fill(cones.cell, cones.section, sphereCount);
    this.slotCells = new Uint32Array(this.colorCount);
    this.slotCells.set(spheres.cell, 0);
    this.slotCells.set(cones.cell, sphereCount);
    for (let i = 0; i < sphereCount; i++) spheres.cell[i] = i;
    for (let i = 0; i < coneCount; i++) cones.cell[i] = sphereCount + i;
  }

  /** `ramp`: a client-set ramp (`set-color-ramp`) replacing the report's own for this render. */
  colorsAt(time: number, ramp: ValueRamp = this.ramp): Float32Array {
    const values = this.report.frame(frameIndex(this.report, time));
    const { table, range } = ramp;
    const colors = new Float32Array(4 * this.colorCount);
    for (let slot = 0; slot < this.colorCount; slot++) {
      const entry = 4 * rampIndex(values[this.columns[slot] as number] ?? Number.NaN, range);
      colors[4 * slot] = table[entry] ?? 0;
      colors[4 * slot + 1] = table[entry + 1] ?? 0;
      colors[4 * slot + 2] = table[entry + 2] ?? 0;
      colors[4 * slot + 3] = table[entry + 3] ?? 1;
    }
    return colors;
  }
}

function column(layout: { first: number; sectionFirst: Int32Array; sectionCount: Int32Array }, section: number, segment: number, segments: number): number {
  if (section < 0 || section >= layout.sectionCount.length) return layout.first;
  const count = layout.sectionCount[section] as number;
  if (count === 0) return layout.first;
  const step = Math.fround(count / segments);
  return (layout.sectionFirst[section] as number) + Math.trunc(Math.fround(step * segment));
}
