import type { View } from '@render-recipes/protocol';
import { internalError, JsonRpcError, RPC } from '../protocol/errors.js';
import { defaultOrthographic, defaultPerspective, type CameraObject, type CameraRegion } from '../state/engine.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/** The main camera: view (R1 look-at, R2/R3 view), projection type and parameters, R3 near clip. */

export function cameraViewEntrypoints(getMethod: string, setMethod: string): Entrypoint[] {
  return [
    entrypoint({ method: getMethod, async: false, run: ({ server }) => reply(server.state.camera.view) }),
    entrypoint<View>({
      method: setMethod,
      async: false,
      run: ({ params, server }) => {
        server.state.camera.view = { position: params.position, target: params.target, up: params.up };
        return reply(null);
      },
    }),
  ];
}

const cameraDefaults: { [K in CameraObject['type']]: () => Extract<CameraObject, { type: K }>['params'] } = {
  perspective: defaultPerspective,
  orthographic: defaultOrthographic,
};

/** A fresh camera of that type: the type's defaults overridden by the keys the client sent. */
export function freshCamera(type: CameraObject['type'], sent: unknown): CameraObject {
  return { type, params: { ...cameraDefaults[type](), ...(sent as object) } } as CameraObject;
}

function projectionEntrypoints(type: CameraObject['type']): Entrypoint[] {
  return [
    entrypoint({
      method: `get-camera-${type}`,
      async: false,
      run: ({ server }) => {
        const camera = server.state.camera.object;
        // Brayns quirk (all revisions): asking for the other type's params is an invalid request,
        // and the message names the type the camera has.
        if (camera.type !== type) throw new JsonRpcError(RPC.invalidRequest, `Invalid camera type (should be '${camera.type}')`);
        return reply(camera.params);
      },
    }),
    entrypoint({
      method: `set-camera-${type}`,
      async: false,
      run: ({ raw, server }) => {
        // Same type: update the keys sent. Other type: it becomes the main camera, view kept.
        const current = server.state.camera.object;
        server.state.camera.object =
          current.type === type ? ({ type, params: { ...current.params, ...(raw as object) } } as CameraObject) : freshCamera(type, raw);
        return reply(null);
      },
    }),
  ];
}

export const cameraProjectionEntrypoints = (): Entrypoint[] => [
  ...projectionEntrypoints('perspective'),
  ...projectionEntrypoints('orthographic'),
  entrypoint({ method: 'get-camera-type', async: false, run: ({ server }) => reply(server.state.camera.object.type) }),
];

export const nearClipEntrypoints = (): Entrypoint[] => [
  entrypoint({ method: 'get-camera-near-clip', async: false, run: ({ server }) => reply({ distance: server.state.camera.nearClip }) }),
  entrypoint<{ distance: number }>({
    method: 'set-camera-near-clip',
    async: false,
    run: ({ params, server }) => {
      // Camera.cpp@3.10.1 NearClipIntegrity.
      if (params.distance < 0) throw internalError('Near clipping distance cannot be < 0');
      server.state.camera.nearClip = params.distance;
      return reply(null);
    },
  }),
];

/** Camera.cpp@3.10.1 ImageRegionIntegrity: every coordinate in [0, 1] (an empty region passes). */
export function checkRegion(region: CameraRegion): void {
  if ([...region.image_start, ...region.image_end].some((v) => !(v >= 0 && v <= 1))) {
    throw internalError('Image region should be normalized and not empty');
  }
}

export const regionEntrypoints = (): Entrypoint[] => [
  entrypoint({ method: 'get-camera-region', async: false, run: ({ server }) => reply(server.state.camera.region) }),
  entrypoint<CameraRegion>({
    method: 'set-camera-region',
    async: false,
    run: ({ params, server }) => {
      const region: CameraRegion = { image_start: [...params.image_start], image_end: [...params.image_end] };
      checkRegion(region);
      server.state.camera.region = region;
      return reply(null);
    },
  }),
];
