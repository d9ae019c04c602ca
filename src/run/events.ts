import type { ErrorCode } from '../errors.js';
import type { MovieEvent } from '../movie/events.js';
import type { TaskAction } from './task-status.js';

/**
 * What a run reports while it works. The library never prints: the CLI turns these into a progress
 * bar, log lines or JSON lines, and tests record them. `message` is the human sentence.
 */
interface Base {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

export type RunEvent = Base &
  (
    | { type: 'run-started'; planHash: string; tasks: number; toRender: number; skipped: number; instances: number; shard: string | null }
    | { type: 'instance-up'; uri: string; version: string; revision: string }
    | { type: 'instance-down'; uri: string; reason: string; setAside: boolean }
    | { type: 'instance-reconnecting'; uri: string; attempt: number }
    /** `cells`: what the server says it loaded (null when it does not say); `density`: the fraction asked for. */
    | { type: 'scene-loaded'; uri: string; sceneId: string; ms: number; cells: number | null; density: number }
    | { type: 'task-started'; taskId: string; uri: string; output: string; attempt: number }
    | { type: 'task-finished'; taskId: string; uri: string; output: string; renderMs: number; bytes: number | null; sha256: string | null }
    | { type: 'task-failed'; taskId: string; uri: string; output: string; code: ErrorCode; error: string; attempt: number; willRetry: boolean }
    | { type: 'task-skipped'; taskId: string; output: string; reason: TaskAction['reason'] }
    | { type: 'manifest-written'; path: string; tasksEnded: number; final: boolean }
    /** A contact sheet or the gallery page, written after the tasks (`state`: written or up to date). */
    | { type: 'figure-written'; kind: 'contact-sheet' | 'gallery'; path: string; images: number; state: 'written' | 'up to date' }
    | { type: 'figure-skipped'; kind: 'contact-sheet' | 'gallery'; path: string; reason: string }
    | { type: 'run-finished'; summary: RunSummary }
  )
  | MovieEvent;

export type RunEventType = RunEvent['type'];

export interface InstanceSummary {
  uri: string;
  version: string | null;
  revision: string | null;
  loads: number;
  rendered: number;
  failures: number;
  setAside: boolean;
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
