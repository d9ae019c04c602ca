import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm, { Dataset, Group } from 'h5wasm/node';
import { afterAll, afterEach } from 'vitest';
import type { BbpLoadRequest, LoadContext } from '../../src/scene/types.js';

const testDirs: string[] = [];
const suiteDirs: string[] = [];

/** A fresh temp dir, removed after the current test. */
export async function tempDir(prefix = 'rr-scene-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  testDirs.push(dir);
  return dir;
}

/** A fresh temp dir for a whole file (made in beforeAll), removed after its last test. */
export async function suiteDir(prefix = 'rr-scene-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  suiteDirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(testDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

afterAll(async () => {
  await Promise.all(suiteDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

export function request(path: string, overrides: Partial<BbpLoadRequest> = {}): BbpLoadRequest {
  return {
    revision: 'R3',
    path,
    percentage: 1,
    gids: null,
    targets: null,
    report: { type: 'none' },
    radiusMultiplier: 5,
    sphereMode: true,
    sections: { soma: false, axon: false, dendrites: false },
    ...overrides,
  };
}

export interface RecordedContext extends LoadContext {
  progress: { operation: string; amount: number }[];
}

export function context(signal: AbortSignal = new AbortController().signal): RecordedContext {
  const progress: { operation: string; amount: number }[] = [];
  return { signal, progress, onProgress: (operation, amount) => progress.push({ operation, amount }) };
}

/** Every dataset and attribute of an HDF5 file as plain data, to compare files by content. */
export async function hdf5Content(path: string): Promise<Record<string, unknown>> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'r');
  const out: Record<string, unknown> = {};
  const visit = (group: Group, prefix: string): void => {
    for (const [name, attribute] of Object.entries(group.attrs)) out[`${prefix}@${name}`] = attribute.json_value;
    for (const key of group.keys()) {
      const entity = group.get(key);
      const path = `${prefix}/${key}`;
      if (entity instanceof Group) visit(entity, path);
      else if (entity instanceof Dataset) out[path] = { dtype: entity.dtype, shape: entity.shape, value: entity.json_value };
    }
  };
  try {
    visit(file, '');
  } finally {
    file.close();
  }
  return out;
}
