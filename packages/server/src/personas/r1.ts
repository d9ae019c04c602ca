import { bbpLoader, type BbpRules } from '../loaders/bbp.js';
import { internalError } from '../protocol/errors.js';
import { loadLoaderInfo } from '@render-recipes/protocol';
import { nextUp } from '../state/simulation.js';
import { interactiveDefaults, productionDefaultsV1, REVISION } from './defaults.js';
import { r1Entrypoints } from './entrypoint-sets.js';
import { resolveByPathThenName } from './loader-resolution.js';
import { addLightV1, emptyBoundsV1, modelJsonV1 } from './model-json.js';
import { base64Snapshots } from './snapshot-delivery.js';
import type { Persona } from './types.js';
import { v2Validation } from './validation-messages.js';

/** R1: Brayns 2.0.0 at commit 938284d1f, the API of the seed's Python snippet. */

async function bbpRules(): Promise<BbpRules> {
  const info = await loadLoaderInfo('2.0.0', 'bbp-loader.json');
  return {
    revision: 'R1',
    info,
    schema: info['inputParametersSchema'] as Record<string, unknown>,
    invalidProperties: (errors) => internalError(`Could not parse BBP loader parameters: ${errors.join(', ')}`),
    // R1 reads an empty list as "not given".
    list: (values) => (values && values.length > 0 ? values : null),
    morphology: (filled) => {
      const m = filled.neuron_morphology_parameters ?? {};
      return {
        sections: { soma: m.load_soma ?? true, axon: m.load_axon ?? false, dendrites: m.load_dendrites ?? true },
        radiusMultiplier: m.radius_multiplier ?? 1,
      };
    },
    sphereMode: (s) => {
      if (!s.soma && !s.axon && !s.dendrites) throw internalError('All neuron sections cannot be disabled');
      return s.soma && !s.axon && !s.dendrites;
    },
    metadata: (circuit) => ({ 'Neurons loaded count': String(circuit.gids.length), Targets: circuit.targets.join(',') }),
  };
}

export async function r1Persona(): Promise<Persona> {
  return {
    api: '2.0.0',
    revision: 'R1',
    version: { major: 2, minor: 0, patch: 0, revision: REVISION },
    wire: {
      healthz: false,
      binaryRequests: false,
      errorsForNotifications: true,
      emptyErrorData: 'null',
      parseError: (reason) => `Request is not a valid JSON: '${reason}'`,
      invalidEnvelope: 'Invalid request schema',
      unknownSchemaEndpoint: (endpoint) => `Method 'Unknown entrypoint '${endpoint}'' not found`,
      cancelNotFound: (client, id) => `No requests found with client ${client} and ID ${id}.`,
      cancelTwice: (id) => `Trying to cancel request '${id}' twice`,
    },
    validation: v2Validation,
    entrypoints: r1Entrypoints(),
    models: { toJson: modelJsonV1, emptySceneBounds: emptyBoundsV1, defaultColor: [1, 1, 1, 1], addLight: addLightV1 },
    simulation: {
      // FrameTimeCalculator@R1: from the model's start, clamped into its range.
      frameToTime: (frame, range) => Math.min(Math.max(range.startTime + frame * nextUp(range.dt), range.startTime), range.endTime),
    },
    loaders: { loaders: [bbpLoader(await bbpRules())], resolve: resolveByPathThenName },
    snapshot: base64Snapshots,
    engine: {
      interactiveDefaults,
      productionDefaults: productionDefaultsV1,
      missingParams: () => ({}),
      invalidParams: (_type, errors) => internalError(`Cannot parse json: ${errors.join(', ')}`),
    },
    application: { toJson: (app) => ({ jpeg_quality: app.jpegQuality, plugins: app.plugins, viewport: app.viewport }) },
  };
}
