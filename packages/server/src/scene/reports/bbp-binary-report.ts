import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { circuitError } from '../circuit-error.js';
import { columnsFromElementIds, type CellColumns, type ReportFrames } from './report-frames.js';

/**
 * BBP binary compartment reports (`.bbp`, Brion's "binary" plugin layout, read from its sources):
 * a 1024-byte header — f64 byte-order marker 1.001 at 0, i32 header size at 8, i32 cell count at
 * 48, i32 compartments per frame at 52, i32 frame count at 64, f64 start/end/dt at 72/80/88, data and
 * time units (16 chars) at 96/112, i32 mapping size at 128 — then one 64-byte block per cell (i32 GID
 * at 0, i32 compartment count at 8, u64 data offset at 16, u64 mapping offset at 32), the mapping
 * (one f32 section id per compartment, `mapping size` floats apart), and the frames: every
 * compartment of the report as f32, frame after frame from the first cell's data offset. A file
 * written on the other byte order is read swapped, as Brion does.
 */
const HEADER = { headerSize: 8, cells: 48, compartments: 52, frames: 64, start: 72, end: 80, dt: 88, timeUnit: 112, mappingSize: 128 };
const CELL = { gid: 0, compartments: 8, dataOffset: 16, mappingOffset: 32, size: 64 };
const MARKER = 1.001;

/** What a .bbp file's header says, checked against the file's size: no cell data read. */
export interface BbpHeader {
  little: boolean;
  headerSize: number;
  cellCount: number;
  /** Values per frame (every compartment of the report). */
  frameSize: number;
  frameCount: number;
  mappingSize: number;
  startTime: number;
  endTime: number;
  dt: number;
  unit: string;
  /** Byte offset of the first frame (the first cell's data offset). */
  dataStart: number;
  /** The cell blocks (64 bytes per cell), read with the header. */
  blocks: Buffer;
}

type Handle = Awaited<ReturnType<typeof open>>;

async function openReportFile(path: string): Promise<Handle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw circuitError(`Cannot open BBP binary compartment report ${path}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function failure(path: string): (problem: string) => never {
  return (problem) => {
    throw circuitError(`Cannot read BBP binary compartment report ${path}: ${problem}`);
  };
}

async function readHeader(handle: Handle, path: string, size: number): Promise<BbpHeader> {
  const fail = failure(path);
  const read = async (offset: number, length: number): Promise<Buffer> => {
    if (offset + length > size) fail(`it ends at byte ${size}, before byte ${offset + length} that its header points to`);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset);
    return buffer;
  };
  const header = await read(0, 1024);
  const little = header.readDoubleLE(0) === MARKER;
  if (!little && header.readDoubleBE(0) !== MARKER) fail('no byte-order marker 1.001 at its start (not a .bbp report, or damaged)');
  const i32 = (at: number): number => (little ? header.readInt32LE(at) : header.readInt32BE(at));
  const f64 = (at: number): number => (little ? header.readDoubleLE(at) : header.readDoubleBE(at));
  const headerSize = i32(HEADER.headerSize);
  const cellCount = i32(HEADER.cells);
  const frameSize = i32(HEADER.compartments);
  const frameCount = i32(HEADER.frames);
  const mappingSize = i32(HEADER.mappingSize);
  if (cellCount < 0 || frameSize < 0 || frameCount < 0 || headerSize < 0 || mappingSize < 1) {
    fail(`impossible header values (cells ${cellCount}, compartments ${frameSize}, frames ${frameCount}, mapping size ${mappingSize})`);
  }
  const blocks = await read(headerSize, cellCount * CELL.size);
  const dataStart = cellCount > 0 ? Number(little ? blocks.readBigUInt64LE(CELL.dataOffset) : blocks.readBigUInt64BE(CELL.dataOffset)) : headerSize;
  if (dataStart + 4 * frameSize * frameCount > size) fail(`${frameCount} frames of ${frameSize} values need ${dataStart + 4 * frameSize * frameCount} bytes, the file has ${size}`);
  const unit = header.toString('latin1', HEADER.timeUnit, HEADER.timeUnit + 16).replace(/\0.*$/s, '').trim();
  return { little, headerSize, cellCount, frameSize, frameCount, mappingSize, startTime: f64(HEADER.start), endTime: f64(HEADER.end), dt: f64(HEADER.dt), unit: unit === '' ? 'ms' : unit, dataStart, blocks };
}

/** The header of a .bbp report (time span, sizes), for preflight: the mapping and frames stay unread. */
export async function readBbpHeader(path: string): Promise<BbpHeader> {
  const handle = await openReportFile(path);
  try {
    return await readHeader(handle, path, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

export async function openBbpReport(path: string): Promise<ReportFrames> {
  const fail = failure(path);
  const handle = await openReportFile(path);
  try {
    const size = (await handle.stat()).size;
    const { little, cellCount, frameSize, frameCount, mappingSize, startTime, endTime, dt, unit, dataStart, blocks } = await readHeader(handle, path, size);
    const i32 = (b: Buffer, at: number): number => (little ? b.readInt32LE(at) : b.readInt32BE(at));
    const u64 = (b: Buffer, at: number): number => Number(little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
    const mapping = Buffer.alloc(Math.min(dataStart, size));
    await handle.read(mapping, 0, mapping.length, 0);
    const cells = new Map<number, CellColumns>();
    for (let i = 0; i < cellCount; i++) {
      const at = i * CELL.size;
      const gid = i32(blocks, at + CELL.gid);
      const count = i32(blocks, at + CELL.compartments);
      const dataOffset = u64(blocks, at + CELL.dataOffset);
      const mappingOffset = u64(blocks, at + CELL.mappingOffset);
      if (dataOffset < dataStart) fail(`cell ${gid} has a data offset before the first frame (bad offset in report mapping)`);
      if (mappingOffset + 4 * mappingSize * count > mapping.length) fail(`the mapping of cell ${gid} runs past the start of the frames`);
      const sections = new Float64Array(count);
      for (let j = 0; j < count; j++) {
        const where = mappingOffset + 4 * mappingSize * j;
        sections[j] = little ? mapping.readFloatLE(where) : mapping.readFloatBE(where);
      }
      cells.set(gid, columnsFromElementIds((dataOffset - dataStart) / 4, sections));
    }
    let cached: { index: number; values: Float32Array } | null = null;
    return {
      path,
      startTime,
      endTime,
      dt,
      unit,
      frameCount,
      gids: () => [...cells.keys()].sort((a, b) => a - b),
      columns: (gid) => cells.get(gid) ?? null,
      frame(index) {
        if (cached?.index === index) return cached.values;
        const bytes = Buffer.alloc(4 * frameSize);
        const fd = openSync(path, 'r');
        try {
          readSync(fd, bytes, 0, bytes.length, dataStart + 4 * frameSize * index);
        } finally {
          closeSync(fd);
        }
        const values = new Float32Array(frameSize);
        for (let k = 0; k < frameSize; k++) values[k] = little ? bytes.readFloatLE(4 * k) : bytes.readFloatBE(4 * k);
        cached = { index, values };
        return values;
      },
    };
  } finally {
    await handle.close();
  }
}
