import { open, stat } from 'node:fs/promises';
import type * as H5 from 'h5wasm/node';
import type { RenderRecipesError } from '@render-recipes/protocol';
import { loadH5wasm, loadedH5wasm } from '../hdf5.js';

export type H5File = H5.File;

/** Builds the caller's error (which names the file) from a detail sentence. */
export type H5ErrorFactory = (detail: string, cause?: unknown) => RenderRecipesError;

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Opens an HDF5 file read-only through h5wasm. h5wasm neither throws on a missing or foreign
 * file nor stays quiet about it (it prints HDF5's diagnostic stack to stderr), so the file and its
 * signature are checked here first and HDF5 errors are turned into exceptions.
 */
export async function openH5(path: string, fail: H5ErrorFactory): Promise<H5File> {
  const h5wasm = (await loadH5wasm()).default;
  const module = await h5wasm.ready;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw fail('it is not a file');
    size = info.size;
  } catch (error) {
    if (isErrnoException(error)) throw fail(error.code === 'ENOENT' ? 'no such file' : error.message, error);
    throw error;
  }
  if (!(await hasSignature(path, size))) throw fail('not an HDF5 file (no HDF5 signature)');
  // Process-wide in h5wasm: HDF5 errors become exceptions instead of stderr output.
  module.activate_throwing_error_handler();
  try {
    return new h5wasm.File(path, 'r');
  } catch (error) {
    throw fail(`HDF5 cannot open it: ${firstLine(error)}`, error);
  }
}

/** A numeric dataset as numbers (int64 converted), or null when `name` is not a dataset. */
export function readNumbers(file: H5File, name: string): { shape: number[]; values: ArrayLike<number> } | null {
  let entity: ReturnType<H5File['get']>;
  try {
    entity = file.get(name);
  } catch {
    return null;
  }
  if (!(entity instanceof loadedH5wasm().Dataset)) return null;
  const value = entity.value;
  const shape = entity.shape ?? [];
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    return { shape, values: Float64Array.from(value, (v) => Number(v)) };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { shape, values: value };
  if (typeof value === 'number') return { shape, values: [value] };
  return null;
}

async function hasSignature(path: string, size: number): Promise<boolean> {
  // The superblock sits at 0, 512, 1024, 2048… (a user block may precede it).
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(buffer, 0, SIGNATURE.length, offset);
      if (buffer.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim());
  return lines.find((l) => l.startsWith('minor:'))?.slice(6).trim() ?? lines[0] ?? 'unknown error';
}
