import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBlueConfig } from '../../src/scene/blueconfig.js';
import { readCircuitCells } from '../../src/scene/cells/index.js';
import { loadBbpCircuit } from '../../src/scene/load-bbp.js';
import { generateSampleCircuit } from '../../src/sample/generate.js';
import { context, request, suiteDir, tempDir, writeText } from './helpers.js';

describe('loadBbpCircuit', () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await suiteDir('rr-load-');
    await generateSampleCircuit(dir, { cells: 200, seed: 5 });
    config = join(dir, 'BlueConfig');
  });

  it('places one sphere of radius radius_multiplier at every selected cell', async () => {
    const circuit = await loadBbpCircuit(request(config, { radiusMultiplier: 20 }), context());
    const cells = await readCircuitCells(await readBlueConfig(config), new AbortController().signal, () => {});
    expect(Array.from(circuit.gids)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(circuit.spheres.radii.every((r) => r === 20)).toBe(true);
    expect(Array.from(circuit.spheres.cell)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(Array.from(circuit.spheres.centers)).toEqual(Array.from(Float32Array.from(cells.positions)));
    expect(circuit.cones.radii.length).toBe(0);
    const xs = Array.from(circuit.spheres.centers.filter((_, i) => i % 3 === 0));
    expect(circuit.bounds.min[0]).toBe(Math.min(...xs) - 20);
    expect(circuit.bounds.max[0]).toBe(Math.max(...xs) + 20);
    expect(circuit.bounds.max[1] - circuit.bounds.min[1]).toBeGreaterThan(1400);
  });

  it('density 0.5 keeps every other cell; targets select and are echoed for the metadata', async () => {
    const half = await loadBbpCircuit(request(config, { percentage: 0.5 }), context());
    expect(Array.from(half.gids)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + 2 * i));
    const layer5 = await loadBbpCircuit(request(config, { targets: ['Layer5'] }), context());
    const targetText = await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'start.target'), 'utf8'));
    const block = /Target Cell Layer5\n\{([^}]*)\}/.exec(targetText)?.[1] ?? '';
    expect(Array.from(layer5.gids)).toEqual(block.trim().split(/\s+/).map((a) => Number(a.slice(1))));
    expect(layer5.targets).toEqual(['Layer5']);
    expect(half.targets).toEqual([]);
  });

  it('reports progress with each revision operation names', async () => {
    const spikes = { type: 'spikes', transitionTime: 1 } as const;
    const r1 = context();
    await loadBbpCircuit(request(config, { revision: 'R1', report: spikes }), r1);
    const r3 = context();
    await loadBbpCircuit(request(config, { revision: 'R3', report: spikes }), r3);
    expect([...new Set(r1.progress.map((p) => p.operation))]).toEqual(['Loading neurons', 'Loading spikes']);
    expect([...new Set(r3.progress.map((p) => p.operation))]).toEqual(['Neuron load', 'Report load']);
    for (const { amount } of [...r1.progress, ...r3.progress]) expect(amount).toBeGreaterThanOrEqual(0);
    expect(r1.progress.at(-1)).toEqual({ operation: 'Loading spikes', amount: 1 });
  });

  it('stops with the abort reason when cancelled', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the client');
    controller.abort(reason);
    await expect(loadBbpCircuit(request(config), context(controller.signal))).rejects.toBe(reason);

    // Aborting while cells are being read stops the load too.
    const during = new AbortController();
    const ctx = context(during.signal);
    const load = loadBbpCircuit(request(config, { report: { type: 'spikes', transitionTime: 1 } }), {
      ...ctx,
      onProgress: (operation, amount) => {
        if (operation === 'Neuron load') during.abort(reason);
        ctx.onProgress(operation, amount);
      },
    });
    await expect(load).rejects.toBe(reason);
    expect(ctx.progress.some((p) => p.operation === 'Report load')).toBe(false);
  });

  it('refuses morphologies without a MorphologyPath, naming the config', async () => {
    const own = await tempDir();
    await generateSampleCircuit(own, { cells: 5 });
    const noMorphologies = await writeText(own, 'BlueConfig.nomorph', 'Run D { CircuitPath . }');
    await expect(loadBbpCircuit(request(noMorphologies, { sphereMode: false }), context())).rejects.toThrow(
      `MorphologyPath is not set in the Run section of ${noMorphologies}`,
    );
  });

  it('uses the config CircuitTarget when neither gids nor targets are given', async () => {
    const own = await tempDir();
    await generateSampleCircuit(own, { cells: 50 });
    const path = await writeText(own, 'BlueConfig.l1', 'Run D {\n CircuitPath circuit.mvd2\n nrnPath .\n CircuitTarget column:Layer1\n}');
    const circuit = await loadBbpCircuit(request(path), context());
    const cells = await readCircuitCells(await readBlueConfig(path), new AbortController().signal, () => {});
    // Layer 1 is the top band of the column (y 1380-1500).
    expect(circuit.gids.length).toBeGreaterThan(0);
    for (const gid of circuit.gids) expect(cells.positions[(gid - 1) * 3 + 1]).toBeGreaterThan(1380);
  });
});

describe('loadBbpCircuit in morphology mode', () => {
  it('hands every selected cell to the morphology builder and returns its cones and spheres', async () => {
    const dir = await tempDir();
    await generateSampleCircuit(dir, { cells: 30, seed: 2 });
    const circuit = await loadBbpCircuit(
      request(join(dir, 'BlueConfig'), { sphereMode: false, sections: { soma: true, axon: true, dendrites: true }, percentage: 0.5 }),
      context(),
    );
    expect(circuit.gids.length).toBe(15);
    expect(circuit.cones.radii.length).toBeGreaterThan(15 * 20);
    // Every loaded cell owns geometry, so every cell can be coloured.
    expect(new Set(circuit.cones.cell).size).toBe(15);
    expect(Math.max(...circuit.cones.cell)).toBe(14);
    // Neurites reach beyond the somata: the model is taller than the soma layer spread.
    const somaSpan = await loadBbpCircuit(request(join(dir, 'BlueConfig'), { percentage: 0.5, radiusMultiplier: 0.1 }), context());
    expect(circuit.bounds.max[1] - circuit.bounds.min[1]).toBeGreaterThan(somaSpan.bounds.max[1] - somaSpan.bounds.min[1] + 100);
  });
});

describe('morphology directory', () => {
  it("uses MorphologyPath/ascii when no MorphologyType is given and that folder exists, else MorphologyPath", async () => {
    const dir = await tempDir();
    await generateSampleCircuit(dir, { cells: 4 });
    const config = await writeText(dir, 'BlueConfig.untyped', 'Run D {\n CircuitPath .\n MorphologyPath morphologies\n}');
    const morphologyMode = request(config, { sphereMode: false, sections: { soma: true, axon: false, dendrites: true } });
    const direct = await loadBbpCircuit(morphologyMode, context());
    expect(direct.cones.radii.length).toBeGreaterThan(0);

    const { mkdir, rename, readdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'morphologies', 'ascii'));
    for (const name of await readdir(join(dir, 'morphologies'))) {
      if (name.endsWith('.swc')) await rename(join(dir, 'morphologies', name), join(dir, 'morphologies', 'ascii', name));
    }
    const viaAscii = await loadBbpCircuit(morphologyMode, context());
    expect(Array.from(viaAscii.cones.ends)).toEqual(Array.from(direct.cones.ends));
  });
});
