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

/**
 * ajv-style instance paths (`/a/0/b`) of every number written with a fraction or an exponent.
 * The text must already have passed `JSON.parse`, so the scanner can trust its structure.
 */
export function floatSpelledPaths(text: string): Set<string> {
  const found = new Set<string>();
  if (!/[.eE]/.test(text)) return found;
  // One frame per open container: the path prefix, and for objects the last key read.
  const stack: { path: string; array: boolean; index: number; key: string }[] = [];
  let expectKey = false;
  const currentPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    const segment = top.array ? String(top.index) : top.key.replace(/~/g, '~0').replace(/\//g, '~1');
    return `${top.path}/${segment}`;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        expectKey = false;
      }
      i = j + 1;
    } else if (c === '{' || c === '[') {
      stack.push({ path: currentPath(), array: c === '[', index: 0, key: '' });
      expectKey = c === '{';
      i += 1;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i += 1;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.array) top.index += 1;
      else expectKey = true;
      i += 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j] as string)) j += 1;
      if (/[.eE]/.test(text.slice(i, j))) found.add(currentPath());
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
