// The plan stage: compile checked recipes into plain, hashable plan data.
export { compilePlan, TASK_HASH_VERSION, type CompileOptions } from './compile.js';
export { buildPlan } from './build.js';
export { formatPlanSummary, type PlanSummaryOptions, type TaskStatus } from './summary.js';
export { canonicalJson, writeCanonicalJson, canonicalHash, sha256Hex, contentId, ID_HEX_LENGTH } from '../canonical-json.js';
export { DEFAULT_LIGHTS, RESOLUTION_PRESETS } from './normalize.js';
export { writePlanJson, planHash } from './plan-json.js';
export { readPlanFile } from './plan-file.js';
export * from './types.js';
export { normalizeCircuit } from './normalize.js';
