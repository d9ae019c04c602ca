import { open, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChunksAtomic } from './atomic.js';

/**
 * The output index: what each output file was when render-recipes last wrote or checked it (size,
 * modification and change times in nanoseconds, sha256, the task it belongs to). A resume trusts a
 * file without reading it only when its size and times are exactly the recorded ones; otherwise
 * it hashes the file, and keeps it only when the bytes are the recorded ones. A file with no record
 * is decoded in full. The change time (which no tool can set back) catches a file rewritten with
 * its old size and modification time restored.
 *
 * One index sits beside each manifest (`manifest.json` -> `manifest.index.jsonl`): a header line,
 * then one JSON array per file, `[path, size, mtimeNs, ctimeNs, sha256, taskId]`. The header names
 * the manifest written with it (see ManifestLink).
 */
export const INDEX_FORMAT = 'render-recipes/output-index@1';
export const INDEX_SUFFIX = '.index.jsonl';

export interface FileStamp {
  size: number;
  mtimeNs: string;
  ctimeNs: string;
}

export interface IndexRecord extends FileStamp {
  /** Relative to the output directory, `/`-separated (the task's output path). */
  path: string;
  sha256: string;
  taskId: string;
}

/**
 * The manifest an index was written with, as it was right after that write: its plan, its size and
 * times, and whether it recorded every task of the plan as done (nothing pending or failed, every
 * file recorded in the index). The index's records and that manifest's entries say the same
 * (written from the same results), so while the manifest keeps these size and times, a resume
 * whose files all match their records has nothing to write (see ManifestKeeper).
 */
export interface ManifestLink extends FileStamp {
  planHash: string;
  complete: boolean;
}

export interface IndexHeader {
  format: typeof INDEX_FORMAT;
  manifest?: ManifestLink;
}

export function indexPathFor(manifestPath: string): string {
  return manifestPath.endsWith('.json') ? `${manifestPath.slice(0, -5)}${INDEX_SUFFIX}` : `${manifestPath}${INDEX_SUFFIX}`;
}

/** Size and times of a file (null when it does not exist), to the nanosecond. */
export async function stampOf(path: string): Promise<FileStamp | null> {
  try {
    const s = await stat(path, { bigint: true });
    return { size: Number(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The index files of an output directory (beside its manifests, and beside the manifests of earlier plans). */
export async function listIndexes(dir: string): Promise<string[]> {
  const found: { path: string; mtimeMs: number }[] = [];
  for (const folder of [dir, join(dir, 'manifests')]) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith(INDEX_SUFFIX) || name.startsWith('.')) continue;
      const path = join(folder, name);
      const s = await stat(path).catch(() => null);
      if (s?.isFile()) found.push({ path, mtimeMs: s.mtimeMs });
    }
  }
  // Oldest first: a later index's record for the same file wins.
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs).map((f) => f.path);
}

/** Index records by output path and task id (see readIndexes). */
export class IndexLookup {
  /** The latest record of each path. */
  private readonly latest = new Map<string, IndexRecord>();
  /** Earlier records of a path for another task, rare (a path reused by another recipe), latest last. */
  private readonly displaced = new Map<string, IndexRecord[]>();

  add(record: IndexRecord): void {
    const before = this.latest.get(record.path);
    if (before && before.taskId !== record.taskId) {
      const list = this.displaced.get(record.path) ?? [];
      list.push(before);
      this.displaced.set(record.path, list);
    }
    this.latest.set(record.path, record);
  }

  /** The latest record of `path` written for `taskId`. */
  get(path: string, taskId: string): IndexRecord | undefined {
    const record = this.latest.get(path);
    if (record === undefined || record.taskId === taskId) return record;
    return this.displaced.get(path)?.findLast((r) => r.taskId === taskId);
  }
}

/**
 * The records of the indexes at `paths`, later records of a file for the same task winning. An
 * unreadable or foreign index only loses its shortcut (its files are checked in full).
 */
export async function readIndexes(paths: readonly string[]): Promise<IndexLookup> {
  const records = new IndexLookup();
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue; // unreadable: its files are checked in full
    }
    let start = text.indexOf('\n') + 1;
    if (start === 0 || !text.slice(0, start).includes(`"${INDEX_FORMAT}"`)) continue;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const record = parseRecord(text.slice(start, end));
      if (record) records.add(record);
      start = end + 1;
    }
  }
  return records;
}

function parseRecord(line: string): IndexRecord | null {
  if (line === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null; // a line cut short: that file is checked in full
  }
  if (!Array.isArray(value) || value.length !== 6) return null;
  const [path, size, mtimeNs, ctimeNs, sha256, taskId] = value as unknown[];
  if (typeof path !== 'string' || typeof size !== 'number' || typeof mtimeNs !== 'string' || typeof ctimeNs !== 'string') return null;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256) || typeof taskId !== 'string') return null;
  return { path, size, mtimeNs, ctimeNs, sha256, taskId };
}

/** The record lines of an index (without the header), as bytes in pieces of 1,000 records, and how many records. */
export function indexLines(records: Iterable<IndexRecord>): { parts: Buffer[]; count: number } {
  const parts: Buffer[] = [];
  let batch = '';
  let count = 0;
  for (const r of records) {
    batch += `${JSON.stringify([r.path, r.size, r.mtimeNs, r.ctimeNs, r.sha256, r.taskId])}\n`;
    if ((count += 1) % 1000 === 0) {
      parts.push(Buffer.from(batch));
      batch = '';
    }
  }
  if (batch !== '') parts.push(Buffer.from(batch));
  return { parts, count };
}

/** Writes the index atomically: the header (naming the manifest written with it), then `lines` (see indexLines). */
export async function writeIndex(path: string, manifest: ManifestLink | null, lines: readonly Buffer[], options: { sync?: boolean } = { sync: true }): Promise<void> {
  const header: IndexHeader = { format: INDEX_FORMAT, ...(manifest ? { manifest } : {}) };
  await writeChunksAtomic(path, [`${JSON.stringify(header)}\n`, ...lines], options);
}

/** The header of the index at `path`; null when absent, unreadable or not an index. */
export async function readIndexHeader(path: string): Promise<IndexHeader | null> {
  const first = await readHead(path);
  if (first === null) return null;
  const end = first.indexOf('\n');
  try {
    const header = JSON.parse(end < 0 ? first : first.slice(0, end)) as IndexHeader;
    return header?.format === INDEX_FORMAT ? header : null;
  } catch {
    return null;
  }
}

/**
 * Whether the index at `path` holds exactly `lines` after its header. Compared piece by piece
 * against the file, so neither the old text nor a joined copy of the new one is ever held whole
 * (at 100,000 images each is 15 MB).
 */
export async function sameIndexLines(path: string, lines: readonly Buffer[]): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    const newline = head.subarray(0, bytesRead).indexOf(0x0a);
    if (newline < 0) return false;
    let position = newline + 1;
    const expected = position + lines.reduce((n, l) => n + l.length, 0);
    if ((await file.stat()).size !== expected) return false;
    let got = Buffer.alloc(0);
    for (const want of lines) {
      if (got.length < want.length) got = Buffer.allocUnsafe(want.length);
      const { bytesRead: read } = await file.read(got, 0, want.length, position);
      if (read !== want.length || !got.subarray(0, read).equals(want)) return false;
      position += read;
    }
    return true;
  } finally {
    await file.close();
  }
}

/** A header line is a few hundred bytes. */
const HEAD_BYTES = 4096;

async function readHead(path: string): Promise<string | null> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await file.close();
  }
}
