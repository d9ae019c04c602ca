import { describe, expect, it } from 'vitest';
import { selectGids, strideSample, type SelectionInput } from '../../src/scene/selection.js';
import { TargetRegistry } from '../../src/scene/targets.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function targets(): Promise<TargetRegistry> {
  const registry = new TargetRegistry();
  registry.addFile(
    `Target Cell Even { ${range(1, 50).map((i) => `a${i * 2}`).join(' ')} }
     Target Cell Low { ${range(1, 10).map((i) => `a${i}`).join(' ')} }
     Target Cell Default { a5 a6 a7 }`,
    '/t/start.target',
  );
  return Promise.resolve(registry);
}

function input(overrides: Partial<SelectionInput>): SelectionInput {
  return { revision: 'R3', gids: null, targets: null, percentage: 1, circuitTarget: null, cellCount: 100, cellSource: '/c/circuit.mvd3', ...overrides };
}

describe('cell selection (PROTOCOL §6.2)', () => {
  it('strides over the sorted set: expected = floor(N p), step = floor(N / expected)', () => {
    expect(strideSample(range(1, 100), 0.1)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
    // N = 10, p = 0.3: expected 3, step 3 -> positions 0, 3, 6, 9 (four cells, as Brayns keeps them).
    expect(strideSample(range(1, 10), 0.3)).toEqual([1, 4, 7, 10]);
    // N = 7, p = 0.5: expected 3, step 2.
    expect(strideSample([3, 9, 12, 40, 41, 50, 77], 0.5)).toEqual([3, 12, 41, 77]);
    expect(strideSample(range(1, 5), 1)).toEqual(range(1, 5));
    expect(strideSample(range(1, 5), 0.01)).toEqual([1]);
  });

  it('base set: gids, else union of targets, else CircuitTarget, else all cells', async () => {
    expect(await selectGids(input({ gids: [9, 3, 3, 7] }), targets)).toEqual([3, 7, 9]);
    expect(await selectGids(input({ targets: ['Low', 'Default', 'pop:Even'] }), targets)).toEqual([
      ...range(1, 10),
      ...range(6, 50).map((i) => i * 2),
    ]);
    expect(await selectGids(input({ circuitTarget: 'Default' }), targets)).toEqual([5, 6, 7]);
    expect(await selectGids(input({}), targets)).toEqual(range(1, 100));
  });

  it('R1 applies percentage to explicit gids; R2/R3 do not', async () => {
    const gids = range(1, 20);
    expect(await selectGids(input({ revision: 'R1', gids, percentage: 0.25 }), targets)).toEqual([1, 5, 9, 13, 17]);
    expect(await selectGids(input({ revision: 'R2', gids, percentage: 0.25 }), targets)).toEqual(gids);
    expect(await selectGids(input({ revision: 'R3', gids, percentage: 0.25 }), targets)).toEqual(gids);
    expect(await selectGids(input({ revision: 'R3', targets: ['Even'], percentage: 0.1 }), targets)).toEqual([2, 22, 42, 62, 82]);
  });

  it('R1 reads empty lists as not given', async () => {
    expect(await selectGids(input({ revision: 'R1', gids: [], targets: [], circuitTarget: 'Default' }), targets)).toEqual([5, 6, 7]);
  });

  it('rejects GIDs outside the circuit and names the circuit file', async () => {
    await expect(selectGids(input({ gids: [1, 101] }), targets)).rejects.toThrow(
      'Cell GID out of range: 101 (the circuit /c/circuit.mvd3 has 100 cells, GIDs 1 to 100)',
    );
    await expect(selectGids(input({ gids: [0] }), targets)).rejects.toMatchObject({ code: 'CIRCUIT_INVALID' });
  });

  it('reports an empty result with each revision wording', async () => {
    await expect(selectGids(input({ revision: 'R1', cellCount: 0 }), targets)).rejects.toThrow('No GIDs were selected with the input parameters');
    await expect(selectGids(input({ revision: 'R2', cellCount: 0 }), targets)).rejects.toThrow('Empty list of GIDs computed');
    await expect(selectGids(input({ revision: 'R3', targets: ['Missing'] }), targets)).rejects.toThrow("Invalid or empty target: 'Missing'");
  });
});
