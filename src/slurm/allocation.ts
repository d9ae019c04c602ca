import { RenderRecipesError } from '../errors.js';
import { allocationNodes, nodeAddresses } from './commands.js';
import type { SlurmEventListener } from './events.js';
import { expandCounts } from './hostlist.js';
import { startStep, type RunningStep } from './step.js';
import { checkCommandTemplate, defaultBraynsCommand, fillCommandTemplate } from '../server-command.js';

/**
 * Inside a Slurm allocation: one server per allocated task (one per node with the batch scripts we
 * write), each an srun step on its node, all running side by side until `stop()`.
 */

export interface LaunchAllocationOptions {
  /** Shell command template with `{port}` (and optionally `{host}`); default: the built-in backend. */
  braynsCmd?: string;
  /** The allocation's environment (SLURM_JOB_NODELIST, SLURM_TASKS_PER_NODE, SLURM_CONF...). */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onEvent?: SlurmEventListener;
  /** First port; instance i uses portBase + i. Default: derived from the job id (see `defaultPortBase`). */
  portBase?: number;
  /** How long one server may take to answer; default 180 s (a real Brayns loads its plugins first). */
  readyTimeoutMs?: number;
}

export interface AllocationInstances {
  /** One `ws://address:port` per instance, in node order. */
  uris: string[];
  /** Terminates every step; safe to call twice. */
  stop(): Promise<void>;
}

export interface AllocationSlot {
  node: string;
  address: string;
  index: number;
  /** CPUs this server may use: the node's CPUs in the job, shared between the servers on it (undefined: not known). */
  cpus: number | undefined;
  srunOptions: string[];
}

const ATTEMPTS = 3;
const STOP_GRACE_MS = 15_000;

export async function launchAllocationInstances(options: LaunchAllocationOptions): Promise<AllocationInstances> {
  const { env, signal } = options;
  const onEvent = options.onEvent ?? (() => undefined);
  const template = options.braynsCmd ?? defaultBraynsCommand();
  checkCommandTemplate(template); // before any srun
  const slots = await allocationSlots(env, signal);
  const portBase = options.portBase ?? defaultPortBase(env);
  const started: RunningStep[] = [];
  const stop = (): Promise<void> => stopSteps(started);

  const launchSlot = async (slot: AllocationSlot): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      // Retries move to ports no other slot of this job uses: the likely cause is a port in use.
      const port = portBase + slot.index + (attempt - 1) * slots.length;
      try {
        const step = await startStep({
          node: slot.node,
          address: slot.address,
          port,
          attempt,
          command: fillCommandTemplate(template, { port, host: slot.address, ...(slot.cpus === undefined ? {} : { cpus: slot.cpus }) }),
          srunOptions: slot.srunOptions,
          env,
          signal,
          readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
          onEvent,
        });
        started[slot.index] = step;
        return;
      } catch (error) {
        const retryable = error instanceof RenderRecipesError && error.code === 'SLURM' && error.message.includes('before it was ready');
        if (!retryable || attempt >= ATTEMPTS) throw error;
        onEvent({
          code: 'slurm.instance.retry',
          level: 'warn',
          message: `instance on ${slot.node} (port ${port}) stopped before it was ready; trying port ${port + slots.length}`,
          data: { node: slot.node, port, attempt, reason: error.message },
        });
      }
    }
  };

  const results = await Promise.allSettled(slots.map(launchSlot));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { uris: started.map((step) => step.uri), stop };
}

/**
 * A port range per job, so array tasks sharing a node do not collide: 20000 + (job id mod 2000) * 16.
 * Only instances on the same node can clash; retries cover the rest.
 */
export function defaultPortBase(env: NodeJS.ProcessEnv): number {
  const jobId = Number(env.SLURM_JOB_ID ?? env.SLURM_JOBID ?? 0);
  return 20_000 + ((Number.isFinite(jobId) ? jobId : 0) % 2000) * 16;
}

/** Every task of the allocation, with the srun options that place a server there. */
export async function allocationSlots(env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<AllocationSlot[]> {
  const nodes = await allocationNodes(env, signal);
  const tasks = perNode(env, 'SLURM_TASKS_PER_NODE', nodes.length);
  const cpus = perNode(env, 'SLURM_JOB_CPUS_PER_NODE', nodes.length);
  const addresses = await nodeAddresses(nodes, env, signal);
  const slots: AllocationSlot[] = [];
  nodes.forEach((node, n) => {
    const count = Math.max(1, tasks?.[n] ?? 1);
    const nodeCpus = cpus?.[n];
    const share = nodeCpus === undefined ? undefined : Math.max(1, Math.floor(nodeCpus / count));
    // --overlap: steps never wait for each other (without it, steps on one node run one after the
    // other). Alone on its node a server gets all the node's CPUs; sharing it, --exact gives each
    // its share.
    const exact = count > 1 ? ['--exact', ...(share === undefined ? [] : [`--cpus-per-task=${share}`])] : [];
    for (let i = 0; i < count; i++) {
      slots.push({
        node,
        address: addresses.get(node) ?? node,
        index: slots.length,
        cpus: share,
        srunOptions: ['--nodes=1', '--ntasks=1', '--overlap', ...exact, '--job-name=brayns'],
      });
    }
  });
  return slots;
}

function perNode(env: NodeJS.ProcessEnv, variable: string, nodes: number): number[] | undefined {
  const value = env[variable];
  if (!value) return undefined;
  const counts = expandCounts(value, variable);
  if (counts.length !== nodes) {
    throw new RenderRecipesError('SLURM', `${variable}=${value} lists ${counts.length} nodes, but the job has ${nodes}`);
  }
  return counts;
}

async function stopSteps(steps: readonly (RunningStep | undefined)[]): Promise<void> {
  await Promise.all(
    steps.map(async (step) => {
      if (!step) return;
      step.stopping = true;
      // srun turns SIGTERM into cancelling the step; SIGKILL only if srun itself hangs.
      step.kill('SIGTERM');
      const timer = setTimeout(() => step.kill('SIGKILL'), STOP_GRACE_MS);
      await step.exited;
      clearTimeout(timer);
    }),
  );
}
