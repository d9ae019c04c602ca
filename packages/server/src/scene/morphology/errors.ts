import { RenderRecipesError } from '@render-recipes/protocol';

/**
 * Every morphology problem names the file and what was wrong with it, e.g.
 * `Cannot read morphology /x/y.swc: line 12: expected 7 columns, found 5`.
 */
export function morphologyError(path: string, detail: string, cause?: unknown): RenderRecipesError {
  return new RenderRecipesError('CIRCUIT_INVALID', `Cannot read morphology ${path}: ${detail}`, {
    cause,
    hint: 'check the file, or the circuit MorphologyPath / morphologies_dir it was resolved from',
  });
}
