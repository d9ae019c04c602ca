import { stat } from 'node:fs/promises';

/**
 * What preflight learnt from each file, for one run: keyed by path, size and modification time,
 * so recipes and matrix items naming the same circuit open its files once, and a file rewritten
 * during the run is read again. Failures are kept too: the same missing file is one stat.
 */
export class FileCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  /** `compute`'s result for `path` as it is now; rejects like `stat` when the path does not exist. */
  async get<T>(path: string, what: string, compute: () => Promise<T>): Promise<T> {
    const info = await stat(path);
    const key = `${what}\0${path}\0${info.size}\0${info.mtimeMs}`;
    let entry = this.entries.get(key) as Promise<T> | undefined;
    if (entry === undefined) {
      entry = compute();
      // Kept even when it fails; callers read the failure from the promise.
      entry.catch(() => undefined);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Distinct file readings made so far (for tests and the bench: a second pass adds none). */
  get size(): number {
    return this.entries.size;
  }
}
