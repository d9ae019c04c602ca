import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { BraynsClient, ModelInfo, ResolvedLight, SnapshotRequest } from '../../../src/brayns/types.js';
import { RenderRecipesError } from '../../../src/errors.js';
import type { CircuitSpec } from '../../../src/plan/types.js';

/** Everything the fake servers saw, shared by all connections to one URI (as a real server's state is). */
export interface FakeServer {
  uri: string;
  loads: string[];
  snapshots: SnapshotRequest[];
  lightCalls: number;
  connects: number;
  /** Throw from connect (instance unreachable). */
  unreachable?: boolean;
  /** Called as the runner's connect-time load check asks for the loaders; may throw or wait. */
  beforeLoadCheck?: (signal: AbortSignal | undefined, server: FakeServer) => Promise<void> | void;
  /** Called before each snapshot; may throw (a failing server) or wait. */
  beforeSnapshot?: (request: SnapshotRequest, signal: AbortSignal | undefined, server: FakeServer) => Promise<void> | void;
  latencyMs?: { load: number; render: number };
}

export function fakeServer(uri: string, options: Partial<FakeServer> = {}): FakeServer {
  return { uri, loads: [], snapshots: [], lightCalls: 0, connects: 0, ...options };
}

let cachedPng: Buffer | undefined;
export async function tinyPng(): Promise<Buffer> {
  cachedPng ??= await sharp({ create: { width: 8, height: 6, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 1 } } }).png().toBuffer();
  return cachedPng;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new RenderRecipesError('CANCELLED', 'cancelled'));
    }, { once: true });
  });

/** A BraynsClient that renders a fixed small PNG, with hooks for failures. */
export function fakeConnect(servers: FakeServer[]) {
  return async (uri: string): Promise<BraynsClient> => {
    const server = servers.find((s) => s.uri === uri);
    if (!server || server.unreachable) throw new RenderRecipesError('CONNECTION', `cannot connect to ${uri}`);
    server.connects += 1;
    const png = await tinyPng();
    let closed = false;
    const live = (): void => {
      if (closed) throw new RenderRecipesError('CONNECTION', `${uri}: connection closed`);
    };
    const model: ModelInfo = { id: 0, bounds: { min: [-10, -10, -10], max: [10, 10, 10] }, metadata: {}, visible: true };
    const client: BraynsClient = {
      uri,
      version: { major: 3, minor: 10, patch: 1, revision: 'fake' },
      revision: 'R3',
      registry: () => Promise.resolve([]),
      // Both loaders, taking any properties: the executor's check at connect passes.
      async getLoaders(options) {
        live();
        await server.beforeLoadCheck?.(options?.signal, server);
        return ['BBP loader', 'SONATA loader'].map((name) => ({ name, extensions: [], schema: {} }));
      },
      loadRequest: (circuit: CircuitSpec) => ({ method: 'add-model', params: { path: circuit.path } }),
      async loadCircuit(circuit: CircuitSpec, options) {
        live();
        await sleep(server.latencyMs?.load ?? 0, options?.signal);
        server.loads.push(`${circuit.path}@${circuit.density}`);
        return [model];
      },
      getScene: () => Promise.resolve({ bounds: model.bounds, models: [model] }),
      getModel: () => Promise.resolve(model),
      removeModels: () => Promise.resolve(),
      clearModels: () => Promise.resolve(live()),
      clearLights: () => {
        server.lightCalls += 1;
        return Promise.resolve();
      },
      addLight: (_light: ResolvedLight) => Promise.resolve(),
      setColorRamp: () => Promise.resolve(),
      getSimulation: () => Promise.resolve({ startFrame: 0, endFrame: 100, current: 0, dt: 0.01, unit: 'ms' }),
      setSimulationFrame: () => Promise.resolve(),
      async snapshot(request, options) {
        live();
        await server.beforeSnapshot?.(request, options?.signal, server);
        await sleep(server.latencyMs?.render ?? 0, options?.signal);
        live();
        server.snapshots.push(request);
        if (request.filePath) {
          await writeFile(request.filePath, png);
          return null;
        }
        return png;
      },
      getView: () => Promise.resolve({ position: [0, 0, 50], target: [0, 0, 0], up: [0, 1, 0] }),
      setView: () => Promise.resolve(),
      setCamera: () => Promise.resolve(),
      setRenderer: () => Promise.resolve(),
      request: () => Promise.resolve(null),
      requestBinary: () => Promise.resolve({ result: null, attachment: undefined }),
      quit: () => Promise.resolve(),
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    return client;
  };
}
