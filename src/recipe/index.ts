// The recipe stage: load, check and explain recipe files. Import from here, not from the modules.
export { loadRecipes, MAX_TASKS, type LoadOptions, type LoadResult } from './load.js';
export { formatDiagnostics, summarizeDiagnostics, type FormatOptions } from './format-diagnostics.js';
export { hasErrors, jsonPath, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.js';
export { MAX_RECIPE_BYTES, MAX_ALIAS_COUNT } from './source.js';
export { RECIPE_FORMAT_VERSION } from './resolve.js';
export { RECIPE_SCHEMA_PATH } from './schema.js';
export { MS_PER_FRAME } from './frames.js';
export type { Recipe } from './types.js';
export type { RawRecipe } from './recipe-types.generated.js';
// What the later stages build on: diagnostics at recipe positions, matrices, templates, frames, colours.
export { dedupeDiagnostics, sortDiagnostics, type Problem } from './diagnostics.js';
export { problemAt } from './resolve.js';
export { applyAxes, toMatrixPath } from './load.js';
export { displayValue, itemIndices, ItemIds, placeholderValue } from './matrix.js';
export { bindTemplate, parseTemplate, renderTemplate, type TemplatePart } from './template.js';
export { DEFAULT_OUTPUT_PATH, imageFormat } from './checks.js';
export { expandFrames, frameTime } from './frames.js';
export { normalizeColormap, toRgba } from './colors.js';
export { closest } from './suggest.js';
export type { ImageFormat, MovieCodec } from './types.js';
export type { RawCamera, RawCircuit, RawContactSheet, RawLight, RawOverlay, RawRenderer, RawView } from './recipe-types.generated.js';
