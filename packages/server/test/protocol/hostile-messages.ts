/**
 * A seeded generator of hostile Brayns JSON-RPC traffic, to drive at a real server: valid calls
 * mutated with hostile numbers and sizes, huge strings, deep nesting, oversized arrays, broken
 * JSON and binary frames. The same seed gives the same messages, so a failure can be replayed.
 */

export type Rng = () => number;

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const int = (r: Rng, max: number): number => Math.floor(r() * max);

export interface HostileFrame {
  data: string | Buffer;
  binary: boolean;
  /** What the frame is, for a readable failure. */
  kind: string;
}

export interface HostileOptions {
  /** Longest string the generator puts in a message (default 128 KiB). */
  hugeString?: number;
  /** Deepest nesting it sends (default 100,000). */
  deepNesting?: number;
  /** Image size small renders use, so a fuzz run renders quickly (default 8). */
  smallSide?: number;
}

const HOSTILE_NUMBERS = [0, -1, 1, 2, 3.5, 1e-320, -0.0, 255, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e15, 1e308, -1e308];

/** Valid calls of every revision, the raw material that gets mutated. `s` is a small image side. */
function validCalls(s: number): { method: string; params?: unknown }[] {
  return [
    { method: 'get-version' },
    { method: 'registry' },
    { method: 'get-scene' },
    { method: 'get-loaders' },
    { method: 'get-camera-type' },
    { method: 'get-renderer-type' },
    { method: 'get-application-parameters' },
    { method: 'get-simulation-parameters' },
    { method: 'schema', params: { endpoint: 'snapshot' } },
    { method: 'set-application-parameters', params: { viewport: [s, s] } },
    { method: 'snapshot', params: { image_settings: { format: 'png', size: [s, s] } } },
    { method: 'snapshot', params: { image_settings: { format: 'jpg', quality: 50, size: [s, s] }, simulation_frame: 0 } },
    { method: 'snapshot', params: { image_settings: { size: [s, s] }, renderer: { name: 'production', params: { samples_per_pixel: 1, max_ray_bounces: 1, background_color: [0, 0, 0, 1] } } } },
    { method: 'set-renderer-interactive', params: { samples_per_pixel: 1, max_ray_bounces: 1, ao_samples: 0, enable_shadows: false, background_color: [0, 0, 0, 1] } },
    { method: 'set-renderer-production', params: { samples_per_pixel: 1, max_ray_bounces: 1, background_color: [0, 0, 0, 1] } },
    { method: 'set-camera-perspective', params: { fovy: 45 } },
    { method: 'set-camera-orthographic', params: { height: 10 } },
    { method: 'set-camera-view', params: { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] } },
    { method: 'set-camera-look-at', params: { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] } },
    { method: 'set-simulation-parameters', params: { current: 0 } },
    { method: 'add-light-ambient', params: { intensity: 0.5, color: [1, 1, 1] } },
    { method: 'clear-lights' },
    { method: 'add-model', params: { path: '/nonexistent/BlueConfig', loader_name: 'BBP loader', loader_properties: {} } },
    { method: 'get-model', params: { id: 0 } },
    { method: 'remove-model', params: { ids: [0] } },
    { method: 'cancel', params: { id: 1 } },
  ];
}

/** `[[[[...]]]]` or `{"a":{"a":...}}`, built as text so the generator itself never recurses. */
function deepText(r: Rng, depth: number): string {
  return r() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function hugeString(r: Rng, max: number): string {
  return pick(r, ['x', 'é', '\u0000', '/', '"\\']).repeat(Math.max(1, int(r, max / 2)));
}

/** Replaces one leaf (or adds a key) somewhere in `value` with something hostile. */
function mutate(r: Rng, value: unknown, options: Required<HostileOptions>, depth = 0): unknown {
  const hostile = (): unknown => {
    switch (int(r, 8)) {
      case 0:
      case 1:
      case 2:
        return pick(r, HOSTILE_NUMBERS);
      case 3:
        return [pick(r, HOSTILE_NUMBERS), pick(r, HOSTILE_NUMBERS)];
      case 4:
        return hugeString(r, options.hugeString);
      case 5:
        return Array.from({ length: int(r, 20_000) }, () => pick(r, HOSTILE_NUMBERS));
      case 6:
        return JSON.parse(deepText(r, 1 + int(r, 2000))) as unknown;
      default:
        return pick(r, [null, true, '', {}, [], 'png', 'BBP loader']);
    }
  };
  if (depth > 4 || value === null || typeof value !== 'object' || r() < 0.15) return hostile();
  if (Array.isArray(value)) {
    if (value.length === 0) return [hostile()];
    const copy: unknown[] = [...(value as unknown[])];
    const i = int(r, copy.length);
    copy[i] = mutate(r, copy[i], options, depth + 1);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || r() < 0.1) copy[r() < 0.5 ? 'unexpected' : hugeString(r, 64)] = hostile();
  else {
    const key = pick(r, keys);
    copy[key] = mutate(r, copy[key], options, depth + 1);
  }
  return copy;
}

/** Hostile size requests the server must refuse or bound, not allocate. */
function hostileRender(r: Rng): { method: string; params: unknown } {
  const big = pick(r, [8193, 16384, 65535, 100_000, 2 ** 31 - 1, 2 ** 32]);
  switch (int(r, 6)) {
    case 0:
      return { method: 'snapshot', params: { image_settings: { size: [big, big] } } };
    case 1:
      return { method: 'snapshot', params: { image_settings: { size: [1, big] } } };
    case 2:
      return { method: 'set-application-parameters', params: { viewport: [big, big] } };
    case 3:
      return { method: 'set-renderer-interactive', params: { samples_per_pixel: big, ao_samples: big } };
    case 4:
      return { method: 'set-renderer-production', params: { samples_per_pixel: big, max_ray_bounces: 3 } };
    default:
      return { method: 'snapshot', params: { image_settings: { size: [8, 8] }, image_start: [0.5, 0.5], image_end: [0.5 + 1e-6, 0.5 - 1e-6] } };
  }
}

function envelope(r: Rng, i: number, call: { method: string; params?: unknown }): Record<string, unknown> {
  const message: Record<string, unknown> = { jsonrpc: '2.0', id: r() < 0.9 ? `f${i}` : null, method: call.method };
  if (call.params !== undefined) message['params'] = call.params;
  return message;
}

function binaryFrame(r: Rng, options: Required<HostileOptions>): Buffer {
  switch (int(r, 4)) {
    case 0:
      return Buffer.from(Array.from({ length: int(r, 64) }, () => int(r, 256)));
    case 1: {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(int(r, 2 ** 32), 0);
      return Buffer.concat([header, Buffer.from('{"jsonrpc":"2.0","id":1,"method":"get-version"}')]);
    }
    case 2: {
      const json = Buffer.from('{"jsonrpc":"2.0","id":"b","method":"get-version"}');
      const header = Buffer.alloc(4);
      header.writeUInt32LE(json.length, 0);
      return Buffer.concat([header, json, Buffer.alloc(int(r, options.hugeString))]);
    }
    default:
      return Buffer.alloc(int(r, options.hugeString), int(r, 256));
  }
}

/** The `i`-th message of a hostile session; call in order with one shared `r`. */
export function hostileFrame(r: Rng, i: number, options: HostileOptions = {}): HostileFrame {
  const o: Required<HostileOptions> = { hugeString: 1 << 17, deepNesting: 100_000, smallSide: 8, ...options };
  const roll = r();
  if (roll < 0.25) return { data: JSON.stringify(envelope(r, i, pick(r, validCalls(o.smallSide)))), binary: false, kind: 'valid call' };
  if (roll < 0.6) {
    const call = pick(r, validCalls(o.smallSide));
    const mutated = r() < 0.2 ? (mutate(r, envelope(r, i, call), o) as Record<string, unknown>) : envelope(r, i, { method: call.method, params: mutate(r, call.params ?? {}, o) });
    return { data: JSON.stringify(mutated), binary: false, kind: 'mutated call' };
  }
  if (roll < 0.7) return { data: JSON.stringify(envelope(r, i, hostileRender(r))), binary: false, kind: 'hostile size' };
  if (roll < 0.75) {
    const nested = deepText(r, 1 + int(r, o.deepNesting));
    return { data: `{"jsonrpc":"2.0","id":"d${i}","method":"snapshot","params":${nested}}`, binary: false, kind: 'deep nesting' };
  }
  if (roll < 0.8) {
    const text = JSON.stringify(envelope(r, i, { method: hugeString(r, o.hugeString) }));
    return { data: text, binary: false, kind: 'huge method name' };
  }
  if (roll < 0.88) return { data: binaryFrame(r, o), binary: true, kind: 'binary frame' };
  if (roll < 0.94) {
    const text = JSON.stringify(envelope(r, i, pick(r, validCalls(o.smallSide))));
    return { data: text.slice(0, int(r, text.length)), binary: false, kind: 'truncated JSON' };
  }
  return { data: Buffer.from(Array.from({ length: int(r, 256) }, () => int(r, 256))), binary: false, kind: 'invalid UTF-8' };
}
