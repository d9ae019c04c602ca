import { availableParallelism } from 'node:os';
import { RenderRecipesError } from '../errors.js';
import type { RunEvent } from './events.js';
import type { Shard } from './shard.js';
import type { TaskAction } from './task-status.js';

/** What `runPlan` accepts. Every tunable has its default in `DEFAULTS` below, and only there. */
export interface RunOptions {
  outDir: string;
  instances: readonly string[];
  shard?: Shard | null;
  force?: boolean;
  failFast?: boolean;
  /** Write `<outDir>/index.html` after the run (default true). */
  gallery?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Default `<outDir>/manifest.json` (or `manifest.shard-i-of-n.json`). */
  manifestPath?: string;
  /** Precomputed `taskStatus` (e.g. already shown to the user). */
  status?: ReadonlyMap<string, TaskAction>;
  /** Milliseconds a scene load may take. */
  loadTimeoutMs?: number;
  /** Milliseconds one snapshot may take (the hard limit; see `stallFactor` for the early one). */
  renderTimeoutMs?: number;
  /** Attempts per task, each on an instance that has not failed it yet when there is one. */
  maxAttempts?: number;
  /** Consecutive failures after which an instance is set aside for the rest of the run. */
  maxInstanceFailures?: number;
  /** Wait before the first retry of a task; doubles with each further attempt. */
  retryDelayMs?: number;
  /** First wait between two attempts to reach an instance that went down; doubles up to `reconnectMaxDelayMs`. */
  reconnectDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /**
   * How long an instance that went down (or never came up) is tried again before it is set aside
   * for good. A server restarted within this window rejoins the run. 0 = one attempt only.
   */
  reconnectWindowMs?: number;
  /**
   * A snapshot is stalled when its instance sent neither a reply nor a progress notification for
   * `stallFactor` x the run's median snapshot time (and at least `stallFloorMs`): the task goes to
   * another instance and this one reconnects.
   */
  stallFactor?: number;
  stallFloorMs?: number;
  /** Images transcoded and written at once. */
  postConcurrency?: number;
  /** Tasks under way per instance (sent, or queued in the server behind the one rendering). */
  pipelineDepth?: number;
  manifestIntervalMs?: number;
}

type Tunable = Exclude<keyof RunOptions, 'outDir' | 'instances' | 'shard' | 'force' | 'failFast' | 'gallery' | 'signal' | 'onEvent' | 'manifestPath' | 'status'>;

/** The options after validation, every tunable filled in. */
export type ResolvedRunOptions = RunOptions & Required<Pick<RunOptions, Tunable | 'force' | 'failFast'>> & { shard: Shard | null };

interface Rule {
  default: () => number;
  /** What a valid value is, as the error says it ("an integer from 1 up"). */
  expected: string;
  valid: (n: number) => boolean;
}

const integerFrom = (min: number, fallback: number): Rule => ({
  default: () => fallback,
  expected: `an integer from ${min} up`,
  valid: (n) => Number.isSafeInteger(n) && n >= min,
});
const durationMs = (fallback: number, { allowZero = false } = {}): Rule => ({
  default: () => fallback,
  expected: allowZero ? 'a finite number of milliseconds, 0 or more' : 'a finite number of milliseconds above 0',
  valid: (n) => Number.isFinite(n) && (allowZero ? n >= 0 : n > 0),
});

/** Every tunable, its default and what is accepted: the one place to read them. */
const RULES: Record<Tunable, Rule> = {
  loadTimeoutMs: durationMs(30 * 60_000),
  renderTimeoutMs: durationMs(10 * 60_000),
  maxAttempts: integerFrom(1, 3),
  maxInstanceFailures: integerFrom(1, 3),
  retryDelayMs: durationMs(250, { allowZero: true }),
  reconnectDelayMs: durationMs(250, { allowZero: true }),
  reconnectMaxDelayMs: durationMs(5_000, { allowZero: true }),
  // Long enough for a crashed Brayns to be restarted by hand or by its supervisor.
  reconnectWindowMs: durationMs(120_000, { allowZero: true }),
  // Snapshot times of one run vary a few-fold (frames, views); ten times the median is no longer that.
  stallFactor: { default: () => 10, expected: 'a number from 1 up', valid: (n) => Number.isFinite(n) && n >= 1 },
  // Below this, a busy machine's hiccups (GC, a loaded core) would pass for stalls.
  stallFloorMs: durationMs(30_000),
  // sharp runs on libuv's thread pool (4 threads by default), so more concurrent jobs than that only
  // queue inside libvips; at least 2 so a write waiting on disk never stalls encoding.
  postConcurrency: { ...integerFrom(1, 0), default: () => Math.max(2, Math.min(4, availableParallelism())) },
  // One request queued in the server behind the one rendering hides the round trip; more only
  // moves work that another instance could take.
  pipelineDepth: integerFrom(1, 2),
  manifestIntervalMs: durationMs(10_000),
};

/** Validates every option once and fills in the defaults; a nonsense value is a USAGE error naming it. */
export function resolveRunOptions(options: RunOptions): ResolvedRunOptions {
  const problems: string[] = [];
  if (typeof options.outDir !== 'string' || options.outDir === '') problems.push(`expected \`outDir\` to be a directory path, got ${show(options.outDir)}`);
  if (!Array.isArray(options.instances) || !options.instances.every((u) => typeof u === 'string' && u !== '')) {
    problems.push(`expected \`instances\` to be a list of URIs, got ${show(options.instances)}`);
  }
  const tunables = {} as Record<Tunable, number>;
  for (const [name, rule] of Object.entries(RULES) as [Tunable, Rule][]) {
    const value: unknown = options[name];
    if (value === undefined) tunables[name] = rule.default();
    else if (typeof value === 'number' && rule.valid(value)) tunables[name] = value;
    else problems.push(`expected \`${name}\` to be ${rule.expected}, got ${show(value)}`);
  }
  if (problems.length > 0) {
    throw new RenderRecipesError('USAGE', `runPlan: ${problems.join('; ')}`, { hint: 'leave an option out to get its default (see RunOptions)' });
  }
  return { ...options, ...tunables, force: options.force ?? false, failFast: options.failFast ?? false, shard: options.shard ?? null };
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}' (string)`;
  if (value === undefined) return 'nothing';
  return `${JSON.stringify(value) ?? typeof value} (${Array.isArray(value) ? 'array' : typeof value})`;
}
