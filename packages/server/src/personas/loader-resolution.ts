import { internalError, invalidParams } from '../protocol/errors.js';
import type { Loader } from './types.js';

/**
 * R1/R2 (`AddModelEntrypoint`): the path must be supported by *some* loader before the name is
 * looked up; an unknown name is then an internal error.
 */
export function resolveByPathThenName(path: string, name: string, loaders: readonly Loader[]): Loader {
  if (path === '') throw invalidParams('Missing model path');
  if (!loaders.some((l) => l.supports(path))) throw invalidParams(`Unsupported file type: '${path}'`);
  const loader = loaders.find((l) => l.name === name);
  if (!loader) throw internalError(`No loader found with name '${name}'`);
  return loader;
}

/** R3 (`LoaderHelper`): with a loader name only the name matters. */
export function resolveByName(path: string, name: string, loaders: readonly Loader[]): Loader {
  const loader = loaders.find((l) => l.name === name);
  if (!loader) throw invalidParams(`Invalid loader name: '${name}'`);
  if (path === '') throw invalidParams('Missing model path');
  return loader;
}
