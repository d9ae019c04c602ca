// @render-recipes/protocol: what the render-recipes client and the built-in Brayns-compatible
// server share: geometry and protocol types, the error type, and the vendored Brayns schemas.
export type { Vec3, Rgb, Rgba, Revision, BraynsVersion, Bounds, View, ResolvedLight, RendererSpec, SnapshotCamera } from './types.js';
export {
  RenderRecipesError,
  isRenderRecipesError,
  EXIT,
  type ErrorCode,
  type ExitCode,
  type RenderRecipesErrorOptions,
} from './errors.js';
export {
  API_VERSIONS,
  isApiVersion,
  loadMethodSchemas,
  loadLoaderInfo,
  loadEnvelopeSchema,
  BRAYNS_SCHEMA_DIR,
  SPIKE_COLORMAP_PATH,
  type ApiVersion,
  type MethodSchema,
} from './schemas.js';
export {
  braynsDefaultRamp,
  namedRampColors,
  sampleRamp,
  spikeTableIndex,
  RAMP_NAMES,
  RAMP_TABLE_SIZE,
  type ColorRamp,
  type RampName,
} from './color-ramp.js';
export {
  isPng,
  checkPng,
  pngChunk,
  itxtChunk,
  textChunk,
  withChunksAfterHeader,
  withTextChunk,
  readTextChunks,
  type PngChunk,
  type PngCheck,
} from './png-chunks.js';
export { formatReadyLine, parseReadyLine } from './ready-line.js';
