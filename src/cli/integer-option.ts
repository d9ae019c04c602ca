import { RenderRecipesError } from '../errors.js';

/**
 * The one parser of integer options (`--attempts 3`, `--port 0`, `--nodes 2`): digits only (no
 * `1e3`, `0x10`, `2.5` or sign), a safe integer, within [min, max]. A bad value is a USAGE error
 * (exit 2) that names the option, the range and what was given.
 */
export function integerOption(flag: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new RenderRecipesError('USAGE', `expected ${flag} to be ${range}, got '${value}'`);
    }
    return parsed;
  };
}
