import { internalError } from '../protocol/errors.js';
import { identityTransform, type Transform } from '../state/scene.js';
import { findModel, modelJson, modelsChanged } from './models.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/**
 * R3 `instantiate-model` (network/entrypoints/InstantiateModelEntrypoint.cpp@3.10.1): new models
 * that share the source model's geometry, colours and material, each with its own transform. The
 * renderer keys its BVH cache on the circuit object, so instances cost no second build.
 */
export const instantiateModel: Entrypoint = entrypoint<{ model_id: number; transforms: Partial<Transform>[] }>({
  method: 'instantiate-model',
  async: false,
  run: ({ params, server }) => {
    const source = findModel(server, params.model_id);
    if (!source.circuit) throw internalError('Cannot instantiate a model without geometry');
    const created = params.transforms.map((transform) => {
      const { type, circuit, light, colors, loadInfo, metadata } = source;
      const instance = server.state.scene.addModel({ type, circuit, light, loadInfo, metadata, ...(colors ? { colors } : {}) });
      instance.transform = { ...identityTransform(), ...transform };
      if (source.material) instance.material = source.material;
      return instance;
    });
    modelsChanged(server);
    return reply(created.map((m) => modelJson(server, m)));
  },
});
