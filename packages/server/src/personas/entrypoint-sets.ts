import { addModel, getLoaders } from '../entrypoints/add-model.js';
import { colorRampEntrypoints } from '../entrypoints/color-ramp.js';
import { cameraProjectionEntrypoints, cameraViewEntrypoints, nearClipEntrypoints, regionEntrypoints } from '../entrypoints/camera.js';
import { coreGeometryEntrypoints } from '../entrypoints/geometry.js';
import { inspect } from '../entrypoints/inspect.js';
import { instantiateModel } from '../entrypoints/instances.js';
import { lightEntrypoints } from '../entrypoints/lights.js';
import { cancel, exitLater, getVersion, quit, registry, schema } from '../entrypoints/meta.js';
import { clearRenderables, modelEntrypoints } from '../entrypoints/models.js';
import { applicationEntrypoints, simulationEntrypoints } from '../entrypoints/parameters.js';
import { allRendererEntrypoints } from '../entrypoints/renderer.js';
import { snapshot } from '../entrypoints/snapshot.js';
import type { Entrypoint } from '../entrypoints/types.js';

/** The entrypoints every revision has, under the same names. */
function common(): Entrypoint[] {
  return [
    getVersion,
    registry,
    schema,
    cancel,
    quit,
    getLoaders,
    addModel,
    ...modelEntrypoints(),
    ...cameraProjectionEntrypoints(),
    ...allRendererEntrypoints(),
    ...lightEntrypoints(),
    ...simulationEntrypoints(),
    ...applicationEntrypoints(),
    snapshot,
  ];
}

export const r1Entrypoints = (): Entrypoint[] => [
  ...common(),
  ...cameraViewEntrypoints('get-camera-look-at', 'set-camera-look-at'),
  exitLater,
];

export const r2Entrypoints = (): Entrypoint[] => [
  ...common(),
  ...cameraViewEntrypoints('get-camera-view', 'set-camera-view'),
  clearRenderables,
  ...colorRampEntrypoints(),
  exitLater,
];

export const r3Entrypoints = (): Entrypoint[] => [
  ...common(),
  ...cameraViewEntrypoints('get-camera-view', 'set-camera-view'),
  clearRenderables,
  ...colorRampEntrypoints(),
  ...nearClipEntrypoints(),
  ...regionEntrypoints(),
  ...coreGeometryEntrypoints(),
  inspect,
  instantiateModel,
];
