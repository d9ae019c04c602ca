import { stat } from 'node:fs/promises';
import { circuitError } from '../circuit-error.js';
import type { SonataPopulation } from './config.js';

/**
 * Where a population's morphologies are, in Brayns 3.x order: `morphologies_dir` (SWC) when it is
 * a directory, else `alternate_morphologies.neurolucida-asc` (ASC), else `h5v1` (H5).
 */
export async function sonataMorphologyDir(population: SonataPopulation, configPath: string): Promise<{ dir: string; type: string }> {
  const candidates: [string | undefined | null, string][] = [
    [population.morphologiesDir, 'swc'],
    [population.alternateMorphologies['neurolucida-asc'], 'asc'],
    [population.alternateMorphologies.h5v1, 'h5'],
  ];
  for (const [dir, type] of candidates) {
    if (dir && (await isDirectory(dir))) return { dir, type };
  }
  const tried = candidates.flatMap(([dir]) => (dir ? [dir] : []));
  throw circuitError(
    `SonataConfig: Morphology path not available for population ${population.name} in ${configPath}` +
      (tried.length > 0 ? ` (no such directory: ${tried.join(', ')})` : ' (no morphologies_dir or alternate_morphologies is set)'),
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
