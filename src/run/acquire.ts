import { availableParallelism } from 'node:os';
import { RenderRecipesError } from '../errors.js';
import { launchFromTemplate, startBuiltinInstances } from './launch.js';

export interface AcquireOptions {
  /** URIs the user named (see namedInstances). */
  named: string[];
  /** `--launch N`: start N local processes (from `braynsCmd`, or the built-in server). */
  launch?: number;
  braynsCmd?: string;
  /**
   * `--slurm`: starts one server per task of the Slurm allocation this runs in (braynsCmd or the
   * built-in backend). Handed in by the caller: the Slurm layer builds on the runner, not the reverse.
   */
  slurm?: (options: { braynsCmd?: string; env: NodeJS.ProcessEnv; signal: AbortSignal }) => Promise<AcquiredInstances>;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Scenes and tasks that will render: sizes the automatic built-in backend. */
  work: { scenes: number; tasks: number };
  onNote?: (text: string) => void;
}

export interface AcquiredInstances {
  uris: string[];
  /** Stops what this run started (nothing for named instances). */
  stop(): Promise<void>;
}

/**
 * How many built-in servers to start when the user names none. Rendering is CPU-bound and one
 * built-in server already spreads a snapshot over its render threads, so more servers than cores
 * gain nothing; more servers than tasks would only idle. A few servers rather than one still help:
 * one loads a scene or encodes while another renders. Each gets cores / count render threads so
 * together they use every core once.
 */
export function builtinCount(work: { scenes: number; tasks: number }, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, work.tasks));
}

export async function acquireInstances(options: AcquireOptions): Promise<AcquiredInstances> {
  const note = options.onNote ?? (() => undefined);
  const modes = [options.named.length > 0, options.launch !== undefined, options.slurm !== undefined].filter(Boolean).length;
  if (modes > 1) {
    throw new RenderRecipesError('USAGE', 'give instances one way: --instance/--instances-file/RENDER_RECIPES_INSTANCES, --launch N, or --slurm', {
      hint: 'unset RENDER_RECIPES_INSTANCES when using --launch or --slurm',
    });
  }
  if (options.braynsCmd !== undefined && options.launch === undefined && !options.slurm) {
    throw new RenderRecipesError('USAGE', '--brayns-cmd needs --launch N (or --slurm)');
  }
  if (options.named.length > 0) return { uris: options.named, stop: () => Promise.resolve() };
  if (options.slurm) {
    const launched = await options.slurm({ env: options.env, signal: options.signal, ...(options.braynsCmd !== undefined ? { braynsCmd: options.braynsCmd } : {}) });
    note(`started ${launched.uris.length} Brayns instance(s) in the Slurm allocation`);
    return launched;
  }
  if (options.launch !== undefined && options.braynsCmd !== undefined) {
    const launched = await launchFromTemplate(options.launch, options.braynsCmd, { signal: options.signal });
    note(`started ${launched.uris.length} instance(s) from --brayns-cmd: ${launched.uris.join(', ')}`);
    return launched;
  }
  const cores = availableParallelism();
  const count = options.launch ?? builtinCount(options.work, cores);
  const launched = await startBuiltinInstances(count, { renderThreads: Math.max(1, Math.floor(cores / count)), signal: options.signal });
  note(`started ${count} built-in server(s): ${launched.uris.join(', ')}`);
  return launched;
}
