import type { ResolvedLight } from '@render-recipes/protocol';
import type { Rgb, Vec3 } from '@render-recipes/protocol';
import { addLightV3 } from '../personas/model-json.js';
import type { SceneLight } from '../scene/types.js';
import { entrypoint, reply, type Entrypoint, type ServerContext } from './types.js';
import { modelJson } from './models.js';

/** Lights. No light exists by default; R1 answers with the light id, R2/R3 with a model object. */

interface LightParams {
  color?: Rgb;
  intensity?: number;
  direction?: Vec3;
}

// The R3 schema defaults, used for the revisions whose schema has none.
const white: Rgb = [1, 1, 1];
const defaultDirection: Vec3 = [-1, -1, 0];

/** Colour and intensity with the schema defaults. */
function colored(params: { color?: Rgb; intensity?: number }): { color: Rgb; intensity: number } {
  return { color: params.color ?? white, intensity: params.intensity ?? 1 };
}

function add(server: ServerContext, light: ResolvedLight): unknown {
  return server.persona.models.addLight(server.state.scene, light, (model) => modelJson(server, model));
}

export const lightEntrypoints = (): Entrypoint[] => [
  entrypoint<LightParams>({
    method: 'add-light-ambient',
    async: false,
    run: ({ params, server }) =>
      reply(add(server, { type: 'ambient', ...colored(params) })),
  }),
  entrypoint<LightParams>({
    method: 'add-light-directional',
    async: false,
    run: ({ params, server }) =>
      reply(
        add(server, { type: 'directional', ...colored(params), direction: params.direction ?? defaultDirection }),
      ),
  }),
  entrypoint({
    method: 'clear-lights',
    async: false,
    run: ({ server }) => {
      server.state.scene.clearLights();
      return reply(null);
    },
  }),
];

interface AreaLightParams {
  color?: Rgb;
  intensity?: number;
  position?: Vec3;
  edge1?: Vec3;
  edge2?: Vec3;
  radius?: number;
}

function addArea(server: ServerContext, light: SceneLight): unknown {
  return addLightV3(server.state.scene, light, (model) => modelJson(server, model));
}

const origin: Vec3 = [0, 0, 0];

/** R3 area lights (QuadLight.h, SphereLight.h@3.10.1 with their schema defaults). */
export const areaLightEntrypoints = (): Entrypoint[] => [
  entrypoint<AreaLightParams>({
    method: 'add-light-quad',
    async: false,
    run: ({ params, server }) =>
      reply(
        addArea(server, { type: 'quad', ...colored(params), position: params.position ?? origin, edge1: params.edge1 ?? [1, 0, 0], edge2: params.edge2 ?? [0, 0, 1] }),
      ),
  }),
  entrypoint<AreaLightParams>({
    method: 'add-light-sphere',
    async: false,
    run: ({ params, server }) =>
      reply(addArea(server, { type: 'sphere', ...colored(params), position: params.position ?? origin, radius: params.radius ?? 0 })),
  }),
];
