import type { Revision } from '@render-recipes/protocol';

/**
 * How a linear colour the renderer computed becomes an 8-bit pixel, as each Brayns revision does it.
 *
 * All three revisions render snapshots into an OSPRay `OSP_FB_SRGBA` framebuffer carrying one
 * "tonemapper" image operation (R1: brayns/engine/imageoperations/ImageOperationManager.cpp and
 * SnapshotEntrypoint.cpp@938284d1f; R2: brayns/engine/framebuffer/Framebuffer.cpp@3.0.0;
 * R3: brayns/engine/framebuffer/types/StaticFrameHandler.cpp@3.10.1, tone mapping on by default),
 * with the same parameters everywhere (ToneMapping.h in each revision): exposure 1, contrast
 * 1.1759, shoulder 0.9746, midIn 0.18, midOut 0.18, hdrMax 6.3704, acesColor false. R1 builds
 * on OSPRay 2.9.0 (tile op), R2/R3 on OSPRay 2.10.x (pixel op); both versions apply the same curve
 * (modules/cpu/fb/{tile_ops,pixel_ops}/ToneMapper.{cpp,ispc}) and then write sRGB through
 * rkcommon's linear_to_srgba8, which is compiled with APPROXIMATE_SRGB: pow(c, 1/2.2), then
 * round(255 * clamp(c, 0, 1)) (rkcommon/math/vec.ih@v1.9.0 and v1.10.0). Alpha is never curved.
 * So the revisions do not differ here; the table still names each one so a revision that does
 * (or a Brayns setting that turns tone mapping off) has a place to say so.
 */
export interface ColorPipeline {
  /** Solved curve x^a / (x^(a*d) * b + c) after multiplying by `exposure`; null = no tone mapping. */
  toneMap: { exposure: number; a: number; b: number; c: number; d: number } | null;
  /** Display exponent (1 / 2.2 for OSPRay's approximate sRGB); 1 = linear bytes. */
  gamma: number;
}

/** OSPRay ToneMapper parameters as Brayns sets them. */
export interface ToneMapperParams {
  exposure: number;
  contrast: number;
  shoulder: number;
  midIn: number;
  midOut: number;
  hdrMax: number;
}

export const BRAYNS_TONE_MAPPING: ToneMapperParams = {
  exposure: 1,
  contrast: 1.1759,
  shoulder: 0.9746,
  midIn: 0.18,
  midOut: 0.18,
  hdrMax: 6.3704,
};

/**
 * Solves the curve's b and c so that midIn maps to midOut and hdrMax to 1, with OSPRay's clamping
 * of the inputs (ToneMapper::commit).
 */
export function solveToneMapper(p: ToneMapperParams): NonNullable<ColorPipeline['toneMap']> {
  const a = Math.max(p.contrast, 0.0001);
  const d = Math.min(1, Math.max(p.shoulder, 0.0001));
  const m = Math.min(1, Math.max(p.midIn, 0.0001));
  const n = Math.min(1, Math.max(p.midOut, 0.0001));
  const w = Math.max(p.hdrMax, 1);
  const denominator = m ** (a * d) * n - n * w ** (a * d);
  const numerator = m ** (a * d) * n * w ** a - m ** a * w ** (a * d);
  const b = -((m ** (-a * d) * (-(m ** a) + (n * numerator) / denominator)) / n);
  // OSPRay clamps c to 0 to keep the curve continuous.
  const c = Math.max(numerator / denominator, 0);
  return { exposure: p.exposure, a, b, c, d };
}

const SRGB_APPROXIMATE = 1 / 2.2;

const ospraySrgbToneMapped: ColorPipeline = { toneMap: solveToneMapper(BRAYNS_TONE_MAPPING), gamma: SRGB_APPROXIMATE };

const PIPELINES: Record<Revision, ColorPipeline> = {
  R1: ospraySrgbToneMapped,
  R2: ospraySrgbToneMapped,
  R3: ospraySrgbToneMapped,
};

export function colorPipeline(revision: Revision): ColorPipeline {
  return PIPELINES[revision];
}

/** No curve at all: the byte is round(255 * clamp(v)). For callers without a revision. */
export const LINEAR_BYTES: ColorPipeline = { toneMap: null, gamma: 1 };

/** One colour channel (linear, any range) to its 8-bit display value. */
export function displayByte(pipeline: ColorPipeline, v: number): number {
  ONE_LINEAR[0] = v;
  storeDisplayByte(pipeline, ONE_LINEAR, 0, ONE_BYTE, 0);
  return ONE_BYTE[0]!;
}

const ONE_LINEAR = new Float64Array(1);
const ONE_BYTE = new Uint8Array(1);

/**
 * `displayByte` of linear[i] into out[o]. Only arrays and indices cross the call, and nothing is
 * returned: a float argument or result is boxed on the heap wherever V8 leaves the call out of line
 * (tone-mapped frames made up to 14 MB of garbage per full-HD frame that way).
 */
function storeDisplayByte(pipeline: ColorPipeline, linear: Float64Array, i: number, out: Uint8Array, o: number): void {
  const v = linear[i]!;
  let x = v > 0 ? v : 0;
  const tm = pipeline.toneMap;
  if (tm !== null) {
    x *= tm.exposure;
    x = x ** tm.a / (x ** (tm.a * tm.d) * tm.b + tm.c);
    if (!(x > 0)) x = 0;
    else if (x > 1) x = 1;
  }
  if (pipeline.gamma !== 1) x = x ** pipeline.gamma;
  out[o] = x >= 1 ? 255 : Math.round(x * 255);
}

/**
 * Writes `pixels` pixels of linear [r, g, b, alpha] values, from linear[from] on, to out[o...] as
 * RGBA bytes. Renderers hand over whole rows: a float passed per channel to a call V8 does not
 * inline is boxed on the heap. Alpha is written linearly, as OSPRay does.
 */
export function displayRow(pipeline: ColorPipeline, linear: Float64Array, pixels: number, out: Uint8Array, o: number, from = 0): void {
  for (let i = 0; i < pixels * 4; i += 4) {
    storeDisplayByte(pipeline, linear, from + i, out, o + i);
    storeDisplayByte(pipeline, linear, from + i + 1, out, o + i + 1);
    storeDisplayByte(pipeline, linear, from + i + 2, out, o + i + 2);
    const alpha = linear[from + i + 3]!;
    out[o + i + 3] = alpha <= 0 ? 0 : alpha >= 1 ? 255 : Math.round(alpha * 255);
  }
}
