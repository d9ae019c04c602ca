// The Brayns client's public surface.
export { connect, type ConnectOptions } from './connect.js';
export { fullScreenView, directionView, resolveCamera, resolveLights, type FramedView, type FramingCamera } from './framing.js';
export { probe, type ProbeReport, type ProbeOptions } from './probe.js';
export { revisionOf } from './revision.js';
export { toWebSocketUrl } from './uri.js';
export type { BraynsEvent, BraynsEventCode, BraynsEventSink } from './events.js';
export type * from './types.js';
export { checkLoads, describeLoadProblem, type LoadProblem } from './load-check.js';
