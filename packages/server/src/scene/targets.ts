import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlueConfig } from './blueconfig.js';
import { circuitError, fsErrorCode } from './circuit-error.js';

/**
 * Target files (start.target, user.target): `Target Cell|Section|Compartment <name> { members }`
 * where a member is a cell `a<gid>` or the name of another target. Names resolve recursively; a
 * reference cycle contributes each target once instead of looping.
 */

interface TargetDefinition {
  type: string;
  gids: number[];
  references: string[];
  file: string;
}

export class TargetRegistry {
  private readonly definitions = new Map<string, TargetDefinition>();
  /** Target files that could not be read, named in unknown-target errors. */
  readonly skipped: string[] = [];

  /** Adds every target of a file; a name already defined by an earlier file keeps that definition. */
  addFile(text: string, file: string): void {
    const withoutComments = text.replace(/#[^\n]*/g, '');
    const block = /\bTarget\s+(\S+)\s+([^\s{}]+)\s*\{([^{}]*)\}/g;
    for (const match of withoutComments.matchAll(block)) {
      const name = match[2] ?? '';
      if (this.definitions.has(name)) continue;
      const definition: TargetDefinition = { type: match[1] ?? '', gids: [], references: [], file };
      for (const token of (match[3] ?? '').split(/\s+/)) {
        if (token === '') continue;
        const cell = /^a(\d+)$/.exec(token);
        if (cell) definition.gids.push(Number(cell[1]));
        else if (!/^[-+.\d]/.test(token)) definition.references.push(token);
        // Numbers are compartment offsets/fractions in Section/Compartment targets: not cells.
      }
      this.definitions.set(name, definition);
    }
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  names(): string[] {
    return [...this.definitions.keys()];
  }

  /** All cell GIDs of a target (ascending, unique). Unknown or empty targets are an error. */
  resolve(name: string): number[] {
    const found = new Set<number>();
    this.collect(name, found, new Set(), null);
    if (found.size === 0) throw circuitError(`Invalid or empty target: '${name}'${this.skippedNote()}`);
    return [...found].sort((a, b) => a - b);
  }

  private skippedNote(): string {
    return this.skipped.length === 0 ? '' : `; ${this.skipped.join('; ')}`;
  }

  private collect(name: string, found: Set<number>, visited: Set<string>, referrer: TargetDefinition | null): void {
    if (visited.has(name)) return;
    visited.add(name);
    const definition = this.definitions.get(name);
    if (!definition) {
      // Section/Compartment targets also list section names (soma, dend...): only Cell targets must resolve.
      if (referrer && referrer.type !== 'Cell') return;
      const where = referrer ? ` (referenced from ${referrer.file})` : '';
      throw circuitError(`Invalid or empty target: '${name}'${where}${this.skippedNote()}`);
    }
    for (const gid of definition.gids) found.add(gid);
    for (const reference of definition.references) this.collect(reference, found, visited, definition);
  }
}

/** The target files of a circuit in Brion's order (see loadTargets); shared with preflight's `targetNames`. */
export async function targetSources(config: BlueConfig): Promise<string[]> {
  const files: string[] = [];
  for (const source of [config.nrnPath, config.circuitPath]) {
    if (source === null) continue;
    const candidate = join(source, 'start.target');
    if (await isFile(candidate)) {
      files.push(candidate);
      break;
    }
  }
  if (config.targetFile !== null) files.push(config.targetFile);
  return files;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The target files Brion reads (`BlueConfig::getTargetSources`): `<nrnPath>/start.target` if it
 * exists, otherwise `<CircuitPath>/start.target` if that exists (one of the two, never both), then
 * the config's TargetFile. A file that cannot be read is skipped, as Brion's target parser does with
 * a warning: the other files' targets still resolve, and a target that is then unknown names the
 * skipped file in its error.
 */
export async function loadTargets(config: BlueConfig): Promise<TargetRegistry> {
  const registry = new TargetRegistry();
  const files = await targetSources(config);
  for (const path of files) {
    try {
      registry.addFile(await readFile(path, 'utf8'), path);
    } catch (error) {
      const named = path === config.targetFile ? `TargetFile of ${config.path}` : `start.target of ${config.path}`;
      registry.skipped.push(`target file ${path} (${named}) could not be read: ${fsErrorCode(error) ?? String(error)}`);
    }
  }
  return registry;
}
