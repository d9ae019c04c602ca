/**
 * A compartment (or soma) report as the colouring needs it: per cell the report columns of each
 * section, and the values of one frame at a time. Readers (SONATA HDF5, BBP binary) produce this.
 */
export interface CellColumns {
  /** First column of the cell in a frame (its soma compartment). */
  first: number;
  /** Per report section id (0 = soma): first column and compartment count; count 0 = not reported. */
  sectionFirst: Int32Array;
  sectionCount: Int32Array;
}

export interface ReportFrames {
  /** The file, for messages. */
  path: string;
  startTime: number;
  endTime: number;
  dt: number;
  unit: string;
  frameCount: number;
  /** GIDs (1-based) present in the report, ascending. */
  gids(): number[];
  /** Column layout of a cell, or null when the report has no data for it. */
  columns(gid: number): CellColumns | null;
  /** All values of frame `index` (0 ≤ index < frameCount), one per column; synchronous. */
  frame(index: number): Float32Array;
}

/** Frame index for a time, as Brayns reads it: the time is clamped to [start, end - dt] first. */
export function frameIndex(report: ReportFrames, time: number): number {
  const { startTime, endTime, dt, frameCount } = report;
  const clamped = Math.min(Math.max(time, startTime), endTime - dt);
  const index = dt > 0 ? Math.floor((clamped - startTime) / dt + 1e-6) : 0;
  return Math.min(Math.max(index, 0), Math.max(frameCount - 1, 0));
}

/** Builds a cell's section layout from the section id of each of its columns (in column order). */
export function columnsFromElementIds(first: number, elementIds: ArrayLike<number>): CellColumns {
  let highest = 0;
  for (let i = 0; i < elementIds.length; i++) highest = Math.max(highest, elementIds[i] as number);
  const sectionFirst = new Int32Array(highest + 1).fill(-1);
  const sectionCount = new Int32Array(highest + 1);
  for (let i = 0; i < elementIds.length; i++) {
    const section = elementIds[i] as number;
    if (section < 0) continue;
    if (sectionFirst[section] === -1) sectionFirst[section] = first + i;
    sectionCount[section]! += 1;
  }
  return { first, sectionFirst, sectionCount };
}
