import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigSections, readBlueConfig } from '../../src/scene/blueconfig.js';
import { tempDir, writeText } from './helpers.js';

describe('BlueConfig', () => {
  it('reads the first Run section, resolves relative paths against the file and drops comments', async () => {
    const dir = await tempDir();
    const path = await writeText(
      dir,
      'BlueConfig',
      [
        '# a comment { with braces }',
        'Run Default',
        '{',
        '  CircuitPath circuit   # trailing comment',
        '  nrnPath /abs/connectome',
        '  MorphologyPath ../morph',
        '  MorphologyType asc',
        '  OutputRoot out',
        '  CircuitTarget All:Layer5',
        '  TargetFile user.target',
        '  Dt 0.025',
        '}',
        'Report soma { Format Bin  ReportOn v }',
        'Run Second { CircuitPath elsewhere }',
      ].join('\n'),
    );
    const config = await readBlueConfig(path);
    expect(config.runName).toBe('Default');
    expect(config.circuitPath).toBe(join(dir, 'circuit'));
    expect(config.nrnPath).toBe('/abs/connectome');
    expect(config.morphologyPath).toBe(join(dir, '..', 'morph'));
    expect(config.morphologyType).toBe('asc');
    expect(config.outputRoot).toBe(join(dir, 'out'));
    expect(config.targetFile).toBe(join(dir, 'user.target'));
    expect(config.circuitTarget).toBe('Layer5');
    expect(config.circuitPopulation).toBe('All');
    expect(config.reports.has('soma')).toBe(true);
  });

  it('leaves keys that are not given as null', async () => {
    const dir = await tempDir();
    const config = await readBlueConfig(await writeText(dir, 'CircuitConfig', 'Run R\n{\n  CircuitPath .\n}\n'));
    expect(config.circuitPath).toBe(dir);
    expect([config.cellLibraryFile, config.spikesPath, config.outputRoot, config.circuitTarget, config.morphologyType]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('names the missing file in Brayns words', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nope', 'BlueConfig');
    await expect(readBlueConfig(missing)).rejects.toMatchObject({
      code: 'CIRCUIT_INVALID',
      message: `Cannot open BlueConfig file ${missing}`,
    });
    await expect(readBlueConfig(dir)).rejects.toThrow(`Cannot open BlueConfig file ${dir}`);
  });

  it('rejects a file without a Run section and says which file', async () => {
    const dir = await tempDir();
    const path = await writeText(dir, 'BlueConfig', 'Circuit Only { CircuitPath . }\n');
    await expect(readBlueConfig(path)).rejects.toThrow(`No Run section in BlueConfig file ${path}`);
  });

  it('splits sections of any type and keeps the first value of a repeated key', () => {
    const sections = parseConfigSections('Stimulus s1 { Mode Current\nMode Voltage }\nRun r { A 1 2 3 }');
    expect(sections.map((s) => `${s.type}:${s.name}`)).toEqual(['Stimulus:s1', 'Run:r']);
    expect(sections[0]?.values.get('Mode')).toBe('Current');
    expect(sections[1]?.values.get('A')).toBe('1 2 3');
  });
});
