import * as crypto from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers as JavaScript
 * prints them (the shortest round-trip form, identical on every machine), `undefined` properties
 * omitted and `undefined` array slots written as null, like JSON.stringify. Plans and task ids are
 * hashed over this form, so the same input gives the same bytes and hashes everywhere. Non-finite
 * numbers have no JSON form and are a bug.
 *
 * This file is the one implementation, below every stage (recipes hash their items with it too). The plan's speed-ups are options of it, not copies:
 * `shared` caches the text of objects that many tasks share by identity, `known` takes text made
 * earlier from this same writer (the compiler's per-item task templates, see task-json.ts).
 */
export interface CanonicalJsonOptions {
  /** Property names whose object values are shared between many parents and never mutated: each distinct object is serialised once per write. */
  shared?: ReadonlySet<string>;
  /** Canonical text already made for an object (by identity), written as it is; undefined to serialise it. */
  known?: (value: object) => string | undefined;
}

/** Chunks handed to a streaming caller are about this long (a 100,000-task plan is never one string). */
const CHUNK = 1 << 16;

class Writer {
  out = '';
  private capturing = 0;
  private readonly sharedText = new Map<object, string>();
  /** The sorted keys of the last object seen under each property name: sibling objects (tasks, their outputs) have the same keys. */
  private readonly shapes = new Map<string, { raw: string[]; sorted: string[] }>();
  /** `"name":` for each property name met, made once. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly options: CanonicalJsonOptions,
    private readonly flush: ((chunk: string) => void) | null,
  ) {}

  value(value: unknown, key: string): void {
    if (value === null) {
      this.out += 'null';
      return;
    }
    switch (typeof value) {
      case 'string':
      case 'boolean':
        this.out += JSON.stringify(value);
        return;
      case 'number':
        if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
        this.out += JSON.stringify(value);
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
    }
    const known = this.options.known?.(value);
    if (known !== undefined) {
      this.out += known;
      return;
    }
    if (this.options.shared?.has(key)) {
      let text = this.sharedText.get(value);
      if (text === undefined) {
        text = this.capture(value, key);
        this.sharedText.set(value, text);
        return;
      }
      this.out += text;
      return;
    }
    if (Array.isArray(value)) this.array(value, key);
    else this.record(value as Record<string, unknown>, key);
  }

  private array(value: readonly unknown[], key: string): void {
    this.out += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) this.out += ',';
      const item: unknown = value[i];
      this.value(item === undefined ? null : item, key);
      if (this.flush && this.capturing === 0 && this.out.length >= CHUNK) {
        this.flush(this.out);
        this.out = '';
      }
    }
    this.out += ']';
  }

  private record(record: Record<string, unknown>, key: string): void {
    this.out += '{';
    let first = true;
    for (const name of this.sortedKeys(record, key)) {
      const item = record[name];
      if (item === undefined) continue;
      let text = this.names.get(name);
      if (text === undefined) {
        text = `${JSON.stringify(name)}:`;
        this.names.set(name, text);
      }
      this.out += first ? text : `,${text}`;
      first = false;
      this.value(item, name);
    }
    this.out += '}';
  }

  private sortedKeys(record: Record<string, unknown>, key: string): string[] {
    const raw = Object.keys(record);
    const shape = this.shapes.get(key);
    if (shape && sameKeys(raw, shape.raw)) return shape.sorted;
    const sorted = [...raw].sort();
    this.shapes.set(key, { raw, sorted });
    return sorted;
  }

  /** The text of one value, kept whole (no chunk is flushed in the middle of it). */
  private capture(value: object, key: string): string {
    this.capturing += 1;
    const start = this.out.length;
    if (Array.isArray(value)) this.array(value, key);
    else this.record(value as Record<string, unknown>, key);
    this.capturing -= 1;
    return this.out.slice(start);
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const writer = new Writer(options, null);
  writer.value(value, '');
  return writer.out;
}

/** Streams the canonical JSON of `value` in chunks (the same bytes as `canonicalJson`), so a large value can be hashed or printed without building one huge string. */
export function writeCanonicalJson(value: unknown, write: (chunk: string) => void, options: CanonicalJsonOptions = {}): void {
  const writer = new Writer(options, write);
  writer.value(value, '');
  if (writer.out !== '') write(writer.out);
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
export function canonicalHash(value: unknown, options: CanonicalJsonOptions = {}): string {
  const hash = crypto.createHash('sha256');
  writeCanonicalJson(value, (chunk) => hash.update(chunk), options);
  return hash.digest('hex');
}
