import type { RegisterCommand } from '../context.js';
import { register as slurm } from './slurm.js';
import { register as probe } from './probe.js';
import { register as sampleCircuit } from './sample-circuit.js';
import { register as serve } from './serve.js';
import { register as run } from './run.js';
import { register as inspect } from './inspect.js';
import { register as status } from './status.js';
import { register as validate } from './validate.js';
import { register as plan } from './plan.js';

/**
 * Every subcommand, one module each. Order here is the order in `--help`.
 */
export const commands: RegisterCommand[] = [validate, plan, run, status, inspect, probe, slurm, sampleCircuit, serve];
