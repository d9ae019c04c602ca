import { bbpLoader, type BbpRules } from '../loaders/bbp.js';
import { sonataLoader } from '../loaders/sonata.js';
import { invalidParams } from '../protocol/errors.js';
import { loadLoaderInfo } from '@render-recipes/protocol';
import { nextUp } from '../state/simulation.js';
import { metadataV3, rejectEmptyList } from './bbp-common.js';
import { interactiveDefaults, productionDefaultsV3, REVISION } from './defaults.js';
import { r3Entrypoints } from './entrypoint-sets.js';
import { resolveByName } from './loader-resolution.js';
import { addLightV3, emptyBoundsV3, modelJsonV3 } from './model-json.js';
import { binarySnapshots } from './snapshot-delivery.js';
import type { Persona } from './types.js';
import { v3Validation } from './validation-messages.js';

/** R3: Brayns 3.10.1, the final release (/healthz, stricter validation, sphere mode with all sections off). */

async function bbpRules(): Promise<BbpRules> {
  const info = await loadLoaderInfo('3.10.1', 'bbp-loader.json');
  return {
    revision: 'R3',
    info,
    schema: info['input_parameters_schema'] as Record<string, unknown>,
    invalidProperties: (errors) => invalidParams('Invalid loader params schema', errors),
    list: rejectEmptyList,
    morphology: (filled) => {
      const m = filled.neuron_morphology_parameters ?? {};
      return {
        sections: { soma: m.load_soma ?? false, axon: m.load_axon ?? false, dendrites: m.load_dendrites ?? false },
        radiusMultiplier: m.radius_multiplier ?? 1,
      };
    },
    // Since 3.8.1 one sphere per soma means every section off.
    sphereMode: (s) => !s.soma && !s.axon && !s.dendrites,
    metadata: metadataV3,
  };
}

export async function r3Persona(): Promise<Persona> {
  return {
    api: '3.10.1',
    revision: 'R3',
    version: { major: 3, minor: 10, patch: 1, revision: REVISION },
    wire: {
      healthz: true,
      binaryRequests: true,
      errorsForNotifications: false,
      emptyErrorData: 'omit',
      parseError: (reason) => `Invalid JSON: '${reason}'`,
      invalidEnvelope: 'Invalid JSON-RPC request schema',
      unknownSchemaEndpoint: (endpoint) => `Method '${endpoint}' not found`,
      // Brayns 3.10.1 prints the client handle where the id belongs.
      cancelNotFound: (client) => `No requests found with ID ${client}.`,
      cancelTwice: (id) => `Request ${id} already cancelled`,
    },
    validation: v3Validation,
    entrypoints: r3Entrypoints(),
    models: { toJson: modelJsonV3, emptySceneBounds: emptyBoundsV3, defaultColor: [1, 1, 0, 1], addLight: addLightV3 },
    // SimulationSystem@R3: t = frame * nextafter(dt'), where the scanner already stored dt' = nextafter(dt).
    simulation: { frameToTime: (frame, range) => frame * nextUp(nextUp(range.dt)) },
    loaders: { loaders: [bbpLoader(await bbpRules()), await sonataLoader()], resolve: resolveByName },
    // JpegCodec@3.10.1 passes max(100 - max(quality, 0), 0) to stb, which reads 0 as 90: the
    // default quality 100 gives stb's 90 with 2x2 chroma subsampling, and 90 gives a quality of 10.
    snapshot: { ...binarySnapshots, codecQuality: (requested) => Math.max(100 - Math.max(requested, 0), 0) },
    engine: {
      interactiveDefaults,
      productionDefaults: productionDefaultsV3,
      missingParams: (type) => {
        throw invalidParams('Invalid engine JSON schema', [`'${type}' needs 'params'`]);
      },
      invalidParams: (_type, errors) => invalidParams('Invalid engine JSON schema', errors),
    },
    application: { toJson: (app) => ({ plugins: app.plugins, viewport: app.viewport }) },
  };
}
