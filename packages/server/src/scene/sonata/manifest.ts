import { isAbsolute, resolve } from 'node:path';
import { circuitError } from '../circuit-error.js';

/**
 * SONATA config `manifest` variables: `"$NAME": "value"` entries that other strings use as
 * `$NAME`. Values may use other variables (resolved recursively, cycles rejected); `$BASE_DIR`
 * defaults to the config's own directory, and a relative variable value is taken from there.
 */
export function manifestVariables(json: Record<string, unknown>, configDir: string, file: string): Map<string, string> {
  const manifest = json.manifest;
  const raw = new Map<string, string>();
  if (manifest !== undefined) {
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw circuitError(`Invalid SONATA config ${file}: 'manifest' must be an object of "$NAME": "value"`);
    }
    for (const [key, value] of Object.entries(manifest)) {
      if (typeof value !== 'string') throw circuitError(`Invalid SONATA config ${file}: manifest '${key}' must be a string`);
      raw.set(key, value);
    }
  }
  if (!raw.has('$BASE_DIR')) raw.set('$BASE_DIR', '.');
  const done = new Map<string, string>();
  const expand = (name: string, stack: string[]): string => {
    const cached = done.get(name);
    if (cached !== undefined) return cached;
    if (stack.includes(name)) {
      throw circuitError(`Invalid SONATA config ${file}: manifest variables refer to each other in a loop (${[...stack, name].join(' -> ')})`);
    }
    const value = raw.get(name) as string;
    let expanded = substituteWith(value, (inner) => {
      if (!raw.has(inner)) throw circuitError(`Invalid SONATA config ${file}: manifest '${name}' uses unknown variable ${inner}`);
      return expand(inner, [...stack, name]);
    });
    expanded = isAbsolute(expanded) ? expanded : resolve(configDir, expanded);
    done.set(name, expanded);
    return expanded;
  };
  for (const name of raw.keys()) expand(name, []);
  return done;
}

/** Replaces every `$NAME` in `text`; an unknown name is an error naming the file. */
export function substitute(text: string, variables: Map<string, string>, file: string): string {
  return substituteWith(text, (name) => {
    const value = variables.get(name);
    if (value === undefined) {
      const known = [...variables.keys()].join(', ');
      throw circuitError(`Invalid SONATA config ${file}: '${text}' uses ${name}, which its manifest does not define (defined: ${known})`);
    }
    return value;
  });
}

function substituteWith(text: string, lookup: (name: string) => string): string {
  return text.replace(/\$[A-Za-z0-9_]+/g, (name) => lookup(name));
}

/** Substitutes variables in every string of a JSON value (objects and arrays walked). */
export function substituteAll(value: unknown, variables: Map<string, string>, file: string): unknown {
  if (typeof value === 'string') return substitute(value, variables, file);
  if (Array.isArray(value)) return value.map((item) => substituteAll(item, variables, file));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, key === 'manifest' ? item : substituteAll(item, variables, file)]),
    );
  }
  return value;
}
