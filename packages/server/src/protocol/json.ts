/**
 * JSON helpers for the wire. Brayns writes condensed JSON with sorted object keys, and its parser
 * keeps the spelling of numbers: `1.0` is a float and is rejected where an integer is required,
 * which `JSON.parse` alone cannot tell. `floatSpelledPaths` recovers that information.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Condensed JSON with object keys in sorted order, like Poco's `Stringifier::condense`. */
export function stringifySorted(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortKeys(item);
    }
    return out;
  }
  return value;
}

/** The ajv-style paths of float-spelled numbers a request holds: asked, never listed. */
export interface FloatPaths {
  has(path: string): boolean;
}

export const NO_FLOAT_PATHS: FloatPaths = { has: () => false };

/** The paths under `/key`, re-rooted there (a view: nothing is copied). */
export function floatPathsUnder(paths: FloatPaths, key: string): FloatPaths {
  const prefix = `/${key}`;
  return { has: (path) => paths.has(prefix + path) };
}

// Character codes the float-spelling scanner compares against.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * ajv-style instance paths (`/a/0/b`) of the integral numbers written with a fraction or an
 * exponent (`1.0`, `2e3`): the only spellings the answers depend on, since a non-integral number
 * is no integer however it is written. Paths are built only for those, so a message of 100,000
 * `add-spheres` items costs no string per number. The text must already have passed `JSON.parse`,
 * so the scanner can trust its structure.
 */
export function floatSpelledPaths(text: string): Set<string> {
  const found = new Set<string>();
  if (!/[.eE]/.test(text)) return found;
  // One frame per open container: for arrays the index, for objects the last key read.
  const stack: { array: boolean; index: number; key: string }[] = [];
  let expectKey = false;
  const currentPath = (): string =>
    stack.map((frame) => `/${frame.array ? String(frame.index) : frame.key.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (text.charCodeAt(j) !== QUOTE) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        expectKey = false;
      }
      i = j + 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      stack.push({ array: c === OPEN_BRACKET, index: 0, key: '' });
      expectKey = c === OPEN_BRACE;
      i += 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
      i += 1;
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index += 1;
      else expectKey = true;
      i += 1;
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      let j = i + 1;
      let floatSpelled = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === DOT || d === LOWER_E || d === UPPER_E) floatSpelled = true;
        else if (!((d >= DIGIT_0 && d <= DIGIT_9) || d === PLUS || d === MINUS)) break;
      }
      if (floatSpelled && Number.isInteger(Number(text.slice(i, j)))) found.add(currentPath());
      i = j;
    } else {
      i += 1;
    }
  }
  return found;
}

/** The JSON type name Brayns prints in validation messages. */
export function jsonTypeName(value: unknown, floatSpelled: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) && !floatSpelled ? 'integer' : 'number';
  return typeof value;
}
