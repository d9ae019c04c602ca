import { JsonRpcError, RPC } from '../protocol/errors.js';
import { identityTransform, type Transform } from '../state/scene.js';
import { findInstance, modelJson, modelsChanged } from './models.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

interface InstantiateParams {
  model_id: number;
  transforms: Partial<Transform>[];
}

/**
 * R3 `instantiate-model` (InstantiateModelEntrypoint@3.10.1, ModelManager::createInstances): new
 * models sharing the source model's data (geometry, colours, report), one per transform, each
 * with the next free id. A transform's missing fields take their identity values. The shared
 * geometry is drawn at each instance's transform (the renderer builds one BVH per transform).
 */
export const instantiateModel: Entrypoint = entrypoint<InstantiateParams>({
  method: 'instantiate-model',
  async: false,
  run: ({ params, server }) => {
    if (params.transforms.length === 0) throw new JsonRpcError(RPC.unspecified, 'transforms list cannot be empty');
    const source = findInstance(server, params.model_id);
    const instances = params.transforms.map((transform) => server.state.scene.instantiate(source, { ...identityTransform(), ...transform }));
    modelsChanged(server);
    return reply(instances.map((model) => modelJson(server, model)));
  },
});
