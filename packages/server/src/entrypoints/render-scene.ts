import type { View } from '@render-recipes/protocol';
import { childFloatPaths } from '../loaders/properties.js';
import { internalError } from '../protocol/errors.js';
import { cannotAllocate, checkRenderSize, checkSamples, isAllocationFailure } from '../protocol/limits.js';
import { renderFrameWith, type JobExtras, type RenderedFrame } from '../render/index.js';
import type { CameraObject, RendererObject } from '../state/engine.js';
import { checkRegion, freshCamera } from './camera.js';
import { freshRenderer } from './renderer.js';
import { buildRenderRequest, type SnapshotScene } from './render-request.js';
import { regionFrame, type RegionFrame } from './region.js';
import type { Call } from './types.js';

/**
 * What `snapshot` and `export-gbuffers` share: a one-off render of the shared scene whose camera,
 * view, renderer, frame, near clip and region may each be overridden for that request only
 * (SnapshotEntrypoint.cpp and ExportGBuffersEntrypoint.cpp@3.10.1 build their frames the same way).
 */
interface EngineObjectSpec {
  name?: string;
  params?: unknown;
}

export interface SceneOverrides {
  camera?: EngineObjectSpec;
  camera_view?: View;
  renderer?: EngineObjectSpec;
  simulation_frame?: number;
  camera_near_clip?: number;
  image_start?: [number, number];
  image_end?: [number, number];
}

const cameraTypes = ['perspective', 'orthographic'] as const;
const rendererTypes = ['interactive', 'production'] as const;

/**
 * A request's `camera`/`renderer`: no name = a copy of the main object; a name = a fresh object of
 * that type built from `params` (type defaults for missing keys), validated with the type's schema.
 */
function engineObject<T extends string>(
  call: Call<SceneOverrides>,
  key: 'camera' | 'renderer',
  types: readonly T[],
): { type: T; params: unknown } | null {
  const spec = call.params[key];
  if (!spec?.name) return null;
  const type = types.find((t) => t === spec.name);
  if (!type) throw internalError(`Unknown type name ${spec.name}`);
  const { persona } = call.server;
  const params = structuredClone(spec.params === undefined ? persona.engine.missingParams(type) : spec.params);
  const schema = call.server.schemas.get(`set-${key}-${type}`)?.params ?? {};
  const validate = call.server.validators.get(`params:set-${key}-${type}`, schema);
  const problems = validate(params, childFloatPaths(childFloatPaths(call.floatPaths, key), 'params'));
  if (problems) throw persona.engine.invalidParams(type, problems);
  return { type, params };
}

/** The scene one request renders at `width` x `height`, its overrides applied to the shared state. */
export function resolveScene(call: Call<SceneOverrides>, width: number, height: number): SnapshotScene {
  const { params, server } = call;
  const { state, persona } = server;
  const camera = engineObject(call, 'camera', cameraTypes);
  const renderer = engineObject(call, 'renderer', rendererTypes);
  const scene: SnapshotScene = {
    width,
    height,
    camera: camera ? freshCamera(camera.type, camera.params) : structuredClone<CameraObject>(state.camera.object),
    view: params.camera_view ?? state.camera.view,
    renderer: renderer ? freshRenderer(renderer.type, renderer.params, persona.engine) : structuredClone<RendererObject>(state.renderer),
    frame: params.simulation_frame ?? state.simulation.current,
    nearClip: params.camera_near_clip ?? state.camera.nearClip,
    region: {
      image_start: params.image_start ?? state.camera.region.image_start,
      image_end: params.image_end ?? state.camera.region.image_end,
    },
  };
  checkRegion(scene.region);
  checkSamples(scene.renderer.params, server.limits);
  return scene;
}

export interface RegionRender {
  /** The whole frame rendered (the region's crop is the caller's, see `region`). */
  frame: RenderedFrame;
  region: RegionFrame;
}

/**
 * Renders the scene for the request's `image_start`/`image_end` (the whole frame at the scale that
 * gives the region the requested size; the caller crops). Allocation failures become the server's
 * size error.
 */
export async function renderRegion(
  call: Call<SceneOverrides>,
  scene: SnapshotScene,
  onProgress: (amount: number) => void,
  extras: (width: number, height: number) => JobExtras = () => ({}),
): Promise<RegionRender> {
  const { params, server } = call;
  const region = regionFrame(scene.width, scene.height, params.image_start, params.image_end);
  checkRenderSize(region.width, region.height, server.limits);
  const request = buildRenderRequest(server, { ...scene, width: region.width, height: region.height });
  const frame = await renderFrameWith(request, { signal: call.signal, onProgress }, extras(region.width, region.height)).catch((error: unknown) => {
    throw isAllocationFailure(error) ? cannotAllocate(region.width, region.height, server.limits) : error;
  });
  return { frame, region };
}

/** Brayns checks render progress about once a second: a progress callback that sends at most that often. */
export function throttledProgress(call: Call<unknown>, operation: string, intervalMs = 1000): (amount: number) => void {
  let last = Date.now();
  return (amount) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    call.progress(operation, amount);
  };
}
