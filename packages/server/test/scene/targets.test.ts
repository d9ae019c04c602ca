import { describe, expect, it } from 'vitest';
import { readBlueConfig } from '../../src/scene/blueconfig.js';
import { TargetRegistry, loadTargets } from '../../src/scene/targets.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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

  it('still reads start.target from CircuitPath when the TargetFile is missing, as Brion does', async () => {
    const dir = await tempDir();
    await writeText(dir, 'start.target', 'Target Cell Layer1 { a1 a2 }');
    const config = await readBlueConfig(await writeText(dir, 'CircuitConfig', 'Run D { CircuitPath .\n TargetFile gone.target }'));
    const targets = await loadTargets(config);
    expect(targets.resolve('Layer1')).toEqual([1, 2]);
    expect(() => targets.resolve('OnlyInGone')).toThrow(
      `Invalid or empty target: 'OnlyInGone'; target file ${dir}/gone.target (TargetFile of ${dir}/CircuitConfig) could not be read: ENOENT`,
    );
  });

  it('reads start.target from nrnPath when it exists there, otherwise from CircuitPath, never both', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'nrn'));
    await mkdir(join(dir, 'circuit'));
    await writeText(join(dir, 'circuit'), 'start.target', 'Target Cell FromCircuit { a5 }');
    const both = await readBlueConfig(await writeText(dir, 'BlueConfig', 'Run D { CircuitPath circuit\n nrnPath nrn }'));
    expect((await loadTargets(both)).resolve('FromCircuit')).toEqual([5]);
    await writeText(join(dir, 'nrn'), 'start.target', 'Target Cell FromNrn { a6 }');
    const nrnFirst = await loadTargets(both);
    expect(nrnFirst.resolve('FromNrn')).toEqual([6]);
    expect(() => nrnFirst.resolve('FromCircuit')).toThrow("Invalid or empty target: 'FromCircuit'");
  });
});
