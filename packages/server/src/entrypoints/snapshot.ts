import type { Rgba } from '@render-recipes/protocol';
import { encodeImage } from '../render/encode.js';
import { simulatedImage, simulatedRender } from '../loaders/latency-image.js';
import { invalidParams } from '../protocol/errors.js';
import { checkRenderSize } from '../protocol/limits.js';
import { embedMetadata, type ImageMetadata } from './image-metadata.js';
import { cropRegion } from './region.js';
import { renderRegion, resolveScene, throttledProgress, type SceneOverrides } from './render-scene.js';
import { entrypoint, type Entrypoint } from './types.js';

export interface SnapshotParams extends SceneOverrides {
  image_settings?: { format?: string; quality?: number; size?: [number, number] };
  file_path?: string;
  metadata?: ImageMetadata;
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
    const scene = resolveScene(call, width, height);
    const progress = throttledProgress(call, 'Rendering snapshot ...');
    if (persona.snapshot.progressAtStart) call.progress('Rendering snapshot ...', 0);
    let encode: (format: 'png' | 'jpg') => Promise<Buffer>;
    // The rendered pixels stay in the renderer's buffer until encoded, then go back to it.
    let release = (): void => undefined;
    if (server.latency) {
      await simulatedRender(server.latency.renderMs, call.signal, progress);
      const background = scene.renderer.params.background_color;
      encode = (fmt) => simulatedEncode(width, height, background, fmt, quality);
    } else {
      const { frame: full, region } = await renderRegion(call, scene, progress);
      release = full.release;
      const image = cropRegion(full.image, region);
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

