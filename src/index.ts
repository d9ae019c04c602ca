// The public library surface. Everything not exported here is internal.
export { RenderRecipesError, EXIT, type ErrorCode, type ExitCode } from './errors.js';
export { VERSION } from './version.js';
export {
  generateSampleCircuit,
  type SampleCircuitOptions,
  type SampleCircuitSummary,
} from './server/sample/generate.js';
export {
  connect,
  probe,
  fullScreenView,
  directionView,
  resolveCamera,
  resolveLights,
  type ConnectOptions,
  type ProbeReport,
  type BraynsClient,
  type BraynsEvent,
  type Revision,
  type SnapshotRequest,
} from './brayns/index.js';
export {
  startServer,
  type ServeOptions,
  type RunningServer,
  type ApiVersion,
  type LatencySimulation,
} from './server/serve.js';
