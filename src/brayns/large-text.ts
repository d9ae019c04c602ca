/**
 * R1 sends snapshots as `{"result": {"data": "<base64>"}}` text frames (4 MB of text for a
 * full-HD PNG). Decoding that whole frame to a UTF-8 string and JSON.parse-ing it costs about three
 * times the base64 decode itself, so large frames take a shortcut: the `"data"` string is cut out
 * of the bytes as a one-byte (latin1) string and only the small rest is parsed. Anything unusual
 * (escapes inside the value, no such key) falls back to plain JSON.parse.
 */
const LARGE = 256 * 1024;
const KEY = Buffer.from('"data":"');
const SENTINEL = '\u0000render-recipes-large-value';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function parseFrameText(frame: Buffer): unknown {
  if (frame.length >= LARGE) {
    const parsed = parseWithoutLargeValue(frame);
    if (parsed !== undefined) return parsed;
  }
  return JSON.parse(frame.toString('utf8'));
}

function parseWithoutLargeValue(frame: Buffer): unknown {
  const key = frame.indexOf(KEY);
  if (key <= 0 || frame[key - 1] === BACKSLASH) return undefined;
  const start = key + KEY.length;
  const end = frame.indexOf(QUOTE, start);
  if (end < 0 || end - start < LARGE / 2) return undefined;
  const escape = frame.indexOf(BACKSLASH, start);
  if (escape >= 0 && escape < end) return undefined;
  // Raw bytes >= 0x80 would need UTF-8 decoding; base64 and hex never contain them.
  const value = frame.toString('latin1', start, end);
  if (!/^[\x20-\x7e]*$/.test(value.slice(0, 64))) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(`${frame.toString('utf8', 0, start)}${JSON.stringify(SENTINEL).slice(1)}${frame.toString('utf8', end + 1)}`);
  } catch {
    return undefined;
  }
  return replaceSentinel(message, value, 0) ? message : undefined;
}

function replaceSentinel(node: unknown, value: string, depth: number): boolean {
  if (depth > 8 || node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    if (k === 'data' && v === SENTINEL) {
      record[k] = value;
      return true;
    }
    if (replaceSentinel(v, value, depth + 1)) return true;
  }
  return false;
}
