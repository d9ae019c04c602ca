import type { CircuitSpec } from '../../plan/index.js';
import type { SnapshotRequest } from '../types.js';
import type { Adapter, Call } from './adapter.js';
import { assertFileExtension, bbpLoadCall, snapshotParams } from './common.js';
import { r2, selection } from './r2.js';
import { sonataLoadCall } from './sonata.js';

/**
 * R3: Brayns 3.3.0 and later 3.x. The R2 wire format, plus: read-only fields in input are rejected
 * (so only writable keys are ever sent), sphere-per-soma mode is every section off (since 3.8.1),
 * the SONATA loader, and snapshot near clip / image region keys.
 */
export const r3: Adapter = {
  ...r2,
  revision: 'R3',
  asyncMethods: new Set(['add-model', 'snapshot', 'upload-model', 'export-gbuffers']),

  loadCircuit(circuit: CircuitSpec): Call {
    if (circuit.loader === 'sonata') return sonataLoadCall(circuit);
    return bbpLoadCall(circuit, selection(circuit), false);
  },

  snapshot(request: SnapshotRequest): Call {
    assertFileExtension(request);
    // Near clip and region are sent only when asked for: the server's own values apply otherwise.
    return {
      method: 'snapshot',
      params: {
        ...snapshotParams(request, request.filePath),
        ...(request.nearClip !== undefined ? { camera_near_clip: request.nearClip } : {}),
        ...(request.region !== undefined ? { image_start: [...request.region.start], image_end: [...request.region.end] } : {}),
      },
    };
  },
};
