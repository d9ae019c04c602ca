import PQueue from 'p-queue';
import type { BraynsEvent } from '../brayns/events.js';
import type { BraynsClient, Bounds, ModelInfo } from '../brayns/types.js';
import { RenderRecipesError, isRenderRecipesError } from '../errors.js';
import type { PlanScene } from '../plan/types.js';
import type { RunEffects } from './effects.js';
import type { RunEvent } from './events.js';
import { versionString, type InstanceIdentity } from './records.js';
import type { InstanceScene } from './render-task.js';

/**
 * One Brayns instance as the executor sees it: its connection (re-established when it drops), the
 * scene it has loaded, and its health. Requests go through a queue of concurrency 1 because a
 * Brayns server executes one request at a time for all its clients; more would only queue there.
 */
export class Instance {
  client: BraynsClient | null = null;
  scene: InstanceScene | null = null;
  readonly queue = new PQueue({ concurrency: 1 });
  readonly identity: InstanceIdentity;
  consecutiveFailures = 0;
  rendered = 0;
  failures = 0;
  /** Out of the run for good (too many failures, or down for longer than the reconnect window). */
  setAside = false;
  /** Its connection was lost: it takes no task until it is reached again. */
  down = false;
  /** Why it was set aside when its answers (loaders, schemas) refuse the plan's loads; null otherwise. */
  refused: string | null = null;
  /** It answered at least once in this run. */
  everUp = false;
  loads = 0;
  /** Cells each scene loaded here, as the server counted them (null when it does not say). */
  readonly cells = new Map<string, number | null>();
  /** Clock time of the last snapshot reply (or load), to time renders that waited in the server's queue. */
  lastReplyAt = 0;
  /** Clock time of the last progress notification of any request: a server that reports progress is not stalled. */
  lastProgressAt = 0;

  constructor(
    readonly index: number,
    readonly uri: string,
    private readonly effects: RunEffects,
    private readonly emit: (event: RunEvent) => void,
    private readonly signal: AbortSignal,
  ) {
    this.identity = { uri, version: null, revision: null };
  }

  private connecting: Promise<void> | null = null;

  /** One attempt to connect (the executor decides about retrying); throws when it fails. */
  connect(): Promise<void> {
    // Two pipelined tasks failing together must not open two connections.
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    // The client's own reports (a loader input this server ignores, a retry) reach the user too,
    // saying which instance they are about.
    const onEvent = (event: BraynsEvent): void => this.emit({ ...event, message: `${this.uri}: ${event.message}`, data: { ...event.data, uri: this.uri } });
    this.client = await this.effects.connect(this.uri, { signal: this.signal, onEvent });
    this.down = false;
    this.everUp = true;
    this.identity.version = versionString(this.client);
    this.identity.revision = this.client.revision;
    this.emit({ code: 'instance.up', level: 'info', message: `${this.uri} up (Brayns ${this.identity.version}, ${this.identity.revision})`, data: { uri: this.uri, version: this.identity.version, revision: this.identity.revision } });
  }

  /** Drops the connection and what the server had; the next task reconnects and reloads. */
  async reset(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.scene = null;
    await client?.close().catch(() => undefined);
  }

  /** Replaces whatever the server has with the scene; resolves to the load time. */
  async load(scene: PlanScene, timeoutMs: number): Promise<number> {
    const client = this.requireClient();
    const options = { signal: this.signal, timeoutMs, onProgress: () => (this.lastProgressAt = this.effects.clock.now()) };
    const start = this.effects.clock.now();
    this.scene = null;
    this.loads += 1;
    await client.clearModels(options);
    const models = await client.loadCircuit(scene.circuit, options);
    const cells = loadedCells(models);
    const colormap = scene.circuit.report.type === 'none' ? undefined : scene.circuit.report.colormap;
    // The ramp belongs to the cell model (the first one add-model returns), as in Brayns.
    if (colormap && models[0]) await client.setColorRamp(models[0].id, colormap, options);
    const { bounds } = await client.getScene(options);
    const ms = this.effects.clock.now() - start;
    this.cells.set(scene.id, cells);
    this.scene = { sceneId: scene.id, bounds: bounds satisfies Bounds, lightsKey: null, framing: new Map(), resolved: new Map() };
    const density = scene.circuit.density;
    const counted = cells === null ? 'cell count not reported' : `${cells} cells`;
    const message = `${this.uri} loaded scene ${scene.id.slice(0, 12)} in ${Math.round(ms)} ms: ${counted} (density ${density} requested)`;
    this.emit({ code: 'scene.loaded', level: 'info', message: message, data: { uri: this.uri, sceneId: scene.id, ms, cells, density } });
    return ms;
  }

  requireClient(): BraynsClient {
    if (!this.client) throw new RenderRecipesError('CONNECTION', `${this.uri} is not connected`);
    return this.client;
  }

  async close(): Promise<void> {
    await this.queue.onIdle();
    await this.reset();
  }
}

/**
 * The cells a load reports: the sum over its models of `loaded_neuron_count` (Brayns 3.x) or
 * `Neurons loaded count` (2.x); null when no model says.
 */
export function loadedCells(models: readonly ModelInfo[]): number | null {
  let total: number | null = null;
  for (const model of models) {
    const value = model.metadata.loaded_neuron_count ?? model.metadata['Neurons loaded count'];
    const n = value === undefined ? NaN : Number(value);
    if (Number.isInteger(n) && n >= 0) total = (total ?? 0) + n;
  }
  return total;
}

/** Errors after which the connection cannot be trusted: reconnect (and reload) before the next task. */
export function breaksConnection(error: unknown): boolean {
  return isRenderRecipesError(error) && (error.code === 'CONNECTION' || error.code === 'PROTOCOL' || isStall(error));
}

/** The instance stopped answering (see `StallWatch`): its queue is stuck, so the connection is dropped. */
export function stallError(uri: string, message: string): RenderRecipesError {
  return new RenderRecipesError('TIMEOUT', `${uri} stalled: ${message}`, { data: { stalled: true }, hint: 'the task goes to another instance; this one reconnects' });
}

export function isStall(error: unknown): boolean {
  return isRenderRecipesError(error) && (error.data as { stalled?: unknown } | undefined)?.stalled === true;
}
