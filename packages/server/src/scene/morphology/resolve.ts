import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { RenderRecipesError } from '@render-recipes/protocol';
import { MORPHOLOGY_EXTENSIONS, morphologyFormat } from './read.js';

/**
 * Where a circuit's morphology name lives: `<dir>/<name>.<type>`, with the type from the circuit
 * or, when it gives none, the first of asc/swc/h5 that exists. Brion (R1 era) looks in
 * `<dir>/ascii/` when no type is given, so that folder is searched too. Absolute names and names
 * that already carry an extension are used as given.
 */
export class MorphologyResolver {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly type: string | null,
  ) {}

  resolve(name: string): Promise<string> {
    let found = this.cache.get(name);
    if (found === undefined) {
      found = this.find(name);
      this.cache.set(name, found);
    }
    return found;
  }

  private async find(name: string): Promise<string> {
    const candidates = this.candidates(name);
    for (const candidate of candidates) {
      if (await isFile(candidate)) return candidate;
    }
    throw new RenderRecipesError(
      'CIRCUIT_INVALID',
      `Cannot find morphology '${name}': none of ${candidates.join(', ')} exists`,
      { hint: 'check the circuit MorphologyPath / MorphologyType (SONATA: morphologies_dir / alternate_morphologies)' },
    );
  }

  private candidates(name: string): string[] {
    const bases = isAbsolute(name) ? [name] : [join(this.dir, name), join(this.dir, 'ascii', name)];
    const out: string[] = [];
    for (const base of bases) {
      if (morphologyFormat(base) !== null) out.push(base);
      const types = this.type !== null ? [this.type] : MORPHOLOGY_EXTENSIONS;
      for (const type of types) out.push(`${base}.${type}`);
    }
    return out;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
