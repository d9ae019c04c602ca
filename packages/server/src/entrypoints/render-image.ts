import { internalError, invalidParams } from '../protocol/errors.js';
import { cannotAllocate, checkRenderSize, isAllocationFailure } from '../protocol/limits.js';
import { displayRow } from '../render/color-pipeline.js';
import { encodeImage } from '../render/encode.js';
import { allocatePlanes, renderFrameWith } from '../render/index.js';
import type { RenderRequest } from '../scene/types.js';
import { clearFramebuffer, engineFramebuffer, type EngineFramebuffer } from '../state/framebuffer.js';
import { buildRenderRequest } from './render-request.js';
import { renderFingerprint } from './render-fingerprint.js';
import { resolveScene } from './render-scene.js';
import { entrypoint, type Call, type Entrypoint } from './types.js';

/**
 * R3 `render-image` (RenderImageEntrypoint.cpp and Engine.cpp@3.10.1): renders the shared scene at
 * the application resolution into the engine framebuffer and sends it back as a binary reply.
 * Each render adds one accumulation frame, up to the renderer's samples per pixel
 * (`max_accumulation`); `accumulate` renders every missing frame at once. Anything that changes
 * the image starts the accumulation over. The image is sent when `send` is on and a new frame was
 * rendered, or always with `force`; `render: false` only downloads what the framebuffer holds.
 * The first frame is a snapshot of the same settings, pixel for pixel; later frames add new
 * samples and the image shows their average.
 */
export interface RenderImageParams {
  send: boolean;
  force: boolean;
  accumulate: boolean;
  format: string;
  jpeg_quality: number;
  render: boolean;
}

const FORMATS = ['png', 'jpg'] as const;

/** Renders one more frame into the framebuffer; false when it already holds every frame. */
async function renderNextFrame(call: Call<unknown>, fb: EngineFramebuffer, request: RenderRequest, samples: number): Promise<boolean> {
  if (fb.accumulation >= samples) return false;
  const { width, height } = request;
  // Linear colour is only kept when a later frame will be averaged with this one (33 MB at full HD).
  const planes = samples > 1 ? allocatePlanes(['color'], width, height) : {};
  const ctx = { signal: call.signal, onProgress: () => undefined };
  const frame = await renderFrameWith(request, ctx, { sampleBase: fb.accumulation * samples, planes }).catch((error: unknown) => {
    throw isAllocationFailure(error) ? cannotAllocate(width, height, call.server.limits) : error;
  });
  try {
    const linear = planes.color;
    if (fb.accumulation === 0 || fb.sum === null || linear === undefined) {
      // One frame: exactly the renderer's own bytes (the snapshot's), not a round trip through floats.
      fb.sum = linear === undefined ? null : Float64Array.from(linear);
      fb.image = { ...frame.image, rgba: new Uint8Array(frame.image.rgba) };
    } else {
      const sum = fb.sum;
      for (let i = 0; i < sum.length; i++) sum[i]! += linear[i]!;
      const average = sum.map((v) => v / (fb.accumulation + 1));
      const rgba = new Uint8Array(width * height * 4);
      // OSPRay tone maps the accumulated average, not each frame.
      if (request.colorPipeline) displayRow(request.colorPipeline, average, width * height, rgba, 0);
      fb.image = { ...frame.image, rgba };
    }
    fb.accumulation += 1;
    return true;
  } finally {
    frame.release();
  }
}

export const renderImage: Entrypoint = entrypoint<RenderImageParams>({
  method: 'render-image',
  async: false,
  run: async (call) => {
    const { params, server } = call;
    if (!params.send && params.force) throw invalidParams('Cannot force sending if send is disabled');
    const { state } = server;
    const fb = engineFramebuffer(state);
    const samples = state.renderer.params.samples_per_pixel;
    let newFrame = false;
    if (params.render) {
      const [width, height] = state.application.viewport;
      checkRenderSize(width, height, server.limits);
      const scene = resolveScene({ ...call, params: {} }, width, height);
      const request = buildRenderRequest(server, scene);
      const key = renderFingerprint(request);
      if (key !== fb.key) clearFramebuffer(fb, key);
      do {
        if (!(await renderNextFrame(call, fb, request, samples))) break;
        newFrame = true;
      } while (params.accumulate);
    }
    const result = { accumulation: fb.accumulation, max_accumulation: samples };
    if (!params.send || !(newFrame || params.force) || fb.image === null) return { result };
    const format = FORMATS.find((f) => f === params.format.toLowerCase());
    if (format === undefined) throw internalError(`Format not supported: '${params.format}'`);
    // The same JPEG codec as snapshots, quality handed over the same way (3.10.1 inverts it).
    return { result, attachment: await encodeImage(fb.image, format, server.persona.snapshot.codecQuality(params.jpeg_quality)) };
  },
});
