import type { RegisterCommand } from '../context.js';
import { register as slurm } from './slurm.js';
import { register as probe } from './probe.js';
import { register as sampleCircuit } from './sample-circuit.js';

/**
 * Every subcommand, one module each. Order here is the order in `--help`.
 */
export const commands: RegisterCommand[] = [probe, slurm, sampleCircuit];
