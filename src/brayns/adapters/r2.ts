import { RenderRecipesError } from '../../errors.js';
import type { CircuitSpec } from '../../plan/index.js';
import type { BraynsEventSink } from '../events.js';
import type { LoaderInfo, SnapshotRequest } from '../types.js';
import type { Adapter, Call } from './adapter.js';
import {
  bbpLoadCall,
  assertFileExtension,
  bounds,
  cameraParams,
  lightCall,
  modelInfo,
  nonEmpty,
  protocolError,
  rendererParams,
  sections,
  simulation,
  snapshotParams,
  unsupported,
  viewParams,
} from './common.js';

/**
 * R2: Brayns 3.0.0 to 3.2.x. Replies with attachments come as binary frames, the camera view
 * methods are get/set-camera-view, loader info is snake_case, models carry `model_type` and `info`.
 */
export const r2: Adapter = {
  revision: 'R2',
  binaryReplies: true,
  asyncMethods: new Set(['add-model', 'snapshot', 'upload-model']),
  requiredMethods: [
    'get-version', 'registry', 'get-loaders', 'add-model', 'get-scene', 'get-model', 'remove-model', 'clear-models',
    'clear-lights', 'add-light-ambient', 'add-light-directional', 'get-simulation-parameters', 'set-simulation-parameters',
    'get-camera-view', 'set-camera-view', 'set-camera-perspective', 'set-camera-orthographic',
    'set-renderer-interactive', 'set-renderer-production', 'snapshot', 'cancel', 'quit',
  ],

  loadCircuit(circuit: CircuitSpec, onEvent: BraynsEventSink): Call {
    if (circuit.loader === 'sonata') {
      throw unsupported('R2 (Brayns 3.0-3.2)', 'the SONATA loader through render-recipes', 'use a Brayns 3.3+ server, or a BlueConfig with loader: bbp');
    }
    const m = sections(circuit);
    if (m && m.soma && !m.axon && !m.dendrites) {
      onEvent({ code: 'brayns.loader.adjusted', level: 'warn', message: 'R2 servers draw soma-only morphologies as one sphere per soma (radius = radius_multiplier)', data: { path: circuit.path } });
    }
    return bbpLoadCall(circuit, selection(circuit), true);
  },

  model(raw) {
    const m = raw as { info?: { metadata?: unknown }; model_type?: unknown } | null;
    return modelInfo(raw, m?.info?.metadata, m?.model_type);
  },

  scene(raw) {
    const s = raw as { bounds?: unknown; models?: unknown } | null;
    if (!Array.isArray(s?.models)) throw protocolError('a scene {bounds, models}', raw);
    return { bounds: bounds(s.bounds), models: s.models.map((m) => this.model(m)) };
  },

  loaders(raw): LoaderInfo[] {
    if (!Array.isArray(raw)) throw protocolError('a list of loaders', raw);
    return raw.map((l: { name?: unknown; extensions?: unknown; input_parameters_schema?: unknown; plugin?: unknown }) => ({
      name: String(l.name),
      extensions: Array.isArray(l.extensions) ? l.extensions.map(String) : [],
      schema: l.input_parameters_schema,
      ...(typeof l.plugin === 'string' ? { plugin: l.plugin } : {}),
    }));
  },

  snapshot(request: SnapshotRequest): Call {
    if (request.nearClip !== undefined || request.region !== undefined) {
      throw unsupported('R2 (Brayns 3.0-3.2)', 'a snapshot near clip or image region', 'use a Brayns 3.3+ server');
    }
    assertFileExtension(request);
    return { method: 'snapshot', params: snapshotParams(request, request.filePath) };
  },

  snapshotImage: colorBuffer,
  addLight: lightCall,
  getView: () => ({ method: 'get-camera-view' }),
  setView: (view) => ({ method: 'set-camera-view', params: viewParams(view) }),
  setCamera: (camera) => ({ method: `set-camera-${camera.type}`, params: cameraParams(camera) }),
  setRenderer: (renderer) => ({ method: `set-renderer-${renderer.type}`, params: rendererParams(renderer) }),
  setSimulationFrame: (frame) => ({ method: 'set-simulation-parameters', params: { current: frame } }),
  simulation,
};

/** R2/R3 ignore `percentage` when gids are given and reject empty lists, so neither is sent then. */
export function selection(circuit: CircuitSpec): Record<string, unknown> {
  const gids = nonEmpty(circuit.gids);
  const targets = nonEmpty(circuit.targets);
  return { ...(gids ? { gids } : { percentage: circuit.density }), ...(targets ? { targets } : {}) };
}

/** R2/R3 snapshot replies: `color_buffer` locates the image inside the binary attachment. */
export function colorBuffer(result: unknown, attachment: Buffer | undefined, request: SnapshotRequest): Buffer | null {
  const buffer = (result as { color_buffer?: { offset?: unknown; size?: unknown } } | null)?.color_buffer;
  const offset = buffer?.offset;
  const size = buffer?.size;
  if (typeof offset !== 'number' || typeof size !== 'number') throw protocolError('a snapshot result {color_buffer: {offset, size}}', result);
  if (request.filePath !== undefined) return null;
  if (attachment === undefined || offset + size > attachment.length || size === 0) {
    throw new RenderRecipesError(
      'PROTOCOL',
      `the snapshot reply locates the image at bytes ${offset}..${offset + size} but the attachment has ${attachment?.length ?? 0} bytes`,
    );
  }
  // A view into the received frame: no copy of the image.
  return attachment.subarray(offset, offset + size);
}
