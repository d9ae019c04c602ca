// @render-recipes/server: the built-in Brayns-compatible backend. A WebSocket JSON-RPC server that
// speaks Brayns 2.0.0, 3.0.0 or 3.10.1, loads BBP and SONATA circuits and renders them with a CPU
// ray tracer. render-recipes loads this package only when it starts a server.
export { startServer, type ServeOptions, type RunningServer, type LatencySimulation } from './serve.js';
export { configureRenderer, disposeRenderer } from './render/index.js';
export { configureImageEncoder, type ImageEncoder } from './render/encode.js';
export {
  generateSampleCircuit,
  DEFAULT_SAMPLE_CELLS,
  DEFAULT_SAMPLE_SEED,
  type SampleCircuitOptions,
  type SampleCircuitSummary,
} from './sample/generate.js';
export { API_VERSIONS, isApiVersion, type ApiVersion } from '@render-recipes/protocol';
