import type { CircuitSpec, RendererSpec } from '../../plan/index.js';
import type { BraynsEventSink } from '../events.js';
import type {
  Bounds,
  LoaderInfo,
  ModelInfo,
  ResolvedLight,
  Revision,
  SimulationParameters,
  SnapshotCamera,
  SnapshotRequest,
  View,
} from '../types.js';

/** One JSON-RPC request as the wire wants it; `params` undefined = omitted. */
export interface Call {
  method: string;
  params?: unknown;
}

/**
 * Everything that differs between protocol revisions, one implementation per revision
 * (r1.ts, r2.ts, r3.ts). The client only ever asks its adapter for wire shapes.
 */
export interface Adapter {
  readonly revision: Revision;
  /** R2/R3 send replies with attachments as `[u32 length][JSON][bytes]` binary frames. */
  readonly binaryReplies: boolean;
  /** Methods that report progress and can be cancelled; they get no default timeout. */
  readonly asyncMethods: ReadonlySet<string>;
  /** Every method the typed API may call on this revision (what `probe` checks in the registry). */
  readonly requiredMethods: readonly string[];
  loadCircuit(circuit: CircuitSpec, onEvent: BraynsEventSink): Call;
  model(raw: unknown): ModelInfo;
  scene(raw: unknown): { bounds: Bounds; models: ModelInfo[] };
  loaders(raw: unknown): LoaderInfo[];
  snapshot(request: SnapshotRequest): Call;
  /** The image bytes of a snapshot reply, or null when the server wrote the file itself. */
  snapshotImage(result: unknown, attachment: Buffer | undefined, request: SnapshotRequest): Buffer | null;
  addLight(light: ResolvedLight): Call;
  getView(): Call;
  setView(view: View): Call;
  setCamera(camera: SnapshotCamera): Call;
  setRenderer(renderer: RendererSpec): Call;
  setSimulationFrame(frame: number): Call;
  simulation(raw: unknown): SimulationParameters;
}
