import type { Bounds, BraynsVersion, ColorRamp, ResolvedLight, Revision, SnapshotCamera, View } from '@render-recipes/protocol';
import type { CircuitSpec, ImageFormat, RendererSpec } from '../plan/types.js';

/**
 * The client's typed API, one shape over the three protocol revisions. Each revision's wire
 * differences live in its adapter (src/brayns/adapters/), never here.
 */
export type { Revision, BraynsVersion, Bounds, View, ResolvedLight, SnapshotCamera } from '@render-recipes/protocol';

export interface ModelInfo {
  id: number;
  bounds: Bounds;
  metadata: Record<string, string>;
  visible: boolean;
  /** R2/R3 `model_type` (e.g. `neurons`, `light`); absent on R1. */
  type?: string;
}

export interface LoaderInfo {
  name: string;
  extensions: string[];
  /** The loader's input properties schema, as the server publishes it. */
  schema: unknown;
  /** R3 only: the plugin that provides the loader. */
  plugin?: string;
}

export interface Progress {
  operation: string;
  amount: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Milliseconds; undefined = the client's default for that method. */
  timeoutMs?: number;
  onProgress?: (progress: Progress) => void;
}

export interface SnapshotRequest {
  size: [number, number];
  /** What Brayns encodes: png or jpg only (webp/tiff are transcoded by the runner from png). */
  format: Extract<ImageFormat, 'png' | 'jpg'>;
  quality?: number;
  camera: SnapshotCamera;
  view: View;
  renderer: RendererSpec;
  frame?: number;
  /** When set, the server writes the image itself at this path (on its own filesystem). */
  filePath?: string;
  /** R3 only (a CAPABILITY error elsewhere): camera near clipping distance; absent = the server's. */
  nearClip?: number;
  /** R3 only: normalised image region, e.g. start [0, 1] and end [1, 0] for the full image. */
  region?: { start: [number, number]; end: [number, number] };
}

export interface SimulationParameters {
  startFrame: number;
  endFrame: number;
  current: number;
  dt: number;
  unit: string;
}

export interface BraynsClient {
  readonly uri: string;
  readonly version: BraynsVersion;
  readonly revision: Revision;
  registry(options?: RequestOptions): Promise<string[]>;
  getLoaders(options?: RequestOptions): Promise<LoaderInfo[]>;
  /**
   * The add-model request `loadCircuit` sends for `circuit`, exactly (to check it against the
   * server's own schemas before loading); throws what loadCircuit would throw before sending.
   */
  loadRequest(circuit: CircuitSpec): { method: string; params?: unknown };
  /** Loads a circuit; resolves to the created models (cells first). */
  loadCircuit(circuit: CircuitSpec, options?: RequestOptions): Promise<ModelInfo[]>;
  getScene(options?: RequestOptions): Promise<{ bounds: Bounds; models: ModelInfo[] }>;
  getModel(id: number, options?: RequestOptions): Promise<ModelInfo>;
  removeModels(ids: number[], options?: RequestOptions): Promise<void>;
  clearModels(options?: RequestOptions): Promise<void>;
  clearLights(options?: RequestOptions): Promise<void>;
  addLight(light: ResolvedLight, options?: RequestOptions): Promise<void>;
  getSimulation(options?: RequestOptions): Promise<SimulationParameters>;
  setSimulationFrame(frame: number, options?: RequestOptions): Promise<void>;
  /** R2/R3 `set-color-ramp`: the colours a report model is painted with (a CAPABILITY error on R1). */
  setColorRamp(modelId: number, ramp: ColorRamp, options?: RequestOptions): Promise<void>;
  /** Resolves to the encoded image bytes, or null when `filePath` made the server write it. */
  snapshot(request: SnapshotRequest, options?: RequestOptions): Promise<Buffer | null>;
  /** The main camera's view (R1 get-camera-look-at, R2/R3 get-camera-view). */
  getView(options?: RequestOptions): Promise<View>;
  setView(view: View, options?: RequestOptions): Promise<void>;
  /** Makes this the main camera (snapshots pass their own camera instead; see SnapshotRequest). */
  setCamera(camera: SnapshotCamera, options?: RequestOptions): Promise<void>;
  setRenderer(renderer: RendererSpec, options?: RequestOptions): Promise<void>;
  /** Any method, raw: params go on the wire as given (undefined = omitted). For tools and probes. */
  request(method: string, params?: unknown, options?: RequestOptions): Promise<unknown>;
  /**
   * Any method with binary data both ways (R2/R3 `[u32][JSON][bytes]` frames): `attachment` is sent
   * after the request's JSON; the reply's attachment (if any) is returned as a view, not a copy.
   * Optional so that test doubles of this interface need not implement it.
   */
  requestBinary?(
    method: string,
    params: unknown,
    attachment: Buffer | undefined,
    options?: RequestOptions,
  ): Promise<{ result: unknown; attachment: Buffer | undefined }>;
  /** Sends `quit` (the server exits). */
  quit(options?: RequestOptions): Promise<void>;
  /** Closes the socket; pending requests fail with a CONNECTION error. */
  close(): Promise<void>;
}
