import { describe, expect, it } from 'vitest';
import { formatReadyLine, parseReadyLine } from '../src/index.js';

describe('the built-in server ready line', () => {
  it('is parsed back from what serve prints, with or without a note, among other output', () => {
    expect(formatReadyLine('ws://127.0.0.1:40321', '2.0.0')).toBe('render-recipes serve: listening on ws://127.0.0.1:40321 (Brayns API 2.0.0)');
    const simulated = formatReadyLine('ws://[::1]:5000', '3.10.1', 'latency simulation: load 5 ms, render 1 ms');
    expect(simulated).toBe('render-recipes serve: listening on ws://[::1]:5000 (Brayns API 3.10.1) (latency simulation: load 5 ms, render 1 ms)');
    expect(parseReadyLine(`loading...\n${simulated}\n`)).toBe('ws://[::1]:5000');
    expect(parseReadyLine('render-recipes serve: listening on ')).toBeUndefined();
    expect(parseReadyLine('braynsService started')).toBeUndefined();
  });
});
