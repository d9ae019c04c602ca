import { open } from 'node:fs/promises';
import type * as H5 from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';
import { isRenderRecipesError } from '@render-recipes/protocol';
import { circuitError } from './circuit-error.js';

/**
 * Thin read-only access to HDF5 files through h5wasm. HDF5 itself prints diagnostics to stderr when
 * asked to open something that is not HDF5, so files are checked for the HDF5 signature first: the
 * library never prints.
 */

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The superblock may follow a user block of 0, 512, 1024, 2048... bytes. */
const SIGNATURE_OFFSETS = [0, 512, 1024, 2048, 4096, 8192];

export type Hdf5File = H5File;

/**
 * h5wasm (a 15 MB WebAssembly build of HDF5) is loaded on the first HDF5 file, not when a module
 * that uses it is: preflight of a text circuit (MVD2, out.dat) and every command that reads no HDF5
 * skip it, and a `serve` process that loads no HDF5 file does not hold its ~30 MB (the compiled
 * module and its heap). Every module that reads or writes HDF5 gets the library from here; the
 * others import only its types.
 */
let library: typeof H5 | undefined;
export async function loadH5wasm(): Promise<typeof H5> {
  if (!library) {
    const loaded = await import('h5wasm/node');
    await loaded.default.ready;
    library = loaded;
  }
  return library;
}

/** The loaded library, for synchronous code that runs once `loadH5wasm` resolved (e.g. inside `withHdf5File`'s callback). */
export function loadedH5wasm(): typeof H5 {
  if (!library) throw new Error('h5wasm used before an HDF5 file was opened');
  return library;
}

async function hasHdf5Signature(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SIGNATURE.length);
    for (const offset of SIGNATURE_OFFSETS) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead < buffer.length) return false;
      if (buffer.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}

/** Opens `path` read-only, runs `use` and always closes the file. `what` names the file kind in errors. */
export async function withHdf5File<T>(path: string, what: string, use: (file: H5File) => T | Promise<T>): Promise<T> {
  let isHdf5: boolean;
  try {
    isHdf5 = await hasHdf5Signature(path);
  } catch (error) {
    throw circuitError(`Cannot open ${what} '${path}': ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (!isHdf5) throw circuitError(`Cannot read ${what} '${path}': not an HDF5 file (no HDF5 signature found)`);
  const lib = await loadH5wasm();
  let file: H5File;
  try {
    // With h5wasm's throwing error handler on (the morphology reader turns it on for the whole
    // process), a damaged file that still carries the signature throws here.
    file = new lib.default.File(path, 'r');
  } catch (error) {
    throw circuitError(`Cannot read ${what} '${path}': ${error instanceof Error ? error.message : String(error)}`, error);
  }
  try {
    return await use(file);
  } catch (error) {
    if (isRenderRecipesError(error)) throw error;
    // A dataset of an unexpected type or shape: still the file's fault, and the file gets named.
    throw circuitError(`Cannot read ${what} '${path}': ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    file.close();
  }
}

export function getGroup(parent: Group, name: string): Group | null {
  const entity = parent.get(name);
  return entity instanceof loadedH5wasm().Group ? entity : null;
}

export function getDataset(parent: Group, name: string): Dataset | null {
  const entity = parent.get(name);
  return entity instanceof loadedH5wasm().Dataset ? entity : null;
}

/** Numbers of a numeric dataset, whatever its integer/float width (64-bit integers included). */
export function readNumbers(dataset: Dataset): Float64Array {
  const value = dataset.value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as ArrayLike<number | bigint>;
    const out = new Float64Array(array.length);
    for (let i = 0; i < array.length; i++) out[i] = Number(array[i]);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return Float64Array.of(Number(value));
  if (Array.isArray(value)) return Float64Array.from(value.flat(8) as unknown[], (v) => Number(v));
  throw new Error(`dataset ${dataset.path} is not numeric`);
}

/** Strings of a string dataset (fixed or variable length). */
export function readStrings(dataset: Dataset): string[] {
  const value = dataset.value;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new Error(`dataset ${dataset.path} is not a string dataset`);
}

export function isStringDataset(dataset: Dataset): boolean {
  return dataset.metadata.type === 3; // H5T_STRING
}
