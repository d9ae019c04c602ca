import { writeFile } from 'node:fs/promises';

export interface BbpCell {
  gid: number;
  /** Section id of each compartment, in the cell's data order. */
  sections: number[];
}

/**
 * Writes a BBP binary compartment report laid out as Brion's binary reader expects (header, 64-byte
 * cell blocks, per-compartment section ids, then f32 frames); `value(frame, column)` fills the data.
 */
export async function writeBbpReport(
  path: string,
  cells: BbpCell[],
  frames: { start: number; end: number; dt: number; count: number },
  value: (frame: number, column: number) => number,
  order: 'LE' | 'BE' = 'LE',
): Promise<void> {
  const headerSize = 1024;
  const compartments = cells.reduce((n, c) => n + c.sections.length, 0);
  const mappingStart = headerSize + 64 * cells.length;
  const dataStart = mappingStart + 4 * compartments;
  const buffer = Buffer.alloc(dataStart + 4 * compartments * frames.count);
  const le = order === 'LE';
  const i32 = (at: number, v: number): number => (le ? buffer.writeInt32LE(v, at) : buffer.writeInt32BE(v, at));
  const f64 = (at: number, v: number): number => (le ? buffer.writeDoubleLE(v, at) : buffer.writeDoubleBE(v, at));
  const u64 = (at: number, v: number): number => (le ? buffer.writeBigUInt64LE(BigInt(v), at) : buffer.writeBigUInt64BE(BigInt(v), at));
  const f32 = (at: number, v: number): number => (le ? buffer.writeFloatLE(v, at) : buffer.writeFloatBE(v, at));
  f64(0, 1.001);
  i32(8, headerSize);
  i32(48, cells.length);
  i32(52, compartments);
  i32(64, frames.count);
  f64(72, frames.start);
  f64(80, frames.end);
  f64(88, frames.dt);
  buffer.write('mV', 96, 'latin1');
  buffer.write('ms', 112, 'latin1');
  i32(128, 1);
  let column = 0;
  cells.forEach((cell, i) => {
    const block = headerSize + 64 * i;
    i32(block, cell.gid);
    i32(block + 8, cell.sections.length);
    u64(block + 16, dataStart + 4 * column);
    u64(block + 32, mappingStart + 4 * column);
    cell.sections.forEach((section, j) => f32(mappingStart + 4 * (column + j), section));
    column += cell.sections.length;
  });
  for (let f = 0; f < frames.count; f++) {
    for (let c = 0; c < compartments; c++) f32(dataStart + 4 * (f * compartments + c), value(f, c));
  }
  await writeFile(path, buffer);
}
