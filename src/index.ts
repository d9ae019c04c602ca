// The public library surface. Everything not exported here is internal.
export { RenderRecipesError, EXIT, type ErrorCode, type ExitCode } from './errors.js';
export { VERSION } from './version.js';
export {
  loadRecipes,
  formatDiagnostics,
  summarizeDiagnostics,
  hasErrors,
  RECIPE_FORMAT_VERSION,
  RECIPE_SCHEMA_PATH,
  type Diagnostic,
  type DiagnosticCode,
  type Recipe,
  type RawRecipe,
} from './recipe/index.js';
export {
  buildPlan,
  compilePlan,
  formatPlanSummary,
  canonicalJson,
  sha256Hex,
  writePlanJson,
  PLAN_FORMAT,
  type Plan,
  type PlanTask,
  type PlanScene,
  type PlanRecipe,
  type TaskStatus,
} from './plan/index.js';
export { preflightRecipes, CircuitFiles, FileCache, type PreflightOptions } from './preflight/index.js';
export {
  connect,
  probe,
  fullScreenView,
  directionView,
  resolveCamera,
  resolveLights,
  type ConnectOptions,
  type ProbeReport,
  type BraynsClient,
  type BraynsEvent,
  type Revision,
  type SnapshotRequest,
} from './brayns/index.js';
// The built-in server is its own package (@render-recipes/server): import it from there, so that
// importing render-recipes never loads the renderer, h5wasm or the circuit loaders.
export {
  launchAllocationInstances,
  type LaunchAllocationOptions,
  type AllocationInstances,
} from './slurm/index.js';
export { buildBatchScript, type BatchScriptInput } from './slurm/index.js';
export { submitBatchScript, type SubmitResult } from './slurm/index.js';
export type { SlurmEvent } from './slurm/index.js';
export type { LibraryEvent, EventLevel, EventSink } from './events.js';
export {
  runPlan,
  taskStatus,
  shardOfTask,
  shardPlan,
  parseShard,
  defaultEffects,
  type RunOptions,
  type RunEffects,
  type RunEvent,
  type RunSummary,
  type TaskAction,
  type Shard,
} from './run/index.js';
export { checkImageFile, readManifest, outputStatus, reproducingRecipeYaml, type Provenance, type Manifest } from './output/index.js';
