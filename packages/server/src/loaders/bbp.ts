import { basename } from 'node:path';
import type { Revision } from '@render-recipes/protocol';
import { loadBbpCircuit } from '../scene/load-bbp.js';
import type { BbpLoadRequest, LoadedCircuit } from '../scene/types.js';
import { internalError, type JsonRpcError } from '../protocol/errors.js';
import type { Loader, PreparedLoad } from '../personas/types.js';
import { floatPathsUnder } from '../protocol/json.js';
import { loaderValidatorKey } from './properties.js';
import { readBlueConfig } from '../scene/blueconfig.js';

/** `loader_properties` of the "BBP loader" after the revision's schema defaults were filled in. */
export interface BbpProperties {
  percentage?: number;
  targets?: string[];
  gids?: number[];
  report_type: 'none' | 'spikes' | 'compartment';
  report_name?: string;
  spike_transition_time: number;
  neuron_morphology_parameters?: {
    radius_multiplier?: number;
    load_soma?: boolean;
    load_axon?: boolean;
    load_dendrites?: boolean;
  };
  load_afferent_synapses: boolean;
  load_efferent_synapses: boolean;
}

export interface Sections {
  soma: boolean;
  axon: boolean;
  dendrites: boolean;
}

/** What differs between revisions in the BBP loader (PROTOCOL §4.6, §6). */
export interface BbpRules {
  revision: Revision;
  /** The `get-loaders` entry (vendored). */
  info: Record<string, unknown>;
  /** Its `loader_properties` schema. */
  schema: Record<string, unknown>;
  invalidProperties(errors: string[]): JsonRpcError;
  /** R1: an empty list means "not given"; R2/R3 reject it. */
  list<T>(values: T[] | undefined, what: 'GIDs' | 'targets'): T[] | null;
  /** Morphology settings; `sent` tells whether the client gave the object at all (R2 zero-fills it). */
  morphology(filled: BbpProperties, sent: boolean): { sections: Sections; radiusMultiplier: number };
  /** Sphere-per-soma trigger; throws for section sets the revision refuses. */
  sphereMode(sections: Sections): boolean;
  metadata(circuit: LoadedCircuit, targets: string[] | null): Record<string, string>;
}

/** Brayns accepts a path for the BBP loader when its name mentions a BlueConfig or CircuitConfig. */
export function isBlueConfigPath(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.includes('blueconfig') || name.includes('circuitconfig');
}

export function bbpLoader(rules: BbpRules): Loader {
  return {
    name: 'BBP loader',
    info: rules.info,
    schema: rules.schema,
    supports: isBlueConfigPath,
    prepare(path, properties, { floatPaths, server }): PreparedLoad {
      const filled = structuredClone(properties ?? null) as BbpProperties;
      const validate = server.validators.get(loaderValidatorKey('BBP loader'), rules.schema);
      const problems = validate(filled, floatPathsUnder(floatPaths, 'loader_properties'));
      if (problems) throw rules.invalidProperties(problems);
      const sent = typeof properties === 'object' && properties !== null && 'neuron_morphology_parameters' in properties;
      const { sections, radiusMultiplier } = rules.morphology(filled, sent);
      if (filled.load_afferent_synapses || filled.load_efferent_synapses) {
        throw internalError('Synapse geometry (load_afferent_synapses, load_efferent_synapses) is not supported by the render-recipes server; set both to false');
      }
      const request: BbpLoadRequest = {
        revision: rules.revision,
        path,
        percentage: filled.percentage ?? 1,
        gids: rules.list(filled.gids, 'GIDs'),
        targets: rules.list(filled.targets, 'targets'),
        report: report(filled),
        radiusMultiplier,
        sphereMode: rules.sphereMode(sections),
        sections,
      };
      return {
        loadParameters: filled,
        modelCount: 1,
        load: async (ctx) => [await loadBbpCircuit(request, ctx)],
        checkSource: async () => {
          await readBlueConfig(path);
        },
        metadata: (circuit) => rules.metadata(circuit, request.targets),
      };
    },
  };
}

function report(p: BbpProperties): BbpLoadRequest['report'] {
  switch (p.report_type) {
    case 'spikes':
      return { type: 'spikes', transitionTime: p.spike_transition_time };
    case 'compartment':
      if (p.report_name === undefined || p.report_name === '') {
        throw internalError("A compartment report needs 'report_name' (the name of the report in the BlueConfig)");
      }
      return { type: 'compartment', name: p.report_name };
    default:
      return { type: 'none' };
  }
}
