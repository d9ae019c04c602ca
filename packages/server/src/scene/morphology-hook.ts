import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlueConfig } from './blueconfig.js';
import { circuitError } from './circuit-error.js';
import type { MorphologyBuildOptions, MorphologyGeometry, PlacedCell } from './types.js';

type BuildMorphologyGeometry = (cells: PlacedCell[], options: MorphologyBuildOptions) => Promise<MorphologyGeometry>;

/**
 * The morphology builder lives in ./morphology/ (its own module, written separately); it is loaded
 * on first use so sphere-mode loads never pay for it.
 */
async function morphologyBuilder(): Promise<BuildMorphologyGeometry> {
  const specifier = './morphology/index.js';
  let module: { buildMorphologyGeometry?: BuildMorphologyGeometry };
  try {
    module = (await import(specifier)) as typeof module;
  } catch (error) {
    throw circuitError('Morphology loading is not available', error);
  }
  if (typeof module.buildMorphologyGeometry !== 'function') throw circuitError('Morphology loading is not available');
  return module.buildMorphologyGeometry;
}

/** The directory morphology files are read from: MorphologyPath, or its `ascii/` child when no type is given (Brion). */
async function morphologyDirectory(config: BlueConfig): Promise<string> {
  if (config.morphologyPath === null) {
    throw circuitError(`MorphologyPath is not set in the Run section of ${config.path}; it is needed to load morphologies (or load spheres only)`);
  }
  if (config.morphologyType === null) {
    const ascii = join(config.morphologyPath, 'ascii');
    try {
      if ((await stat(ascii)).isDirectory()) return ascii;
    } catch {
      // no ascii/ child: the files are directly in MorphologyPath
    }
  }
  return config.morphologyPath;
}

export async function buildMorphologies(
  config: BlueConfig,
  cells: PlacedCell[],
  options: Omit<MorphologyBuildOptions, 'morphologyDir' | 'morphologyType'>,
): Promise<MorphologyGeometry> {
  // Config problems first: they are the user's to fix whether or not the builder is present.
  const morphologyDir = await morphologyDirectory(config);
  const build = await morphologyBuilder();
  return build(cells, { ...options, morphologyDir, morphologyType: config.morphologyType });
}
