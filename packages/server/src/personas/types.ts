import type { Bounds, BraynsVersion, ResolvedLight, Revision } from '@render-recipes/protocol';
import type { Rgba } from '@render-recipes/protocol';
import type { Entrypoint, Reply, ServerContext } from '../entrypoints/types.js';
import type { JsonRpcError } from '../protocol/errors.js';
import type { ApiVersion } from '@render-recipes/protocol';
import type { ValidationStyle } from '../protocol/validator.js';
import type { LoadContext, LoadedCircuit, SimulationRange } from '../scene/types.js';
import type { ApplicationState, InteractiveParams, ProductionParams } from '../state/engine.js';
import type { SceneModel, SceneState } from '../state/scene.js';

/**
 * One protocol revision of Brayns, as the built-in server impersonates it. Everything that differs
 * between R1 (2.0.0), R2 (3.0.0) and R3 (3.10.1) is a field or function here; the shared code
 * never asks which revision it serves.
 */
export interface Persona {
  api: ApiVersion;
  revision: Revision;
  version: BraynsVersion;
  wire: WireRules;
  validation: ValidationStyle;
  /** Exactly the methods this revision implements; `registry` lists these. */
  entrypoints: Entrypoint[];
  models: ModelRules;
  simulation: SimulationRules;
  loaders: LoaderRules;
  snapshot: SnapshotRules;
  engine: EngineRules;
  application: ApplicationRules;
}

export type RequestId = number | string;

export interface WireRules {
  /** R3: GET /healthz answers 200 `Ok`. */
  healthz: boolean;
  /** R2/R3: binary frames are `[u32 LE json length][JSON request][attachment]`; R1 ignores them. */
  binaryRequests: boolean;
  /** R1/R2 still send errors for requests without an id (with id null); R3 does not. */
  errorsForNotifications: boolean;
  /** R1/R2 write `"data": null` for errors without detail; R3 omits the key. */
  emptyErrorData: 'null' | 'omit';
  parseError(reason: string): string;
  invalidEnvelope: string;
  unknownSchemaEndpoint(endpoint: string): string;
  cancelNotFound(client: number, id: RequestId): string;
  cancelTwice(id: RequestId): string;
}

export interface ModelRules {
  toJson(model: SceneModel, bounds: Bounds): unknown;
  /** Scene bounds when no model has geometry. */
  emptySceneBounds(): Bounds;
  /** Cell colour when the model shows no simulation. */
  defaultColor: Rgba;
  /** R1 returns the light id; R2/R3 a model object (lights are models there). */
  addLight(scene: SceneState, light: ResolvedLight, json: (model: SceneModel) => unknown): unknown;
}

export interface SimulationRules {
  /** Simulation time (ms) shown at a global frame, for a model's range. */
  frameToTime(frame: number, range: SimulationRange): number;
}

/** A loader this revision offers in `get-loaders` and `add-model`. */
export interface Loader {
  name: string;
  /** The `get-loaders` entry, keys spelled as the revision spells them. */
  info: Record<string, unknown>;
  /** Its `loader_properties` schema. */
  schema: Record<string, unknown>;
  /** R1/R2 check that *some* loader supports the path before looking the name up. */
  supports(path: string): boolean;
  prepare(path: string, properties: unknown, call: { floatPaths: ReadonlySet<string>; server: ServerContext }): PreparedLoad;
}

export interface PreparedLoad {
  /** The properties after defaults, as `load_info.load_parameters` reports them. */
  loadParameters: unknown;
  /** One circuit per model the load creates (BBP: one; SONATA: one per node population). */
  load(ctx: LoadContext): Promise<LoadedCircuit[]>;
  /** How many models the load creates. */
  modelCount: number;
  /** Latency simulation: reads and checks the source file only, so bad paths still fail. */
  checkSource(): Promise<void>;
  metadata(circuit: LoadedCircuit, index: number): Record<string, string>;
}

export interface LoaderRules {
  loaders: Loader[];
  /** Finds the loader for `add-model`, with the revision's checks, order and errors. */
  resolve(path: string, name: string, loaders: readonly Loader[]): Loader;
}

export interface SnapshotOutput {
  /** `image_settings.format`, lower-cased ('png' default). */
  format: string;
  /** '' = send the image back. */
  filePath: string;
  encode: (format: 'png' | 'jpg') => Promise<Buffer>;
  log: (line: string) => void;
}

export interface SnapshotRules {
  /** The JPEG quality the revision's codec hands to stb_image_write for a requested `quality`. */
  codecQuality(requested: number): number;
  /** Checks the format before rendering; throws the revision's error for an unknown one. */
  checkFormat(output: Pick<SnapshotOutput, 'format' | 'filePath'>): void;
  /** Encodes and delivers the image: base64 (R1), binary attachment (R2/R3) or a file. */
  deliver(output: SnapshotOutput): Promise<Reply>;
}

export interface EngineRules {
  interactiveDefaults(): InteractiveParams;
  productionDefaults(): ProductionParams;
  /** Snapshot `camera`/`renderer` given with a name but no params: R1 uses {}, R2/R3 fail. */
  missingParams(type: string): unknown;
  invalidParams(type: string, errors: string[]): JsonRpcError;
}

export interface ApplicationRules {
  toJson(app: ApplicationState): unknown;
}
