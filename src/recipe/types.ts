import type { Axis } from './matrix.js';
import type { RawRecipe } from './recipe-types.generated.js';
import type { SourceFile } from './source.js';

/**
 * A recipe that loaded and passed every check: its `extends` chain merged, relative circuit paths
 * made absolute. `compilePlan` turns it into plan scenes and tasks.
 */
export interface Recipe {
  name: string;
  /** The recipe file as shown to the user (relative to the working directory when inside it). */
  file: string;
  abs: string;
  /** Content id of the merged recipe (16 hex digits of sha256 over its canonical JSON). */
  hash: string;
  raw: RawRecipe;
  /** The matrix, in the order its keys are written ([] without a matrix). */
  axes: Axis[];
  /** The recipe file and its bases, most derived first: positions for problems found while compiling. */
  layers: SourceFile[];
}

/** Image formats a recipe can ask for (Brayns always renders PNG; the others are transcoded). */
export type ImageFormat = 'png' | 'jpg' | 'webp' | 'tiff';

export type MovieCodec = 'h264' | 'h265' | 'vp9';
