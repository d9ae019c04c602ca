// The run stage: execute a plan across Brayns instances, resumably and reproducibly.
export { runPlan, type RunOptions } from './executor.js';
export { defaultEffects, systemClock, type RunEffects, type Clock } from './effects.js';
export type { RunEvent, RunEventCode, RunSummary, InstanceSummary } from './events.js';
export { taskStatus, outputPath, type TaskAction, type TaskReason, type TaskStatusOptions } from './task-status.js';
export { shardOfTask, inShard, shardPlan, parseShard, shardFromEnv, type Shard } from './shard.js';
export { namedInstances, INSTANCES_ENV } from './instance-sources.js';
export { acquireInstances, builtinCount, type AcquireOptions, type AcquiredInstances } from './acquire.js';
export { checkOutDir } from './out-dir.js';
