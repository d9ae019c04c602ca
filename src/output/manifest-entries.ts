import { closeSync, openSync, readSync } from 'node:fs';

const ID_PREFIX = Buffer.from('{"id":"');
const STATUS_KEY = Buffer.from(',"status":"');
const NEWLINE = 0x0a;
const WINDOW = 1 << 20;

/**
 * The finished entries (`rendered`, `up to date`) of an earlier manifest, by task id, kept in the
 * file: only each entry's position is held in memory, the text is read back when the manifest is
 * rewritten. A resume of 100,000 tasks thus holds a few MB instead of the whole manifest (or, as
 * objects, several times its size). The file stays open until `close`, so a run may replace the
 * manifest at that path while still copying entries out of the earlier one.
 *
 * Relies on the manifest's layout (writeManifest): one entry per line, keys in a fixed order, id first.
 */
export class ManifestEntries {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(
    private fd: number | null,
    private readonly positions: Map<string, [offset: number, length: number]>,
  ) {}

  static empty(): ManifestEntries {
    return new ManifestEntries(null, new Map());
  }

  static open(path: string): ManifestEntries {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ManifestEntries.empty();
      throw error;
    }
    try {
      return new ManifestEntries(fd, scan(fd));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get size(): number {
    return this.positions.size;
  }

  /** The entry's JSON text, or undefined when the manifest has no finished entry for `id`. */
  text(id: string): string | undefined {
    const at = this.positions.get(id);
    if (!at || this.fd === null) return undefined;
    const [offset, length] = at;
    // Entries are asked for in plan order, which is the file's order for the same plan: a window
    // read once serves the next thousand entries.
    if (offset < this.windowStart || offset + length > this.windowStart + this.window.length) {
      const buffer = Buffer.allocUnsafe(Math.max(WINDOW, length));
      const read = readSync(this.fd, buffer, 0, buffer.length, offset);
      this.window = buffer.subarray(0, read);
      this.windowStart = offset;
    }
    const start = offset - this.windowStart;
    return this.window.toString('utf8', start, start + length);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.window = Buffer.alloc(0);
  }
}

function scan(fd: number): Map<string, [number, number]> {
  const positions = new Map<string, [number, number]>();
  let buffer = Buffer.allocUnsafe(4 * WINDOW);
  // buffer[0, filled) holds the file from `bufferStart`: the start of a line cut by the last read.
  let filled = 0;
  let bufferStart = 0;
  for (;;) {
    if (filled === buffer.length) {
      // A line longer than the buffer: grow it (only the cut line is copied, never the whole file).
      const bigger = Buffer.allocUnsafe(2 * buffer.length);
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, filled, buffer.length - filled, bufferStart + filled);
    const data = buffer.subarray(0, filled + read);
    let lineStart = 0;
    for (;;) {
      const end = data.indexOf(NEWLINE, lineStart);
      if (end < 0) break;
      entryOf(data, lineStart, end, bufferStart, positions);
      lineStart = end + 1;
    }
    if (read === 0) {
      entryOf(data, lineStart, data.length, bufferStart, positions);
      break;
    }
    buffer.copy(buffer, 0, lineStart, data.length);
    filled = data.length - lineStart;
    bufferStart += lineStart;
  }
  return positions;
}

function entryOf(data: Buffer, start: number, end: number, base: number, positions: Map<string, [number, number]>): void {
  let from = start;
  while (from < end && data[from] === 0x20) from += 1;
  if (end - from < ID_PREFIX.length + 16 || data.compare(ID_PREFIX, 0, ID_PREFIX.length, from, from + ID_PREFIX.length) !== 0) return;
  const idStart = from + ID_PREFIX.length;
  const idEnd = data.indexOf(0x22, idStart);
  if (idEnd < 0 || idEnd >= end) return;
  const key = data.indexOf(STATUS_KEY, idEnd);
  if (key < 0 || key >= end) return;
  const statusStart = key + STATUS_KEY.length;
  const status = data.toString('latin1', statusStart, data.indexOf(0x22, statusStart));
  if (status !== 'rendered' && status !== 'up to date') return;
  const last = data[end - 1] === 0x2c ? end - 1 : end; // the comma between entries
  positions.set(data.toString('latin1', idStart, idEnd), [base + from, last - from]);
}
