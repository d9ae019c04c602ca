import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

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

/** Every temp file this process created and has not renamed yet; swept on interrupt. */
const live = new Set<string>();

/** Writes `data` to `path` so that readers see either the old file or the complete new one, never a half. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  live.add(temp);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    live.delete(temp);
  }
}

/** Removes the temp files still being written by this process (an interrupted write). */
export async function removeLiveTempFiles(): Promise<void> {
  await Promise.all([...live].map((p) => rm(p, { force: true })));
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
