// The preflight stage: what recipes name, checked against the circuit's files before the plan.
export { preflightRecipes, type PreflightOptions } from './preflight.js';
export { CircuitFiles } from './circuit-files.js';
export { FileCache } from './file-cache.js';
