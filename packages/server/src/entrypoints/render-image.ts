import { internalError, invalidParams } from '../protocol/errors.js';
import { cannotAllocate, checkRenderSize, isAllocationFailure } from '../protocol/limits.js';
import { displayRow } from '../render/color-pipeline.js';
import { encodeImage } from '../render/encode.js';
import { allocatePlanes, renderFrameWith } from '../render/index.js';
import type { RenderRequest } from '../scene/types.js';
import { clearFramebuffer, engineFramebuffer, type EngineFramebuffer } from '../state/framebuffer.js';
import { clearMode, frameSize, takeImage } from '../state/framebuffer-mode.js';
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
 * samples and the image shows their average. A progressive framebuffer renders at a reduced size
 * until its image is taken once after a clear (ProgressiveFrameHandler.cpp@3.10.1): those frames
 * count towards the accumulation, and the full-size frames then accumulate from their first.
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

/** Frames the framebuffer holds, at either size (ProgressiveFrameHandler::getAccumulationFrameCount). */
const heldFrames = (fb: EngineFramebuffer): number => fb.accumulation + fb.lowRes.frames;

/** Renders one low-resolution frame of a progressive framebuffer; it replaces the last one. */
async function renderLowResFrame(call: Call<unknown>, fb: EngineFramebuffer, request: RenderRequest): Promise<void> {
  const frame = await renderFrameWith(request, { signal: call.signal, onProgress: () => undefined }, { sampleBase: 0, planes: allocatePlanes([], request.width, request.height) }).catch((error: unknown) => {
    throw isAllocationFailure(error) ? cannotAllocate(request.width, request.height, call.server.limits) : error;
  });
  try {
    fb.lowRes.image = { ...frame.image, rgba: new Uint8Array(frame.image.rgba) };
    fb.lowRes.frames += 1;
  } finally {
    frame.release();
  }
}

/** Renders one more full-size frame into the framebuffer. */
async function renderNextFrame(call: Call<unknown>, fb: EngineFramebuffer, request: RenderRequest, samples: number): Promise<void> {
  const { width, height } = request;
  // Linear colour is only kept when a later frame will be averaged with this one (33 MB at full HD).
  const planes = allocatePlanes(samples > 1 ? ['color'] : [], width, height);
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
      const request = buildRenderRequest(server, resolveScene({ ...call, params: {} }, width, height));
      const key = renderFingerprint(request);
      if (key !== fb.key) {
        clearFramebuffer(fb, key);
        clearMode(state.framebuffer);
      }
      do {
        if (heldFrames(fb) >= samples) break;
        const next = frameSize(state.framebuffer, width, height);
        if (next.lowRes) {
          const [lowWidth, lowHeight] = next.size;
          checkRenderSize(lowWidth, lowHeight, server.limits);
          await renderLowResFrame(call, fb, buildRenderRequest(server, resolveScene({ ...call, params: {} }, lowWidth, lowHeight)));
        } else {
          await renderNextFrame(call, fb, request, samples);
        }
        newFrame = true;
      } while (params.accumulate);
    }
    const result = { accumulation: heldFrames(fb), max_accumulation: samples };
    if (!params.send || !(newFrame || params.force)) return { result };
    const image = takeImage(state.framebuffer) ? fb.lowRes.image : fb.image;
    if (image === null) return { result };
    const format = FORMATS.find((f) => f === params.format.toLowerCase());
    if (format === undefined) throw internalError(`Format not supported: '${params.format}'`);
    // The same JPEG codec as snapshots, quality handed over the same way (3.10.1 inverts it).
    return { result, attachment: await encodeImage(image, format, server.persona.snapshot.codecQuality(params.jpeg_quality)) };
  },
});
