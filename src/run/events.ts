import type { ErrorCode } from '../errors.js';
import type { BraynsEvent } from '../brayns/events.js';
import type { LoadProblem } from '../brayns/load-check.js';
import type { EventsOf } from '../events.js';
import type { TaskAction } from './task-status.js';

/**
 * What a run reports while it works, in the library's one event shape (see src/events.ts): the
 * runner's own events and what the Brayns client reports (forwarded as it is, with the instance's
 * `uri` added to `data`). Movies (`buildMovies`) report MovieEvent, Slurm steps SlurmEvent.
 */
export type RunOwnEvent = EventsOf<{
  'run.started': { planHash: string; tasks: number; toRender: number; skipped: number; instances: number; shard: string | null };
  'instance.up': { uri: string; version: string; revision: string };
  /** `problems`: set when the server's own answers refuse the plan's loads (see checkLoads). */
  'instance.down': { uri: string; reason: string; setAside: boolean; problems?: LoadProblem[] };
  'instance.reconnecting': { uri: string; attempt: number };
  /** `cells`: what the server says it loaded (null when it does not say); `density`: the fraction asked for. */
  'scene.loaded': { uri: string; sceneId: string; ms: number; cells: number | null; density: number };
  'task.started': { taskId: string; uri: string; output: string; attempt: number };
  'task.finished': { taskId: string; uri: string; output: string; renderMs: number; bytes: number | null; sha256: string | null };
  'task.failed': { taskId: string; uri: string; output: string; code: ErrorCode; error: string; attempt: number; willRetry: boolean };
  'task.skipped': { taskId: string; output: string; reason: TaskAction['reason'] };
  'manifest.written': { path: string; tasksEnded: number; final: boolean };
  /** A contact sheet or the gallery page, written after the tasks (`state`: written or up to date). */
  'figure.written': { kind: 'contact-sheet' | 'gallery'; path: string; images: number; state: 'written' | 'up to date' };
  'figure.skipped': { kind: 'contact-sheet' | 'gallery'; path: string; reason: string };
  'run.finished': { summary: RunSummary };
}>;

export type RunEvent = RunOwnEvent | BraynsEvent;

export type RunEventCode = RunEvent['code'];

export interface InstanceSummary {
  uri: string;
  version: string | null;
  revision: string | null;
  loads: number;
  rendered: number;
  failures: number;
  setAside: boolean;
  /** Set aside because its loaders or schemas refuse the plan's loads (exit 5 when none rendered). */
  refused?: string;
}

export interface RunSummary {
  planHash: string;
  tasks: number;
  rendered: number;
  skipped: number;
  failed: number;
  /** Not attempted: interrupted, or every instance was lost. */
  pending: number;
  wallMs: number;
  /** Rendered images per second of wall time. */
  throughput: number;
  loads: number;
  /** The fewest loads any schedule needs: one per scene with work, and at least one per instance used. */
  minLoads: number;
  instances: InstanceSummary[];
  interrupted: boolean;
  manifestPath: string | null;
  failures: { taskId: string; output: string; code: ErrorCode; error: string; attempts: number }[];
}
