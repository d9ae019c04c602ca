// The Slurm stage: a batch script per submission, and one server per allocated task inside the job.
export { launchAllocationInstances, type LaunchAllocationOptions, type AllocationInstances } from './allocation.js';
export { buildBatchScript, scriptFileName, type BatchScriptInput } from './script.js';
export { submitBatchScript, type SubmitResult } from './submit.js';
export { sbatchLine, sbatchPath, shellQuote } from './quote.js';
export type { SlurmEvent, SlurmEventListener } from './events.js';
