import { describe, expect, it } from 'vitest';
import { readBlueConfig } from '../../src/scene/blueconfig.js';
import { TargetRegistry, loadTargets } from '../../src/scene/targets.js';
import { tempDir, writeText } from './helpers.js';

function registry(text: string): TargetRegistry {
  const targets = new TargetRegistry();
  targets.addFile(text, '/x/start.target');
  return targets;
}

describe('targets', () => {
  it('resolves nested targets to sorted unique GIDs', () => {
    const targets = registry(`
      Target Cell A { a3 a1 }
      Target Cell B
      {
        a2 a3 # comment a99
        A
      }
      Target Cell C { B a10 }`);
    expect(targets.resolve('A')).toEqual([1, 3]);
    expect(targets.resolve('C')).toEqual([1, 2, 3, 10]);
  });

  it('survives reference cycles', () => {
    const targets = registry('Target Cell X { a1 Y }\nTarget Cell Y { a2 X }\nTarget Cell Z { Z a5 }');
    expect(targets.resolve('X')).toEqual([1, 2]);
    expect(targets.resolve('Z')).toEqual([5]);
  });

  it('reports unknown and empty targets with Brayns wording', () => {
    const targets = registry('Target Cell Empty { }\nTarget Cell Broken { a1 Missing }');
    expect(() => targets.resolve('Nope')).toThrow("Invalid or empty target: 'Nope'");
    expect(() => targets.resolve('Empty')).toThrow("Invalid or empty target: 'Empty'");
    expect(() => targets.resolve('Broken')).toThrow("Invalid or empty target: 'Missing' (referenced from /x/start.target)");
  });

  it('takes cells from Compartment targets and ignores their section names and numbers', () => {
    const targets = registry('Target Compartment soma_of { a4 soma 0.5 a2 }');
    expect(targets.resolve('soma_of')).toEqual([2, 4]);
  });

  it('reads start.target from nrnPath and CircuitPath and the TargetFile; earlier definitions win', async () => {
    const dir = await tempDir();
    await writeText(dir, 'start.target', 'Target Cell Layer1 { a1 a2 }\nTarget Cell Shared { a1 }');
    await writeText(dir, 'mine.target', 'Target Cell Mine { Layer1 a7 }\nTarget Cell Shared { a9 }');
    const config = await readBlueConfig(
      await writeText(dir, 'BlueConfig', 'Run D {\n CircuitPath circuit.mvd2\n nrnPath .\n TargetFile mine.target\n}'),
    );
    const targets = await loadTargets(config);
    expect(targets.resolve('Mine')).toEqual([1, 2, 7]);
    expect(targets.resolve('Shared')).toEqual([1]);
  });

  it('names a missing TargetFile', async () => {
    const dir = await tempDir();
    const config = await readBlueConfig(await writeText(dir, 'BlueConfig', 'Run D { CircuitPath .\n TargetFile gone.target }'));
    await expect(loadTargets(config)).rejects.toThrow(`Cannot open target file ${dir}/gone.target (TargetFile of ${dir}/BlueConfig)`);
  });
});
