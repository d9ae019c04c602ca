import { RenderRecipesError } from '@render-recipes/protocol';
import { invalidParams, type JsonRpcError } from './errors.js';

/**
 * What one client may make the server hold or do. Brayns has none of these, so a hostile or
 * careless request could make it allocate without bound; here each is a documented limit with a
 * -32602 answer (or, for a frame too large to read, a close with a reason) naming the option that
 * raises it. Defaults live here only.
 */
export interface ServeLimits {
  /** Pixels of one rendered frame (width x height, region frames included). */
  maxPixels: number;
  /** `samples_per_pixel` and `ao_samples` of the renderer a snapshot uses. */
  maxSamples: number;
  /** Nesting depth of a message's JSON (`{"a":[1]}` is 2). */
  maxJsonDepth: number;
  /** Bytes of one incoming WebSocket message; a larger one is never buffered. */
  maxMessageBytes: number;
  /** A session with nothing in flight and no message for this long is closed; 0 = never. */
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<ServeLimits> = Object.freeze({
  maxPixels: 8192 * 8192,
  maxSamples: 1024,
  maxJsonDepth: 64,
  maxMessageBytes: 16 * 1024 * 1024,
  idleTimeoutMs: 300_000,
});

/** Node timers overflow above 2^31 - 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Fills defaults and rejects nonsense once, at start-up. */
export function resolveLimits(given: Partial<ServeLimits> = {}): ServeLimits {
  const limits = { ...DEFAULT_LIMITS, ...given };
  const check = (key: keyof ServeLimits, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const value = limits[key];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new RenderRecipesError('USAGE', `expected server limit ${key} to be an integer in [${min}, ${max}], got ${value}`);
    }
  };
  check('maxPixels', 1);
  check('maxSamples', 1);
  check('maxJsonDepth', 2);
  check('maxMessageBytes', 64);
  check('idleTimeoutMs', 0, MAX_TIMER_MS);
  return limits;
}

/** How --max-pixels was given, to quote it back in errors (`8192x8192` reads better than 67108864). */
export function describePixels(maxPixels: number): string {
  const side = Math.sqrt(maxPixels);
  return Number.isInteger(side) ? `${side}x${side}` : String(maxPixels);
}

/**
 * Nesting depth of a parsed JSON value, without recursion (a 100,000-deep array must not blow
 * the stack here either). Stops counting once past `max`.
 */
export function jsonDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: here });
    }
  }
  return deepest;
}

export function tooDeep(limits: ServeLimits): JsonRpcError {
  return invalidParams(`Message nested too deeply: more than ${limits.maxJsonDepth} levels (limit --max-json-depth ${limits.maxJsonDepth})`);
}

/** The size of the frame a snapshot is about to render (after region scaling). */
export function checkRenderSize(width: number, height: number, limits: ServeLimits): void {
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    const max = describePixels(limits.maxPixels);
    throw invalidParams(
      `Image too large: ${width}x${height} is ${pixels} pixels, the server renders at most ${limits.maxPixels} (limit --max-pixels ${max})`,
    );
  }
}

/** Samples that multiply the work of every pixel; a huge count would hold the server for days. */
export function checkSamples(samples: { samples_per_pixel?: number; ao_samples?: number }, limits: ServeLimits): void {
  for (const key of ['samples_per_pixel', 'ao_samples'] as const) {
    const value = samples[key];
    if (value !== undefined && value > limits.maxSamples) {
      throw invalidParams(`Too many samples: ${key} ${value} > ${limits.maxSamples} (limit --max-samples ${limits.maxSamples})`);
    }
  }
}

/** A typed array or buffer the process could not allocate: answered, never a crash. */
export function isAllocationFailure(error: unknown): boolean {
  return error instanceof RangeError && /allocation failed|Invalid (?:typed )?array(?: buffer)? length/i.test(error.message);
}

export function cannotAllocate(width: number, height: number, limits: ServeLimits): JsonRpcError {
  return invalidParams(
    `Cannot allocate a ${width}x${height} image on this server: ask for fewer pixels, or start it with a lower --max-pixels than ${describePixels(limits.maxPixels)} so such requests are refused up front`,
  );
}
