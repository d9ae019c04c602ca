/** Cache key of a loader's properties validator (compiled at server startup). */
export const loaderValidatorKey = (name: string): string => `loader:${name}`;

/** Float-spelled paths of a nested params object, re-rooted at that object (ajv instance paths). */
export function childFloatPaths(paths: ReadonlySet<string>, key: string): Set<string> {
  const prefix = `/${key}`;
  const out = new Set<string>();
  for (const path of paths) {
    if (path === prefix || path.startsWith(`${prefix}/`)) out.add(path.slice(prefix.length));
  }
  return out;
}
