import { posix } from 'node:path';

/**
 * Below the stages (shared by plan and output, so output need not load the planner for it).
 * What makes a relative output path name one file inside the output directory. The plan checks
 * every path when it fills in the placeholders (a recipe error at `output.path`); the output stage
 * checks again before it writes (src/output/safe-path.ts), also against symlinks on the disk.
 */

/** A `.` or `..` segment, or an empty one: only then does posix.normalize change a path. */
const NOT_NORMAL = /(^|\/)\.\.?(\/|$)|\/\//;
const CLIMBS = /(^|\/)\.\.(\/|$)/;

/** Why a relative output path would not name a file inside the output directory; undefined when it does. */
export function outputPathEscape(relativePath: string): string | undefined {
  if (relativePath === '') return 'it is empty';
  if (relativePath.includes('\0')) return 'it contains a NUL character';
  if (relativePath.startsWith('/')) return 'it is absolute';
  if (/^[A-Za-z]:/.test(relativePath)) return 'it starts with a drive letter';
  if (relativePath.includes('\\')) return 'it contains a backslash (use `/` between folders)';
  if (CLIMBS.test(relativePath)) return 'it climbs out with `..`';
  const normal = normalOutputPath(relativePath);
  if (normal === '.' || normal.endsWith('/')) return 'it names a folder, not a file';
  return undefined;
}

/** The normal form of a relative output path (`./a//b.png` -> `a/b.png`), so one file has one name. */
export function normalOutputPath(relativePath: string): string {
  // Most paths are normal already: checked by a regular expression, 100,000 of them cost little.
  return relativePath !== '' && !NOT_NORMAL.test(relativePath) ? relativePath : posix.normalize(relativePath);
}
