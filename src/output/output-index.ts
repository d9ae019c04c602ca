import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChunksAtomic } from './atomic.js';
import { readFileHead } from './file-head.js';

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
  /** The records of the newest readable index, in file order. */
  private newest: IndexRecord[] = [];
  /** Older index files, oldest first, read only when a lookup misses in the newest one. */
  private older: string[] = [];
  /** The latest record of each path over every file, made on the first lookup that needs it. */
  private latest: Map<string, IndexRecord> | null = null;
  /** Earlier records of a path for another task, rare (a path reused by another recipe), latest last. */
  private readonly displaced = new Map<string, IndexRecord[]>();

  constructor(newest: IndexRecord[] = [], older: string[] = []) {
    this.newest = newest;
    this.older = older;
  }

  /**
   * The latest record of `path` written for `taskId`. `position`: where the task is in its plan.
   * The newest index is written in plan order by the keeper, each path once, so the record at
   * that position is usually the one: when it is this path's and this task's, no record of an
   * older index can be later, and 100,000 tasks are found without reading the older indexes (the
   * archived ones of earlier plans) or building a map of 100,000 paths. The record found either
   * way is only trusted when the file still has its size and times.
   */
  get(path: string, taskId: string, position?: number): IndexRecord | undefined {
    if (position !== undefined) {
      const guess = this.newest[position];
      if (guess !== undefined && guess.path === path && guess.taskId === taskId) return guess;
    }
    const latest = this.byPath();
    const record = latest.get(path);
    if (record === undefined || record.taskId === taskId) return record;
    return this.displaced.get(path)?.findLast((r) => r.taskId === taskId);
  }

  private byPath(): Map<string, IndexRecord> {
    if (this.latest) return this.latest;
    const latest = new Map<string, IndexRecord>();
    this.displaced.clear();
    const add = (record: IndexRecord): void => {
      const before = latest.get(record.path);
      if (before && before.taskId !== record.taskId) {
        const list = this.displaced.get(record.path) ?? [];
        list.push(before);
        this.displaced.set(record.path, list);
      }
      latest.set(record.path, record);
    };
    // Oldest first: a later index's record of a path wins.
    for (const path of this.older) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue; // gone or unreadable since it was listed: its files are checked in full
      }
      const records = parseIndexText(text);
      if (records) for (const record of records) add(record);
    }
    for (const record of this.newest) add(record);
    this.latest = latest;
    return latest;
  }
}

/** The records of an index's text; null when it is not an index (no header of this format). */
function parseIndexText(text: string): IndexRecord[] | null {
  let start = text.indexOf('\n') + 1;
  if (start === 0 || !text.slice(0, start).includes(`"${INDEX_FORMAT}"`)) return null;
  const read: IndexRecord[] = [];
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const record = parseRecord(text.slice(start, end));
    if (record) read.push(record);
    start = end + 1;
  }
  return read;
}

/**
 * The records of the indexes at `paths` (oldest first), later records of a file for the same task
 * winning. Only the newest readable index is read now; the older ones (earlier plans' indexes,
 * archived under manifests/) when a lookup misses in it. An unreadable or foreign index only loses
 * its shortcut (its files are checked in full).
 */
export async function readIndexes(paths: readonly string[]): Promise<IndexLookup> {
  for (let i = paths.length - 1; i >= 0; i -= 1) {
    let text: string;
    try {
      text = await readFile(paths[i] as string, 'utf8');
    } catch {
      continue; // unreadable: its files are checked in full
    }
    const records = parseIndexText(text);
    if (records) return new IndexLookup(records, paths.slice(0, i));
  }
  return new IndexLookup();
}

const DIGITS = /^\d+$/;
const SHA256 = /^[0-9a-f]{64}$/;

function parseRecord(line: string): IndexRecord | null {
  if (line === '') return null;
  const quick = line.includes('\\') ? undefined : quickRecord(line);
  if (quick !== undefined) return quick;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null; // a line cut short: that file is checked in full
  }
  if (!Array.isArray(value) || value.length !== 6) return null;
  const [path, size, mtimeNs, ctimeNs, sha256, taskId] = value as unknown[];
  if (typeof path !== 'string' || typeof size !== 'number' || typeof mtimeNs !== 'string' || typeof ctimeNs !== 'string') return null;
  if (typeof sha256 !== 'string' || !SHA256.test(sha256) || typeof taskId !== 'string') return null;
  return { path, size, mtimeNs, ctimeNs, sha256, taskId };
}

/**
 * A line as indexLines writes it, `["path",size,"mtimeNs","ctimeNs","sha256","taskId"]`, read
 * without JSON.parse (a resume reads 100,000 of them). Without a backslash no JSON string holds an
 * escape, so the text between the quotes is the value. Undefined for anything else: JSON.parse decides.
 */
function quickRecord(line: string): IndexRecord | undefined {
  if (!line.startsWith('["') || !line.endsWith('"]')) return undefined;
  const pathEnd = line.indexOf('",', 2);
  const sizeEnd = pathEnd < 0 ? -1 : line.indexOf(',"', pathEnd + 2);
  if (sizeEnd < 0) return undefined;
  const size = line.slice(pathEnd + 2, sizeEnd);
  const rest = line.slice(sizeEnd + 2, -2).split('","');
  if (rest.length !== 4 || !DIGITS.test(size)) return undefined;
  const [mtimeNs, ctimeNs, sha256, taskId] = rest as [string, string, string, string];
  if (!DIGITS.test(mtimeNs) || !DIGITS.test(ctimeNs) || !SHA256.test(sha256)) return undefined;
  return { path: line.slice(2, pathEnd), size: Number(size), mtimeNs, ctimeNs, sha256, taskId };
}

/** The record lines of an index (without the header), in pieces of 1,000 lines. */
function* indexText(records: Iterable<IndexRecord>): Generator<string> {
  let batch: string[] = [];
  for (const r of records) {
    // JSON.stringify of the array, without the array: only the path and task id can need escapes.
    batch.push(`[${JSON.stringify(r.path)},${r.size},"${r.mtimeNs}","${r.ctimeNs}","${r.sha256}",${JSON.stringify(r.taskId)}]\n`);
    if (batch.length === 1000) {
      yield batch.join('');
      batch = [];
    }
  }
  if (batch.length > 0) yield batch.join('');
}

/** Writes the index atomically: the header (naming the manifest written with it), then one line per record. */
export async function writeIndex(path: string, manifest: ManifestLink | null, records: Iterable<IndexRecord>, options: { sync?: boolean } = { sync: true }): Promise<void> {
  const header: IndexHeader = { format: INDEX_FORMAT, ...(manifest ? { manifest } : {}) };
  const chunks = function* (): Generator<string> {
    yield `${JSON.stringify(header)}\n`;
    yield* indexText(records);
  };
  await writeChunksAtomic(path, chunks(), options);
}

/** sha256 of the record lines writeIndex would write for `records` (see sameIndexRecords). */
export function indexDigest(records: Iterable<IndexRecord>): string {
  const hash = createHash('sha256');
  for (const text of indexText(records)) hash.update(text);
  return hash.digest('hex');
}

/** The header of the index at `path`; null when absent, unreadable or not an index. */
export async function readIndexHeader(path: string): Promise<IndexHeader | null> {
  const first = await readFileHead(path);
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
 * Whether the record lines of the index at `path` (all after its header) have the sha256 `digest`
 * (see indexDigest). The file is hashed as it is read and the new lines as they are made, so
 * neither text is ever held whole (at 100,000 images each is 15 MB).
 */
export async function sameIndexRecords(path: string, digest: string): Promise<boolean> {
  const hash = createHash('sha256');
  let inHeader = true;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      let data = chunk;
      if (inHeader) {
        const newline = data.indexOf(0x0a);
        if (newline < 0) continue;
        inHeader = false;
        data = data.subarray(newline + 1);
      }
      hash.update(data);
    }
  } catch {
    return false;
  }
  return !inHeader && hash.digest('hex') === digest;
}
