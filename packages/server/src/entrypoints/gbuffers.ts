import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { internalError, invalidParams } from '../protocol/errors.js';
import { checkRenderSize } from '../protocol/limits.js';
import { encodeExr, type ExrLayer } from '../render/exr.js';
import { allocatePlanes, type FloatPlanes, type PlaneName } from '../render/index.js';
import { PLANE_COMPONENTS } from '../render/planes.js';
import { cropPlane } from './region.js';
import { renderRegion, resolveScene, throttledProgress, type SceneOverrides } from './render-scene.js';
import { entrypoint, type Entrypoint } from './types.js';

/**
 * R3 `export-gbuffers` (ExportGBuffersEntrypoint.cpp@3.10.1): renders the scene once, like a
 * snapshot (same overrides, no accumulation, tone mapping off) into float channels and returns them
 * as an EXR file (one part per channel, named after it) or writes it to `file_path` (".exr"
 * appended unless the path ends with it). Channels: `color` linear RGBA, `depth` distance from the
 * eye (infinite on the background), `normal` world-space, facing the eye, `albedo` surface colour
 * (render/planes.ts). Like Brayns it reports progress as soon as it starts and then about once a
 * second, so even a quick export sends one notification, and `cancel` stops it.
 */
export interface GBuffersParams extends SceneOverrides {
  resolution?: [number, number];
  file_path?: string;
  channels: PlaneName[];
}

const OPERATION = 'Exporting g-buffers ...';
/** StaticFrameHandler::setFrameSize@3.10.1 refuses smaller frames. */
const MIN_SIDE = 64;

function checkChannels(channels: readonly PlaneName[]): void {
  if (channels.length === 0) throw invalidParams('Invalid params', ['channels: at least one framebuffer channel is required']);
  const seen = new Set<PlaneName>();
  for (const channel of channels) {
    // tinyexr's own check on the parts of a multi-part file.
    if (seen.has(channel)) throw internalError(`'name' attributes must be unique for a multi-part file (channel '${channel}' is listed twice)`);
    seen.add(channel);
  }
}

function savePath(filePath: string): string {
  return extname(filePath).toLowerCase() === '.exr' ? filePath : `${filePath}.exr`;
}

export const exportGBuffers: Entrypoint = entrypoint<GBuffersParams>({
  method: 'export-gbuffers',
  async: true,
  // Brayns cancels it on disconnect only when the file goes back to the client; the queue's rule
  // is per method, so a file export whose client left is cancelled here too.
  cancelOnDisconnect: true,
  run: async (call) => {
    const { params, server } = call;
    const [width, height] = params.resolution ?? server.state.application.viewport;
    if (width < MIN_SIDE || height < MIN_SIDE) throw internalError('Frame size must be greather than or equal to 64x64');
    checkRenderSize(width, height, server.limits);
    checkChannels(params.channels);
    const scene = resolveScene(call, width, height);
    call.progress(OPERATION, 0);
    const progress = throttledProgress(call, OPERATION);
    let planes: FloatPlanes = {};
    const { frame, region } = await renderRegion(call, scene, progress, (w, h) => {
      planes = allocatePlanes(params.channels, w, h);
      return { planes };
    });
    frame.release();
    call.signal.throwIfAborted();
    const layers: ExrLayer[] = params.channels.map((name) => ({
      name,
      components: PLANE_COMPONENTS[name],
      data: cropPlane(planes[name]!, PLANE_COMPONENTS[name], region),
    }));
    const exr = encodeExr(layers, width, height);
    if (!params.file_path) return { result: null, attachment: exr };
    const path = savePath(params.file_path);
    try {
      await writeFile(path, exr);
    } catch (error) {
      throw internalError(`Cannot write g-buffers to '${path}': ${error instanceof Error ? error.message : String(error)}`);
    }
    return { result: null };
  },
});
