import type { View } from '@render-recipes/protocol';
import { encodeImage } from '../render/encode.js';
import { renderFrame } from '../render/index.js';
import { simulatedImage, simulatedRender } from '../loaders/latency-image.js';
import { childFloatPaths } from '../loaders/properties.js';
import { internalError, invalidParams } from '../protocol/errors.js';
import { cannotAllocate, checkRenderSize, checkSamples, isAllocationFailure } from '../protocol/limits.js';
import type { Rgba } from '@render-recipes/protocol';
import type { CameraObject, RendererObject } from '../state/engine.js';
import { checkRegion, freshCamera } from './camera.js';
import { embedMetadata, type ImageMetadata } from './image-metadata.js';
import { freshRenderer } from './renderer.js';
import { buildRenderRequest } from './render-request.js';
import { cropRegion, regionFrame } from './region.js';
import { entrypoint, type Call, type Entrypoint } from './types.js';

interface EngineObjectSpec {
  name?: string;
  params?: unknown;
}

export interface SnapshotParams {
  image_settings?: { format?: string; quality?: number; size?: [number, number] };
  camera?: EngineObjectSpec;
  camera_view?: View;
  renderer?: EngineObjectSpec;
  simulation_frame?: number;
  file_path?: string;
  camera_near_clip?: number;
  image_start?: [number, number];
  image_end?: [number, number];
  metadata?: ImageMetadata;
}

const PROGRESS_INTERVAL_MS = 1000;

const cameraTypes = ['perspective', 'orthographic'] as const;
const rendererTypes = ['interactive', 'production'] as const;

/**
 * A snapshot's `camera`/`renderer`: no name = a copy of the main object; a name = a fresh object of
 * that type built from `params` (type defaults for missing keys), validated with the type's schema.
 */
function engineObject<T extends string>(
  call: Call<SnapshotParams>,
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

export const snapshot: Entrypoint = entrypoint<SnapshotParams>({
  method: 'snapshot',
  async: true,
  cancelOnDisconnect: true,
  run: async (call) => {
    const { params, server } = call;
    const { state, persona } = server;
    const settings = params.image_settings ?? {};
    const format = (settings.format ?? 'png').toLowerCase();
    const quality = persona.snapshot.codecQuality(settings.quality ?? 100);
    const [width, height] = settings.size ?? state.application.viewport;
    if (width < 1 || height < 1) throw invalidParams(`Invalid image size ${width}x${height}: each side must be at least 1`);
    checkRenderSize(width, height, server.limits);
    const filePath = params.file_path ?? '';
    persona.snapshot.checkFormat({ format, filePath });
    const camera = engineObject(call, 'camera', cameraTypes);
    const renderer = engineObject(call, 'renderer', rendererTypes);
    const scene = {
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
    // Brayns checks render progress about once a second: a fast render sends no progress at all.
    let lastProgress = Date.now();
    const progress = (amount: number): void => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      call.progress('Rendering snapshot ...', amount);
    };
    let encode: (format: 'png' | 'jpg') => Promise<Buffer>;
    // The rendered pixels stay in the renderer's buffer until encoded, then go back to it.
    let release = (): void => undefined;
    if (server.latency) {
      await simulatedRender(server.latency.renderMs, call.signal, progress);
      const background = scene.renderer.params.background_color;
      encode = (fmt) => simulatedEncode(width, height, background, fmt, quality);
    } else {
      const frame = regionFrame(width, height, params.image_start, params.image_end);
      checkRenderSize(frame.width, frame.height, server.limits);
      const full = await renderFrame(buildRenderRequest(server, { ...scene, width: frame.width, height: frame.height }), {
        signal: call.signal,
        onProgress: progress,
      }).catch((error: unknown) => {
        throw isAllocationFailure(error) ? cannotAllocate(frame.width, frame.height, server.limits) : error;
      });
      release = full.release;
      const image = cropRegion(full.image, frame);
      encode = (fmt) => encodeImage(image, fmt, quality);
      // The next request (a pipelining client's next frame) renders while this one encodes.
      call.overlapNext();
    }
    try {
      call.signal.throwIfAborted();
      return await persona.snapshot.deliver({
        format,
        filePath,
        encode: async (fmt) => embedMetadata(await encode(fmt), fmt, params.metadata),
        log: (line) => server.log(line),
      });
    } finally {
      release();
    }
  },
});

const encodedCache = new Map<string, Promise<Buffer>>();
const ENCODED_CACHE_SIZE = 64;

/** Latency mode encodes each distinct blank image once. */
function simulatedEncode(width: number, height: number, background: Rgba, format: 'png' | 'jpg', quality: number): Promise<Buffer> {
  const key = `${width}x${height}:${format}:${quality}:${background.join(',')}`;
  let cached = encodedCache.get(key);
  if (!cached) {
    if (encodedCache.size >= ENCODED_CACHE_SIZE) encodedCache.clear();
    cached = encodeImage(simulatedImage(width, height, background), format, quality);
    encodedCache.set(key, cached);
    cached.catch(() => encodedCache.delete(key));
  }
  return cached;
}

