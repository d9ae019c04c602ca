import { internalError, JsonRpcError, RPC } from '../protocol/errors.js';
import { defaultMaterial, MATERIAL_TYPES, materialOf, type MaterialState, type MaterialType } from '../state/material.js';
import type { SceneModel } from '../state/scene.js';
import { findModel } from './models.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/** R3 materials (network/entrypoints/MaterialEntrypoint.h@3.10.1): set-/get-material-<type>, get-material-type. */

/** Models with geometry carry a material; lights do not (Brayns answers a JSON-RPC error). */
function materialOfModel(model: SceneModel): MaterialState {
  if (!model.circuit) throw internalError('The model does not have material');
  return model.material ?? defaultMaterial();
}

function setMaterial(type: MaterialType): Entrypoint {
  return entrypoint<{ model_id: number; material: Record<string, unknown> }>({
    method: `set-material-${type}`,
    async: false,
    run: ({ params, server }) => {
      const model = findModel(server, params.model_id);
      materialOfModel(model);
      model.material = materialOf(type, params.material);
      return reply(null);
    },
  });
}

function getMaterial(type: MaterialType): Entrypoint {
  return entrypoint<{ id: number }>({
    method: `get-material-${type}`,
    async: false,
    run: ({ params, server }) => {
      const material = materialOfModel(findModel(server, params.id));
      if (material.type !== type) throw new JsonRpcError(RPC.invalidRequest, `Invalid material type (should be '${material.type}')`);
      return reply(material.params);
    },
  });
}

export const materialEntrypoints = (): Entrypoint[] => [
  ...MATERIAL_TYPES.flatMap((type) => [setMaterial(type), getMaterial(type)]),
  entrypoint<{ id: number }>({
    method: 'get-material-type',
    async: false,
    run: ({ params, server }) => reply(materialOfModel(findModel(server, params.id)).type),
  }),
];
