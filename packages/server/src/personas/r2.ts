import { bbpLoader, type BbpRules } from '../loaders/bbp.js';
import { internalError } from '../protocol/errors.js';
import { loadLoaderInfo } from '@render-recipes/protocol';
import { nextUp } from '../state/simulation.js';
import { metadataV3, rejectEmptyList } from './bbp-common.js';
import { interactiveDefaults, productionDefaultsV3, REVISION } from './defaults.js';
import { r2Entrypoints } from './entrypoint-sets.js';
import { resolveByPathThenName } from './loader-resolution.js';
import { addLightV3, emptyBoundsV3, modelJsonV3 } from './model-json.js';
import { binarySnapshots } from './snapshot-delivery.js';
import type { Persona } from './types.js';
import { v2Validation } from './validation-messages.js';

/** R2: Brayns 3.0.0, the first release of the new wire protocol (binary frames, view methods). */

async function bbpRules(): Promise<BbpRules> {
  const info = await loadLoaderInfo('3.0.0', 'bbp-loader.json');
  return {
    revision: 'R2',
    info,
    schema: info['input_parameters_schema'] as Record<string, unknown>,
    invalidProperties: (errors) => internalError(`Cannot parse BBP loader parameters: ${errors.join(', ')}`),
    list: rejectEmptyList,
    morphology: (filled, sent) => {
      // An omitted neuron_morphology_parameters is zero-filled, not defaulted (BBPLoaderParameters@R2).
      const m = sent ? (filled.neuron_morphology_parameters ?? {}) : { radius_multiplier: 0, load_soma: false, load_axon: false, load_dendrites: false };
      return {
        sections: { soma: m.load_soma ?? true, axon: m.load_axon ?? false, dendrites: m.load_dendrites ?? false },
        radiusMultiplier: m.radius_multiplier ?? 1,
      };
    },
    sphereMode: (s) => {
      if (!s.soma && !s.axon && !s.dendrites) throw internalError('All neuron sections cannot be disabled');
      return s.soma && !s.axon && !s.dendrites;
    },
    metadata: metadataV3,
  };
}

export async function r2Persona(): Promise<Persona> {
  return {
    api: '3.0.0',
    revision: 'R2',
    version: { major: 3, minor: 0, patch: 0, revision: REVISION },
    wire: {
      healthz: false,
      binaryRequests: true,
      errorsForNotifications: true,
      emptyErrorData: 'null',
      parseError: (reason) => `Request is not a valid JSON: '${reason}'`,
      invalidEnvelope: 'Invalid request schema',
      unknownSchemaEndpoint: (endpoint) => `Method '${endpoint}' not found`,
      cancelNotFound: (client, id) => `No requests found with client ${client} and ID ${id}.`,
      cancelTwice: (id) => `Trying to cancel request '${id}' twice`,
    },
    validation: v2Validation,
    entrypoints: r2Entrypoints(),
    models: { toJson: modelJsonV3, emptySceneBounds: emptyBoundsV3, defaultColor: [1, 1, 0, 1], addLight: addLightV3 },
    simulation: { frameToTime: (frame, range) => frame * nextUp(nextUp(range.dt)) },
    loaders: { loaders: [bbpLoader(await bbpRules())], resolve: resolveByPathThenName },
    snapshot: binarySnapshots,
    engine: {
      interactiveDefaults,
      productionDefaults: productionDefaultsV3,
      missingParams: (type) => {
        throw internalError(`Cannot parse json: '${type}' needs 'params'`);
      },
      invalidParams: (_type, errors) => internalError(`Cannot parse json: ${errors.join(', ')}`),
    },
    application: { toJson: (app) => ({ plugins: app.plugins, viewport: app.viewport }) },
  };
}
