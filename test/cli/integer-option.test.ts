import { describe, expect, it } from 'vitest';
import { integerOption } from '../../src/cli/integer-option.js';
import { isRenderRecipesError } from '../../src/errors.js';

describe('integer options', () => {
  it('take digits within the range and refuse anything else with the option, the range and the value', () => {
    const port = integerOption('--port', 0, 65535);
    expect(port('0')).toBe(0);
    expect(port(' 8080 ')).toBe(8080);
    for (const bad of ['65536', '-1', '1e3', '0x10', '2.5', '', 'two', '99999999999999999999']) {
      let error: unknown;
      try {
        port(bad);
      } catch (e) {
        error = e;
      }
      expect(isRenderRecipesError(error) && error.code).toBe('USAGE');
      expect((error as Error).message).toBe(`expected --port to be an integer in [0, 65535], got '${bad}'`);
    }
    expect(() => integerOption('--attempts', 1)('0')).toThrow("expected --attempts to be an integer >= 1, got '0'");
  });
});
