import { mkdir, readFile } from 'node:fs/promises';
import type { BraynsClient, BraynsEventSink } from '../brayns/index.js';
import { sha256, writeFileAtomic } from '../output/index.js';

/**
 * Everything the executor does to the outside world, handed in so tests can drive it with fakes and
 * the benchmark can simulate 100,000 tasks in-process. `defaultEffects` is the real thing.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RunEffects {
  /** `onEvent` receives what the client reports (warnings such as a loader input the server ignores). */
  connect(uri: string, options: { signal: AbortSignal; onEvent: BraynsEventSink }): Promise<BraynsClient>;
  /** Writes a finished image so readers never see half of it. */
  writeFile(path: string, bytes: Buffer): Promise<void>;
  /** Makes sure a directory exists (for files the server writes when it shares our disk). */
  ensureDir(path: string): Promise<void>;
  /** sha256 and size of a local file, or null when it does not exist (here). */
  hashFile(path: string): Promise<{ sha256: string; bytes: number } | null>;
  clock: Clock;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function defaultEffects(connect: RunEffects['connect']): RunEffects {
  return {
    connect,
    writeFile: writeFileAtomic,
    ensureDir: async (path) => {
      await mkdir(path, { recursive: true });
    },
    hashFile: async (path) => {
      try {
        const bytes = await readFile(path);
        return { sha256: sha256(bytes), bytes: bytes.length };
      } catch {
        return null;
      }
    },
    clock: systemClock,
  };
}
