import * as crypto from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers as JavaScript
 * prints them (the shortest round-trip form, identical on every machine), `undefined` properties
 * omitted like JSON.stringify. Plans and task ids are hashed over this form, so the same input
 * gives the same bytes and hashes everywhere. Non-finite numbers have no JSON form and are a bug.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += `${i === 0 ? '' : ','}${canonicalJson(item === undefined ? null : item)}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * Streams the canonical JSON of `value` in chunks (the same bytes as `canonicalJson`), so a large
 * value can be hashed or printed without building one huge string. Plans use `writePlanJson`.
 */
export function writeCanonicalJson(value: unknown, write: (chunk: string) => void): void {
  if (value === null) return write('null');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return write(JSON.stringify(value));
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
      return write(JSON.stringify(value));
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    write('[');
    value.forEach((item: unknown, i) => {
      if (i > 0) write(',');
      // Like JSON.stringify, an undefined array slot is written as null.
      writeCanonicalJson(item === undefined ? null : item, write);
    });
    return write(']');
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  write('{');
  keys.forEach((key, i) => {
    write(i === 0 ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    writeCanonicalJson(record[key], write);
  });
  write('}');
}

/** One-shot `crypto.hash` (Node >= 20.12) is about twice as fast for the many small task hashes. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * Ids of scenes, tasks and recipes: the first 16 hex digits (64 bits) of the sha256 of their
 * canonical JSON. 64 bits keep paths and logs readable; the chance of any collision among a
 * million tasks is about 3e-8.
 */
export const ID_HEX_LENGTH = 16;

export function contentId(value: unknown): string {
  return sha256Hex(canonicalJson(value)).slice(0, ID_HEX_LENGTH);
}

/** sha256 of the canonical JSON of `value`, streamed (full 64 hex digits). */
export function canonicalHash(value: unknown): string {
  const hash = crypto.createHash('sha256');
  let buffer = '';
  writeCanonicalJson(value, (chunk) => {
    buffer += chunk;
    if (buffer.length > 65536) {
      hash.update(buffer);
      buffer = '';
    }
  });
  hash.update(buffer);
  return hash.digest('hex');
}
