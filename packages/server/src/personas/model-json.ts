import type { Bounds, ResolvedLight } from '@render-recipes/protocol';
import type { SceneLight } from '../scene/types.js';
import type { SceneModel, SceneState } from '../state/scene.js';

/** Model objects as each revision writes them (PROTOCOL §4.5), and how lights are added. */

/** R1 `ModelInstanceAdapter`: no type, no load info. */
export function modelJsonV1(model: SceneModel, bounds: Bounds): unknown {
  return {
    bounds,
    is_visible: model.visible,
    metadata: model.metadata,
    model_id: model.id,
    transform: model.transform,
  };
}

/**
 * R2/R3: `model_type` and `info {base_transform, load_info, metadata}`. Each info key is there only
 * when the model has that component (ModelInfo.cpp@3.10.1): loaded models have all three, models
 * made by `add-light` or `add-spheres`... (AddLightEntrypoint.h, AddGeometryEntrypoint.h) none.
 */
export function modelJsonV3(model: SceneModel, bounds: Bounds): unknown {
  return {
    bounds,
    info: model.type !== 'neurons' ? {} : {
      base_transform: { rotation: [0, 0, 0, 1], scale: [1, 1, 1], translation: [0, 0, 0] },
      load_info: {
        load_parameters: model.loadInfo.loadParameters,
        loader_name: model.loadInfo.loaderName,
        path: model.loadInfo.path,
        source: model.loadInfo.source,
      },
      metadata: model.metadata,
    },
    is_visible: model.visible,
    model_id: model.id,
    model_type: model.type,
    transform: model.transform,
  };
}

/** R1: lights live in their own list; the reply is the light id. */
export function addLightV1(scene: SceneState, light: ResolvedLight): unknown {
  return scene.addStandaloneLight(light);
}

/** R2/R3: a light is a model (removable with `remove-model`); the reply is its model object. */
export function addLightV3(scene: SceneState, light: SceneLight, json: (model: SceneModel) => unknown): unknown {
  const model = scene.addModel({
    type: 'light',
    circuit: null,
    light,
    loadInfo: { source: 'none', path: '', loaderName: '', loadParameters: null },
    metadata: {},
  });
  return json(model);
}

/** R1 reports an empty scene with inverted float limits (an empty `Boxd`). */
const FLT_MAX = 3.4028234663852886e38;
export const emptyBoundsV1 = (): Bounds => ({ min: [FLT_MAX, FLT_MAX, FLT_MAX], max: [-FLT_MAX, -FLT_MAX, -FLT_MAX] });
export const emptyBoundsV3 = (): Bounds => ({ min: [0, 0, 0], max: [0, 0, 0] });
