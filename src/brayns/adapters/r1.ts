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
 * R1: the June 2022 server (reports 2.0.0). Text-only replies with base64 snapshots, look-at camera
 * methods, camelCase loader info, the old model object, and a BBP loader that requires `percentage`
 * and `neuron_morphology_parameters` and applies the percentage even to explicit gids.
 */
export const r1: Adapter = {
  revision: 'R1',
  binaryReplies: false,
  asyncMethods: new Set(['add-model', 'snapshot', 'export-frames', 'request-model-upload']),
  requiredMethods: [
    'get-version', 'registry', 'get-loaders', 'add-model', 'get-scene', 'get-model', 'remove-model', 'clear-models',
    'clear-lights', 'add-light-ambient', 'add-light-directional', 'get-simulation-parameters', 'set-simulation-parameters',
    'get-camera-look-at', 'set-camera-look-at', 'set-camera-perspective', 'set-camera-orthographic',
    'set-renderer-interactive', 'set-renderer-production', 'snapshot', 'cancel', 'quit',
  ],

  loadCircuit(circuit: CircuitSpec, onEvent: BraynsEventSink): Call {
    if (circuit.loader === 'sonata') {
      throw unsupported('R1 (Brayns 2.x)', 'the SONATA loader', 'use a BlueConfig with loader: bbp, or a Brayns 3.3+ server');
    }
    const gids = nonEmpty(circuit.gids);
    // R1 sub-samples explicit gids too; render-recipes means "exactly these cells" as R2/R3 do.
    const percentage = gids ? 1 : circuit.density;
    if (gids && circuit.density < 1) {
      onEvent({ code: 'brayns.loader.adjusted', level: 'warn', message: `density ${circuit.density} is ignored with explicit gids (loading all ${gids.length} of them)`, data: { path: circuit.path } });
    }
    const m = sections(circuit);
    if (m && m.soma && !m.axon && !m.dendrites) {
      onEvent({ code: 'brayns.loader.adjusted', level: 'warn', message: 'R1 servers draw soma-only morphologies as one sphere per soma (radius = radius_multiplier)', data: { path: circuit.path } });
    }
    const targets = nonEmpty(circuit.targets);
    // Sphere-per-soma mode in R1/R2 is soma on, axon and dendrites off.
    return bbpLoadCall(circuit, { percentage, ...(targets ? { targets } : {}), ...(gids ? { gids } : {}) }, true);
  },

  model(raw) {
    return modelInfo(raw, (raw as { metadata?: unknown } | null)?.metadata, undefined);
  },

  scene(raw) {
    const s = raw as { bounds?: unknown; models?: unknown } | null;
    if (!Array.isArray(s?.models)) throw protocolError('a scene {bounds, models}', raw);
    return { bounds: bounds(s.bounds), models: s.models.map((m) => this.model(m)) };
  },

  loaders(raw): LoaderInfo[] {
    if (!Array.isArray(raw)) throw protocolError('a list of loaders', raw);
    return raw.map((l: { name?: unknown; extensions?: unknown; inputParametersSchema?: unknown }) => ({
      name: String(l.name),
      extensions: Array.isArray(l.extensions) ? l.extensions.map(String) : [],
      schema: l.inputParametersSchema,
    }));
  },

  snapshot(request: SnapshotRequest): Call {
    if (request.nearClip !== undefined || request.region !== undefined) {
      throw unsupported('R1 (Brayns 2.x)', 'a snapshot near clip or image region', 'use a Brayns 3.3+ server');
    }
    assertFileExtension(request);
    // R1 writes `<file_path>.<format>`: send the path without its extension to get exactly filePath.
    const filePath = request.filePath?.slice(0, -(request.format.length + 1));
    return { method: 'snapshot', params: snapshotParams(request, filePath) };
  },

  snapshotImage(result, _attachment, request) {
    const data = (result as { data?: unknown } | null)?.data;
    if (typeof data !== 'string') throw protocolError('a snapshot result {data}', result);
    if (request.filePath !== undefined) return null;
    if (data === '') {
      // R1 reports encoding failures only in its log and answers an empty image.
      throw new RenderRecipesError('RENDER_FAILED', 'the R1 server returned an empty snapshot (it failed to encode the image; see its log)');
    }
    return Buffer.from(data, 'base64');
  },

  addLight: lightCall,
  getView: () => ({ method: 'get-camera-look-at' }),
  setView: (view) => ({ method: 'set-camera-look-at', params: viewParams(view) }),
  setCamera: (camera) => ({ method: `set-camera-${camera.type}`, params: cameraParams(camera) }),
  setRenderer: (renderer) => ({ method: `set-renderer-${renderer.type}`, params: rendererParams(renderer) }),
  setSimulationFrame: (frame) => ({ method: 'set-simulation-parameters', params: { current: frame } }),
  simulation,
};
