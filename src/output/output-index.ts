import { readFile, readdir, stat } from 'node:fs/promises';
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
 * then one JSON array per file, `[path, size, mtimeNs, ctimeNs, sha256, taskId]`.
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

/**
 * The records of `paths` for the files `wanted` names (output path -> task id), later records
 * winning. An unreadable or foreign index only loses its shortcut (its files are checked in full).
 */
export async function readIndexes(paths: readonly string[], wanted: ReadonlyMap<string, string>): Promise<Map<string, IndexRecord>> {
  const records = new Map<string, IndexRecord>();
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue; // unreadable: its files are checked in full
    }
    const lines = text.split('\n');
    if (!lines[0]?.includes(`"${INDEX_FORMAT}"`)) continue;
    for (let i = 1; i < lines.length; i += 1) {
      const record = parseRecord(lines[i] as string);
      if (record && wanted.get(record.path) === record.taskId) records.set(record.path, record);
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

/**
 * Writes the index atomically, unless the file already holds exactly these records: a resume that
 * changed nothing leaves it untouched (no 15 MB rewrite for 100,000 images, and its times stay,
 * which tells the gallery that nothing changed).
 */
export async function writeIndex(path: string, records: Iterable<IndexRecord>, options: { sync?: boolean } = { sync: true }): Promise<'written' | 'unchanged'> {
  const parts: string[] = [`${JSON.stringify({ format: INDEX_FORMAT })}\n`];
  let batch = '';
  let count = 0;
  for (const r of records) {
    batch += `${JSON.stringify([r.path, r.size, r.mtimeNs, r.ctimeNs, r.sha256, r.taskId])}\n`;
    if ((count += 1) % 1000 === 0) {
      parts.push(batch);
      batch = '';
    }
  }
  parts.push(batch);
  const bytes = parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
  const existing = await stat(path).catch(() => null);
  if (existing?.isFile() && existing.size === bytes) {
    const old = await readFile(path).catch(() => null);
    if (old && old.equals(Buffer.from(parts.join('')))) return 'unchanged';
  }
  await writeChunksAtomic(path, parts, options);
  return 'written';
}
