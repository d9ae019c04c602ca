import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import { ADAPTERS } from '../../src/brayns/adapters/index.js';
import type { BraynsClient } from '../../src/brayns/types.js';
import { CIRCUITS, INTERACTIVE, PRODUCTION, R3_SNAPSHOT, SNAPSHOTS, SONATA } from './fixtures.js';
import { APIS, FAKE_PNG, resultFor, type Api } from './helpers/plausible.js';
import { plausible } from './helpers/plausible.js';
import { startScriptedServer, type ScriptedServer } from './helpers/scripted-server.js';
import { validateRequest, validateResult } from './helpers/validate.js';

const REVISION = { '2.0.0': 'R1', '3.0.0': 'R2', '3.10.1': 'R3' } as const;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Calls every method of the typed API with every variant the plan can produce. */
async function exercise(client: BraynsClient): Promise<void> {
  await client.registry();
  await client.getLoaders();
  for (const circuit of Object.values(CIRCUITS)) await client.loadCircuit(circuit);
  if (client.revision === 'R3') for (const circuit of Object.values(SONATA)) await client.loadCircuit(circuit);
  await client.getScene();
  await client.getModel(0);
  await client.removeModels([0, 1]);
  await client.clearModels();
  await client.clearLights();
  await client.addLight({ type: 'ambient', color: [1, 1, 1], intensity: 0.4 });
  await client.addLight({ type: 'directional', color: [1, 0.9, 0.8], intensity: 1, direction: [-1, -1, -1] });
  await client.getSimulation();
  await client.setSimulationFrame(120);
  if (client.revision === 'R1') await expect(client.setColorRamp(0, { colors: [[0, 0, 0, 1], [1, 1, 1, 1]], range: [0, 1] })).rejects.toMatchObject({ code: 'CAPABILITY' });
  else await client.setColorRamp(0, { colors: [[0, 0, 0, 1], [1, 1, 1, 1]], range: [0, 1] });
  await client.getView();
  await client.setView(SNAPSHOTS.png!.view);
  await client.setCamera({ type: 'perspective', fovy: 45 });
  await client.setCamera({ type: 'orthographic', height: 100 });
  await client.setRenderer(INTERACTIVE);
  await client.setRenderer(PRODUCTION);
  for (const request of Object.values(SNAPSHOTS)) await client.snapshot(request);
  if (client.revision === 'R3') await client.snapshot(R3_SNAPSHOT);
  // Cancelling sends `cancel` for the request's id.
  const abort = new AbortController();
  const cancelled = client.snapshot(SNAPSHOTS.png!, { signal: abort.signal });
  abort.abort();
  await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
  await client.quit();
}

describe.each(APIS)('every request the client sends to a %s server', (api: Api) => {
  it('validates against that revision\'s published schemas, for every method it uses', async () => {
    server = await startScriptedServer(plausible(api));
    const client = await connect(server.url, { retries: 0 });
    expect(client.revision).toBe(REVISION[api]);
    await exercise(client);
    await client.close();

    const sent = server.received.map((r) => r.message);
    const problems = sent.flatMap((message) => validateRequest(api, message).map((p) => `${JSON.stringify(message).slice(0, 160)}\n    ${p}`));
    expect(problems).toEqual([]);
    expect(server.received.every((r) => r.text)).toBe(true);
    expect(server.pings).toBe(0);

    const methods = new Set(sent.map((m) => String(m.method)));
    expect([...ADAPTERS[REVISION[api]].requiredMethods].filter((m) => !methods.has(m))).toEqual([]);
    const loaders = new Set(sent.filter((m) => m.method === 'add-model').map((m) => (m.params as { loader_name: string }).loader_name));
    expect([...loaders].sort()).toEqual(api === '3.10.1' ? ['BBP loader', 'SONATA loader'] : ['BBP loader']);
  });

  it('has a fake server whose results match the published result schemas', () => {
    const params = { id: 0, file_path: '' };
    const problems = ADAPTERS[REVISION[api]].requiredMethods.flatMap((method) => validateResult(api, method, resultFor(api, method, params)));
    expect(problems).toEqual([]);
  });
});

describe('revision differences on the wire', () => {
  async function sentFor(api: Api, run: (client: BraynsClient) => Promise<unknown>): Promise<Record<string, unknown>[]> {
    server = await startScriptedServer(plausible(api));
    const client = await connect(server.hostPort, { retries: 0 });
    await run(client);
    await client.close();
    return server.received.map((r) => r.message).filter((m) => m.method !== 'get-version');
  }

  it('sends the soma-sphere mode as soma-only on R1/R2 and as all sections off on R3', async () => {
    const props = async (api: Api) =>
      ((await sentFor(api, (c) => c.loadCircuit(CIRCUITS.spheres!)))[0]!.params as { loader_properties: Record<string, unknown> }).loader_properties;
    const r1 = await props('2.0.0');
    const r2 = await props('3.0.0');
    const r3 = await props('3.10.1');
    expect(r1.neuron_morphology_parameters).toEqual({ radius_multiplier: 20, load_soma: true, load_axon: false, load_dendrites: false });
    expect(r2.neuron_morphology_parameters).toEqual(r1.neuron_morphology_parameters);
    expect(r3.neuron_morphology_parameters).toEqual({ radius_multiplier: 20, load_soma: false, load_axon: false, load_dendrites: false });
    expect([r1.percentage, r2.percentage, r3.percentage]).toEqual([0.1, 0.1, 0.1]);
  });

  it('loads exactly the given gids everywhere: percentage 1 on R1 (which samples gids too), none on R2/R3', async () => {
    const props = async (api: Api) =>
      ((await sentFor(api, (c) => c.loadCircuit({ ...CIRCUITS.gids!, density: 0.5 })))[0]!.params as { loader_properties: Record<string, unknown> }).loader_properties;
    expect(await props('2.0.0')).toMatchObject({ percentage: 1, gids: [3, 1, 2] });
    expect(await props('3.10.1')).not.toHaveProperty('percentage');
  });

  it('uses look-at methods on R1 and view methods on R2/R3', async () => {
    const methods = async (api: Api) => (await sentFor(api, async (c) => c.setView(await c.getView()))).map((m) => m.method);
    expect(await methods('2.0.0')).toEqual(['get-camera-look-at', 'set-camera-look-at']);
    expect(await methods('3.0.0')).toEqual(['get-camera-view', 'set-camera-view']);
  });

  it('asks R1 for <path without extension> because R1 appends the format, and R2/R3 for the path itself', async () => {
    const path = async (api: Api) => ((await sentFor(api, (c) => c.snapshot(SNAPSHOTS.onServer!)))[0]!.params as { file_path: string }).file_path;
    expect(await path('2.0.0')).toBe('/shared/out/frame');
    expect(await path('3.0.0')).toBe('/shared/out/frame.png');
  });

  it('always sends camera and renderer params with their names, and quality only for jpg', async () => {
    const [png, jpg] = (await sentFor('3.0.0', async (c) => [await c.snapshot(SNAPSHOTS.png!), await c.snapshot(SNAPSHOTS.jpgFrame!)])).map(
      (m) => m.params as Record<string, { name?: string; params?: unknown; quality?: number }>,
    );
    expect(png!.camera).toEqual({ name: 'perspective', params: { fovy: 45, aperture_radius: 0, focus_distance: 1 } });
    expect(png!.image_settings).not.toHaveProperty('quality');
    expect(jpg!.camera).toEqual({ name: 'orthographic', params: { height: 2000 } });
    expect(jpg!.renderer).toEqual({ name: 'production', params: { samples_per_pixel: 128, max_ray_bounces: 7, background_color: [0, 0, 0, 1] } });
    expect(jpg!.image_settings).toEqual({ format: 'jpg', size: [640, 480], quality: 90 });
    expect(jpg!.simulation_frame).toBe(250);
  });

  it('returns the image bytes from R1 base64 and R2/R3 binary attachments alike', async () => {
    for (const api of APIS) {
      let image: Buffer | null = null;
      await sentFor(api, async (c) => (image = await c.snapshot(SNAPSHOTS.png!)));
      expect(image).toEqual(FAKE_PNG);
      await server?.close();
      server = undefined;
    }
  });

  it('refuses SONATA and R3-only snapshot keys on R1/R2 with a CAPABILITY error, sending nothing', async () => {
    for (const api of ['2.0.0', '3.0.0'] as const) {
      const sent = await sentFor(api, async (c) => {
        await expect(c.loadCircuit(SONATA.nodeSets!)).rejects.toMatchObject({ code: 'CAPABILITY', message: expect.stringContaining('SONATA') as string });
        await expect(c.snapshot(R3_SNAPSHOT)).rejects.toMatchObject({ code: 'CAPABILITY' });
      });
      expect(sent).toEqual([]);
      await server?.close();
      server = undefined;
    }
  });
});

describe('the schema check itself', () => {
  const addModel = (props: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id: 1,
    method: 'add-model',
    params: { path: '/c/BlueConfig', loader_name: 'BBP loader', loader_properties: props },
  });

  it.each([
    ['2.0.0', addModel({ neuron_morphology_parameters: {} }), /percentage/],
    ['3.10.1', addModel({ percentage: 0.1, colour: 'red' }), /additional/],
    ['3.10.1', { jsonrpc: '2.0', id: 1, method: 'set-simulation-parameters', params: { current: 1, dt: 0.01 } }, /read only/],
    ['3.0.0', { jsonrpc: '2.0', id: 1, method: 'registry', params: {} }, /takes no params/],
    ['3.0.0', { jsonrpc: '2.0', id: 1, method: 'snapshot', params: { camera: { name: 'perspective' } } }, /params must be sent/],
    ['2.0.0', { jsonrpc: '2.0', id: 1, method: 'get-camera-view' }, /does not exist/],
    ['3.0.0', { jsonrpc: '2.0', id: 1, method: 'get-camera-look-at' }, /does not exist/],
    ['3.10.1', { jsonrpc: '2.0', id: 1.5, method: 'quit' }, /envelope/],
  ] as const)('rejects what a %s server would reject: %j', (api, message, problem) => {
    expect(validateRequest(api, message).join('\n')).toMatch(problem);
  });
});
