import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { RenderRecipesError } from '../errors.js';

/**
 * Temp files live in the destination directory (a rename is only atomic within one filesystem)
 * and are named `.<file>.rr-tmp-<host>-<pid>-<random>`: a later run can then remove the leftovers
 * of a killed process without touching those of a run still writing into the same directory
 * (another shard of a job array, possibly on another node of a shared filesystem).
 */
export const TEMP_MARKER = '.rr-tmp-';
const HOST = hostname().replace(/[^A-Za-z0-9.]/g, '_');

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARKER}${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARKER);
}

/**
 * The temp files one run created and has not renamed yet, removed when it is interrupted. One per
 * run, not one per process: a library user running two plans at once must not have one run's
 * cleanup delete the file the other is writing.
 */
export class TempFiles {
  private readonly live = new Set<string>();

  add(path: string): void {
    this.live.add(path);
  }

  delete(path: string): void {
    this.live.delete(path);
  }

  /** Removes the temp files of writes still in progress (an interrupted run). */
  async removeAll(): Promise<void> {
    await Promise.all([...this.live].map((p) => rm(p, { force: true })));
  }
}

/**
 * The registry of the run whose work is executing. Every atomic write a run starts, however deep
 * (images, the manifest keeper's periodic writes, the index, figures, movies.json), runs in that
 * run's async context, so the writers need no registry argument threaded through them.
 */
const current = new AsyncLocalStorage<TempFiles>();

/** Runs `work` so that every atomic write it starts registers its temp file in `temps`. */
export function withTempFiles<T>(temps: TempFiles, work: () => Promise<T>): Promise<T> {
  return current.run(temps, work);
}

/** Writes `data` to `path` so that readers see either the old file or the complete new one, never a half. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { sync?: boolean } = {}): Promise<void> {
  await writeChunksAtomic(path, [data], options);
}

/**
 * Streams `chunks` (an iterable, or an async one for a source that produces them over time) to a
 * temp file beside `path` and renames it into place once every byte is written (short writes are
 * continued, not ignored). On any failure (a full disk) the temp file is
 * removed, the old file stays as it was, and the error names `path`. `sync` flushes the data to
 * the disk before the rename, for the few files a crash must not leave empty (manifest, index).
 */
export async function writeChunksAtomic(path: string, chunks: Iterable<Chunk> | AsyncIterable<Chunk>, options: { sync?: boolean } = {}): Promise<void> {
  const temp = tempPathFor(path);
  const temps = current.getStore();
  temps?.add(temp);
  let file: FileHandle | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    file = await open(temp, 'w');
    // Small chunks are gathered into writes of about 1 MiB; large ones are written as they are.
    let pending: Buffer[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      if (size > 0) await writeAll(file as FileHandle, pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, size));
      pending = [];
      size = 0;
    };
    const next = nextChunk(chunks);
    for (;;) {
      let step = next();
      // A sync iterable is read without an await per chunk (a manifest is 100,000 small ones).
      if (step instanceof Promise) step = await step;
      if (step.done) break;
      const chunk = step.value;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (bytes.length >= 1 << 16) {
        await flush();
        await writeAll(file, bytes);
        continue;
      }
      pending.push(bytes);
      size += bytes.length;
      if (size >= 1 << 20) await flush();
    }
    await flush();
    if (options.sync) await file.sync();
    await file.close();
    file = undefined;
    await rename(temp, path);
  } catch (error) {
    await file?.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw writeError(path, error);
  } finally {
    temps?.delete(temp);
  }
}

type Chunk = string | Uint8Array;

function nextChunk(chunks: Iterable<Chunk> | AsyncIterable<Chunk>): () => IteratorResult<Chunk> | Promise<IteratorResult<Chunk>> {
  if (Symbol.asyncIterator in chunks) {
    const iterator = chunks[Symbol.asyncIterator]();
    return () => iterator.next();
  }
  const iterator = chunks[Symbol.iterator]();
  return () => iterator.next();
}

/** `handle.write` may write fewer bytes than asked (a full disk, a signal): continue until all are written. */
async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('no bytes written'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an input/output error',
};

/** A write failure as an OUTPUT error naming the file and the reason in words; other errors pass through. */
export function writeError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof RenderRecipesError || typeof code !== 'string') return error;
  const reason = REASONS[code] ?? (error as Error).message;
  return new RenderRecipesError('OUTPUT', `cannot write ${path}: ${reason} (${code}); the previous version of the file, if any, is unchanged`, {
    cause: error,
    hint: code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space (or choose another --out) and run again: finished files are kept and skipped' : undefined,
  });
}

/** Whether the process that wrote this temp file is gone (only decidable for this host). */
function writerIsGone(name: string): boolean {
  const match = new RegExp(`${TEMP_MARKER.replace('.', '\\.')}(.+)-(\\d+)-[0-9a-f]+$`).exec(name);
  if (!match || match[1] !== HOST) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes temp files left under `dir` (recursively) by killed processes of this host. Only names
 * carrying the marker are touched, so user files are safe.
 */
export async function sweepTempFiles(dir: string): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.isFile() && isTempFile(entry.name) && writerIsGone(entry.name)) {
      await rm(join(entry.parentPath, entry.name), { force: true });
      removed += 1;
    }
  }
  return removed;
}
