import { internalError, invalidParams } from '../protocol/errors.js';
import type { SceneModel, Transform } from '../state/scene.js';
import { rescanSimulation } from '../state/simulation.js';
import { entrypoint, reply, type Entrypoint, type ServerContext } from './types.js';

/** Scene and model management: get-scene, get/update/remove-model, clear-*, enable-simulation. */

export function modelJson(server: ServerContext, model: SceneModel): unknown {
  return server.persona.models.toJson(model, server.state.scene.modelBounds(model));
}

export function findModel(server: ServerContext, id: number): SceneModel {
  const model = server.state.scene.get(id);
  if (!model) throw invalidParams(`No model found with ID ${id}`);
  return model;
}

/** A model by id, failing as ModelManager's InstanceFinder does (std::invalid_argument: -32603). */
export function findInstance(server: ServerContext, id: number): SceneModel {
  const model = server.state.scene.get(id);
  if (!model) throw internalError(`No instance with id ${id} was found`);
  return model;
}

/** Brayns rescans the simulation range whenever models come or go. */
export function modelsChanged(server: ServerContext): void {
  rescanSimulation(server.state.simulation, server.state.scene.list());
}

interface UpdateModel {
  model_id: number;
  model: { is_visible?: boolean; transform?: Partial<Transform> };
}

export const modelEntrypoints = (): Entrypoint[] => [
  entrypoint({
    method: 'get-scene',
    async: false,
    run: ({ server }) => {
      const { scene } = server.state;
      return reply({
        bounds: scene.bounds() ?? server.persona.models.emptySceneBounds(),
        models: scene.list().map((m) => modelJson(server, m)),
      });
    },
  }),
  entrypoint<{ id: number }>({
    method: 'get-model',
    async: false,
    run: ({ params, server }) => reply(modelJson(server, findModel(server, params.id))),
  }),
  entrypoint<UpdateModel>({
    method: 'update-model',
    async: false,
    run: ({ raw, server }) => {
      const sent = raw as UpdateModel;
      const model = findModel(server, sent.model_id);
      if (typeof sent.model.is_visible === 'boolean') model.visible = sent.model.is_visible;
      if (sent.model.transform) model.transform = { ...model.transform, ...sent.model.transform };
      return reply(modelJson(server, model));
    },
  }),
  entrypoint<{ ids: number[] }>({
    method: 'remove-model',
    async: false,
    run: ({ params, server }) => {
      const missing = server.state.scene.remove(params.ids);
      if (missing !== null) throw internalError(`No instance with id ${missing} was found`);
      modelsChanged(server);
      return reply(null);
    },
  }),
  entrypoint({
    method: 'clear-models',
    async: false,
    run: ({ server }) => {
      server.state.scene.removeWhere(() => true);
      modelsChanged(server);
      return reply(null);
    },
  }),
  entrypoint<{ model_id: number; enabled: boolean }>({
    method: 'enable-simulation',
    async: false,
    run: ({ params, server }) => {
      findModel(server, params.model_id).simulationEnabled = params.enabled;
      return reply(null);
    },
  }),
];

/** R2/R3: removes every model except lights. */
export const clearRenderables = entrypoint({
  method: 'clear-renderables',
  async: false,
  run: ({ server }) => {
    server.state.scene.removeWhere((m) => m.type !== 'light');
    modelsChanged(server);
    return reply(null);
  },
});
