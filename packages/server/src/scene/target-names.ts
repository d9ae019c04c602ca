import { readFile } from 'node:fs/promises';
import type { BlueConfig } from './blueconfig.js';
import { fsErrorCode } from './circuit-error.js';
import { targetSources } from './targets.js';

/**
 * The names of every target a BBP load can name, without reading the members: what preflight
 * checks recipe targets against on target files of thousands of targets and millions of cells.
 * The files are Brion's (`BlueConfig::getTargetSources`), as `loadTargets` reads them:
 * `<nrnPath>/start.target` if it exists, else `<CircuitPath>/start.target`, then the TargetFile;
 * a file that cannot be read is listed in `skipped`.
 */
export async function targetNames(config: BlueConfig): Promise<{ names: Set<string>; files: string[]; skipped: string[] }> {
  const files = await targetSources(config);
  const names = new Set<string>();
  const skipped: string[] = [];
  for (const path of files) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      skipped.push(`${path} (${fsErrorCode(error) ?? String(error)})`);
      continue;
    }
    for (const name of namesInText(text)) names.add(name);
  }
  return { names, files, skipped };
}

/** `Target <type> <name> {`: the same header `TargetRegistry.addFile` matches, members skipped. */
export function namesInText(text: string): string[] {
  const names: string[] = [];
  const header = /\bTarget\s+(\S+)\s+([^\s{}]+)\s*\{/g;
  let depthEnd = 0;
  for (let match = header.exec(text); match !== null; match = header.exec(text)) {
    if (match.index < depthEnd) continue;
    // Comments can hide a header: only count it when the line does not start a `#` comment before it.
    const lineStart = text.lastIndexOf('\n', match.index) + 1;
    if (text.slice(lineStart, match.index).includes('#')) continue;
    names.push(match[2] ?? '');
    const close = text.indexOf('}', header.lastIndex);
    depthEnd = close < 0 ? text.length : close;
    header.lastIndex = depthEnd;
  }
  return names;
}
