import { invalidParams } from '../protocol/errors.js';
import { loadLoaderInfo } from '@render-recipes/protocol';
import type { Loader, PreparedLoad } from '../personas/types.js';
import { readSonataConfig } from '../scene/sonata/config.js';
import { loadSonataCircuits, sonataMetadata } from '../scene/sonata/load-sonata.js';
import type { SonataLoadRequest, SonataNodePopulationSettings } from '../scene/types.js';
import { floatPathsUnder } from '../protocol/json.js';
import { loaderValidatorKey } from './properties.js';

/**
 * The R3 "SONATA loader": `loader_properties` validated with the published schema (defaults
 * filled in) and passed to the scene layer as they are; one model per node population.
 */
export async function sonataLoader(): Promise<Loader> {
  const info = await loadLoaderInfo('3.10.1', 'sonata-loader.json');
  const schema = info['input_parameters_schema'] as Record<string, unknown>;
  return {
    name: 'SONATA loader',
    info,
    schema,
    supports: (path) => path.toLowerCase().endsWith('.json'),
    prepare(path, properties, { floatPaths, server }): PreparedLoad {
      const filled = structuredClone(properties ?? null) as { node_population_settings: SonataNodePopulationSettings[] };
      const validate = server.validators.get(loaderValidatorKey('SONATA loader'), schema);
      const problems = validate(filled, floatPathsUnder(floatPaths, 'loader_properties'));
      if (problems) throw invalidParams('Invalid loader params schema', problems);
      const request: SonataLoadRequest = { path, node_population_settings: filled.node_population_settings };
      return {
        loadParameters: filled,
        modelCount: request.node_population_settings.length,
        load: (ctx) => loadSonataCircuits(request, ctx),
        checkSource: async () => {
          await readSonataConfig(path);
        },
        metadata: (circuit, index) => {
          const settings = request.node_population_settings[index];
          return settings ? sonataMetadata(settings, circuit) : {};
        },
      };
    },
  };
}
