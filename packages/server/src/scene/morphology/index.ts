import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { RenderRecipesError } from '@render-recipes/protocol';
import type { MorphologyBuildOptions, MorphologyGeometry, PlacedCell } from '../types.js';
import { GeometryWriter } from './instance.js';
import { readMorphology } from './read.js';
import { MorphologyResolver } from './resolve.js';
import { buildTemplate, type MorphologyTemplate } from './template.js';

export { readMorphology } from './read.js';
export type { Morphology, MorphologySection, NeuriteType, SomaKind } from './model.js';

/** Cells placed between two cancellation checks / progress reports. */
const CHUNK = 256;

/**
 * Morphology mode geometry for a set of placed cells: each distinct morphology file is read and
 * turned into spheres/cones once, then instanced at every cell using it (rotated by the cell
 * quaternion, moved to its position). Every primitive carries its cell's index, so a cell keeps
 * one colour. Progress goes from 0 to 1: the first half while reading files, the rest placing.
 */
export async function buildMorphologyGeometry(
  cells: PlacedCell[],
  options: MorphologyBuildOptions,
): Promise<MorphologyGeometry> {
  const { signal, onProgress } = options;
  const resolver = new MorphologyResolver(options.morphologyDir, options.morphologyType);
  const paths = await Promise.all(cells.map((cell) => resolver.resolve(cell.morphology)));
  checkCancelled(signal);

  const templates = new Map<string, MorphologyTemplate>();
  const distinct = [...new Set(paths)];
  for (let i = 0; i < distinct.length; i++) {
    const path = distinct[i] as string;
    const morphology = await readMorphology(path);
    templates.set(path, buildTemplate(morphology, options));
    checkCancelled(signal);
    onProgress((0.5 * (i + 1)) / distinct.length);
  }

  let sphereCount = 0;
  let coneCount = 0;
  for (const path of paths) {
    const template = templates.get(path) as MorphologyTemplate;
    sphereCount += template.spheres.length / 4;
    coneCount += template.coneRadii.length / 2;
  }
  const writer = new GeometryWriter(sphereCount, coneCount);
  for (let i = 0; i < cells.length; i++) {
    writer.add(templates.get(paths[i] as string) as MorphologyTemplate, cells[i] as PlacedCell);
    if ((i + 1) % CHUNK === 0) {
      // Let cancel requests and other clients' messages through on long loads.
      await yieldToEventLoop();
      checkCancelled(signal);
      onProgress(0.5 + (0.5 * (i + 1)) / cells.length);
    }
  }
  onProgress(1);
  return { spheres: writer.spheres, cones: writer.cones };
}

function checkCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new RenderRecipesError('CANCELLED', 'Morphology loading was cancelled');
}
