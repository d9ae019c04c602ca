import type { CircuitSpec, RendererSpec } from '../plan/types.js';
import type { Adapter, Call } from './adapters/index.js';
import type { ColorRamp } from '@render-recipes/protocol';
import { protocolError, unsupported } from './adapters/common.js';
import type { BraynsEventSink } from './events.js';
import type { RpcConnection, RpcReply } from './rpc.js';
import type {
  Bounds,
  BraynsClient,
  BraynsVersion,
  LoaderInfo,
  ModelInfo,
  RequestOptions,
  ResolvedLight,
  Revision,
  SimulationParameters,
  SnapshotCamera,
  SnapshotRequest,
  View,
} from './types.js';

/**
 * The typed API over one connection. It holds no wire knowledge of its own: every method name,
 * parameter shape and result shape comes from the revision's adapter.
 *
 * One connection is one unit of concurrency: a Brayns server runs one request at a time for all of
 * its clients, so callers should await one render before starting the next on the same client.
 * Requests sent meanwhile are queued by the server, not run in parallel.
 */
export class Client implements BraynsClient {
  constructor(
    readonly uri: string,
    readonly version: BraynsVersion,
    private readonly adapter: Adapter,
    private readonly rpc: RpcConnection,
    /** Default for methods that cannot report progress; async methods (load, snapshot) wait. */
    private readonly requestTimeoutMs: number,
    private readonly onEvent: BraynsEventSink,
  ) {}

  get revision(): Revision {
    return this.adapter.revision;
  }

  async registry(options?: RequestOptions): Promise<string[]> {
    const result = await this.result({ method: 'registry' }, options);
    if (!Array.isArray(result)) throw protocolError('a list of method names', result);
    return result.map(String);
  }

  async getLoaders(options?: RequestOptions): Promise<LoaderInfo[]> {
    return this.adapter.loaders(await this.result({ method: 'get-loaders' }, options));
  }

  loadRequest(circuit: CircuitSpec): Call {
    // The adapter's warnings (a setting this revision adjusts) are for the real load, not the check.
    return this.adapter.loadCircuit(circuit, () => undefined);
  }

  async loadCircuit(circuit: CircuitSpec, options?: RequestOptions): Promise<ModelInfo[]> {
    const result = await this.result(this.adapter.loadCircuit(circuit, this.onEvent), options);
    if (!Array.isArray(result)) throw protocolError('a list of models from add-model', result);
    return result.map((m) => this.adapter.model(m));
  }

  async getScene(options?: RequestOptions): Promise<{ bounds: Bounds; models: ModelInfo[] }> {
    return this.adapter.scene(await this.result({ method: 'get-scene' }, options));
  }

  async getModel(id: number, options?: RequestOptions): Promise<ModelInfo> {
    return this.adapter.model(await this.result({ method: 'get-model', params: { id } }, options));
  }

  async removeModels(ids: number[], options?: RequestOptions): Promise<void> {
    await this.call({ method: 'remove-model', params: { ids: [...ids] } }, options);
  }

  async clearModels(options?: RequestOptions): Promise<void> {
    await this.call({ method: 'clear-models' }, options);
  }

  async clearLights(options?: RequestOptions): Promise<void> {
    await this.call({ method: 'clear-lights' }, options);
  }

  async addLight(light: ResolvedLight, options?: RequestOptions): Promise<void> {
    await this.call(this.adapter.addLight(light), options);
  }

  async getSimulation(options?: RequestOptions): Promise<SimulationParameters> {
    return this.adapter.simulation(await this.result({ method: 'get-simulation-parameters' }, options));
  }

  async setSimulationFrame(frame: number, options?: RequestOptions): Promise<void> {
    await this.call(this.adapter.setSimulationFrame(frame), options);
  }

  async setColorRamp(modelId: number, ramp: ColorRamp, options?: RequestOptions): Promise<void> {
    if (this.revision === 'R1') throw unsupported('R1', 'a report colour ramp (`report.colormap`, set-color-ramp)', 'render on a Brayns 3.x server, or remove `colormap` to keep Brayns\' default ramp');
    await this.call({ method: 'set-color-ramp', params: { id: modelId, color_ramp: { colors: ramp.colors.map((c) => [...c]), range: [...ramp.range] } } }, options);
  }

  async getView(options?: RequestOptions): Promise<View> {
    const result = (await this.result(this.adapter.getView(), options)) as Partial<View> | null;
    if (!result?.position || !result.target || !result.up) throw protocolError('a camera view {position, target, up}', result);
    return { position: result.position, target: result.target, up: result.up };
  }

  async setView(view: View, options?: RequestOptions): Promise<void> {
    await this.call(this.adapter.setView(view), options);
  }

  async setCamera(camera: SnapshotCamera, options?: RequestOptions): Promise<void> {
    await this.call(this.adapter.setCamera(camera), options);
  }

  async setRenderer(renderer: RendererSpec, options?: RequestOptions): Promise<void> {
    await this.call(this.adapter.setRenderer(renderer), options);
  }

  async snapshot(request: SnapshotRequest, options?: RequestOptions): Promise<Buffer | null> {
    const reply = await this.call(this.adapter.snapshot(request), options);
    return this.adapter.snapshotImage(reply.result, reply.attachment, request);
  }

  async request(method: string, params?: unknown, options?: RequestOptions): Promise<unknown> {
    return this.result({ method, params }, options);
  }

  async requestBinary(
    method: string,
    params: unknown,
    attachment: Buffer | undefined,
    options?: RequestOptions,
  ): Promise<{ result: unknown; attachment: Buffer | undefined }> {
    return this.call({ method, params }, options, attachment);
  }

  async quit(options?: RequestOptions): Promise<void> {
    await this.call({ method: 'quit' }, options);
  }

  close(): Promise<void> {
    return this.rpc.close();
  }

  private async result(call: Call, options: RequestOptions | undefined): Promise<unknown> {
    return (await this.call(call, options)).result;
  }

  private call(call: Call, options: RequestOptions = {}, attachment?: Buffer): Promise<RpcReply> {
    const timeoutMs = options.timeoutMs ?? (this.adapter.asyncMethods.has(call.method) ? 0 : this.requestTimeoutMs);
    return this.rpc.call(call.method, call.params, { signal: options.signal, timeoutMs, onProgress: options.onProgress, attachment });
  }
}
