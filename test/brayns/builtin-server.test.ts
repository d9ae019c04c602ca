import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import { ADAPTERS } from '../../src/brayns/adapters/index.js';
import { fullScreenView, resolveLights } from '../../src/brayns/framing.js';
import { probe } from '../../src/brayns/probe.js';
import type { BraynsClient } from '../../src/brayns/types.js';
import { generateSampleCircuit } from '@render-recipes/server';
import { startServer, type RunningServer } from '@render-recipes/server';
import { writeSonataCircuit } from '../../packages/server/test/sonata/circuit-fixture.js';
import { INTERACTIVE, SPHERES } from './fixtures.js';
import { APIS } from './helpers/plausible.js';

let dir: string;
let blueConfig: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rr-client-builtin-'));
  blueConfig = (await generateSampleCircuit(join(dir, 'circuit'), { cells: 40, duration: 10 })).blueConfig;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REVISION = { '2.0.0': 'R1', '3.0.0': 'R2', '3.10.1': 'R3' } as const;

describe.each(APIS)('the client against the built-in server speaking %s', (api) => {
  let server: RunningServer;
  let client: BraynsClient;
  beforeAll(async () => {
    server = await startServer({ api });
    client = await connect(server.url, { retries: 0 });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('reads the version, registry and loaders', async () => {
    expect(client.revision).toBe(REVISION[api]);
    const registry = new Set(await client.registry());
    expect(ADAPTERS[client.revision].requiredMethods.filter((m) => !registry.has(m))).toEqual([]);
    const loaders = await client.getLoaders();
    expect(loaders.map((l) => l.name)).toContain('BBP loader');
  });

  it('loads a tiny circuit, frames it and downloads a snapshot with the circuit in it', async () => {
    await client.clearModels();
    const progress: number[] = [];
    const models = await client.loadCircuit({ ...SPHERES, path: blueConfig, density: 1, report: { type: 'none' } }, { onProgress: (p) => progress.push(p.amount) });
    expect(models.length).toBeGreaterThanOrEqual(1);
    const scene = await client.getScene();
    expect(scene.models.map((m) => m.id)).toContain(models[0]!.id);
    const size: [number, number] = [96, 64];
    const { view, camera } = fullScreenView(scene.bounds, { type: 'perspective', fovy: 45 }, size[0] / size[1]);
    await client.clearLights();
    for (const light of resolveLights([{ type: 'directional', color: [1, 1, 1], intensity: 1, direction: [0, 0, -1], space: 'camera' }, { type: 'ambient', color: [1, 1, 1], intensity: 0.5 }], view)) {
      await client.addLight(light);
    }
    const png = await client.snapshot({ size, format: 'png', camera, view, renderer: { ...INTERACTIVE, background: [0, 0, 0, 1] } });
    const { data, info } = await sharp(png!).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual(size);
    let lit = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! + data[i + 1]! + data[i + 2]! > 30) lit += 1;
    // 40 spheres of radius 20 across a ~500 x 1500 µm column fill a visible share of the frame.
    expect(lit / (size[0] * size[1])).toBeGreaterThan(0.01);
  });

  it('has the server write the snapshot at exactly the given path', async () => {
    const filePath = join(dir, `server-${api}.png`);
    const scene = await client.getScene();
    const { view, camera } = fullScreenView(scene.bounds, { type: 'perspective', fovy: 45 }, 1);
    expect(await client.snapshot({ size: [32, 32], format: 'png', camera, view, renderer: INTERACTIVE, filePath })).toBeNull();
    expect(existsSync(filePath)).toBe(true);
    expect((await sharp(filePath).metadata()).width).toBe(32);
  });

  it('passes probe', async () => {
    expect(await probe(server.url, { retries: 0 })).toMatchObject({ ok: true, exitCode: 0, revision: REVISION[api], bbpLoader: true, problems: [] });
  });

  it('moves the simulation frame and reads it back', async () => {
    await client.setSimulationFrame(5);
    expect((await client.getSimulation()).current).toBe(5);
  });
});

describe('cancelling and losing a real server mid-request', () => {
  const big = { size: [1920, 1080] as [number, number], format: 'png' as const, camera: { type: 'perspective' as const, fovy: 45 }, renderer: { ...INTERACTIVE, type: 'production' as const, samplesPerPixel: 64, maxRayBounces: 7 } };

  async function loaded(api: '2.0.0' | '3.10.1'): Promise<{ server: RunningServer; client: BraynsClient; view: ReturnType<typeof fullScreenView>['view'] }> {
    const server = await startServer({ api });
    const client = await connect(server.url, { retries: 0 });
    await client.loadCircuit({ ...SPHERES, path: blueConfig, density: 1, report: { type: 'none' } });
    const { view } = fullScreenView((await client.getScene()).bounds, { type: 'perspective', fovy: 45 }, 16 / 9);
    return { server, client, view };
  }

  it('cancels a running snapshot and keeps the connection usable', async () => {
    const { server, client, view } = await loaded('3.10.1');
    try {
      const abort = new AbortController();
      const snapshot = client.snapshot({ ...big, view }, { signal: abort.signal, onProgress: () => abort.abort(new Error('stop')) });
      setTimeout(() => abort.abort(new Error('stop')), 200);
      await expect(snapshot).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(await client.registry()).toContain('snapshot');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('fails a pending snapshot with CONNECTION when the server goes away', async () => {
    const { server, client, view } = await loaded('2.0.0');
    try {
      const snapshot = client.snapshot({ ...big, view });
      const failed = expect(snapshot).rejects.toMatchObject({ code: 'CONNECTION', message: expect.stringContaining('was lost') as string });
      setTimeout(() => void server.close(), 100);
      await failed;
    } finally {
      await client.close();
    }
  });
});

describe('the SONATA loader through the client (R3)', () => {
  it('loads node populations named in targets, with a node set, as one model each', async () => {
    const sonata = join(dir, 'sonata');
    await writeSonataCircuit(sonata);
    const server = await startServer({ api: '3.10.1' });
    const client = await connect(server.url, { retries: 0 });
    try {
      const models = await client.loadCircuit({ ...SPHERES, loader: 'sonata', path: join(sonata, 'circuit_config.json'), density: 1, targets: ['cortex:L5', 'thalamus'], report: { type: 'none' } });
      expect(models.map((m) => m.metadata)).toEqual([
        expect.objectContaining({ population_name: 'cortex', node_sets: 'L5' }),
        expect.objectContaining({ population_name: 'thalamus' }),
      ]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
