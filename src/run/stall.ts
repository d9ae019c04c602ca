import type { Clock } from './effects.js';
import { stallError } from './instance.js';

/**
 * Snapshot times of the run so far, for the stall limit. The median of the last 101 replies: it
 * follows a run whose frames get heavier, and one slow outlier does not move it.
 */
export class SnapshotTimes {
  private readonly recent: number[] = [];
  private next = 0;

  add(ms: number): void {
    if (this.recent.length < 101) this.recent.push(ms);
    else this.recent[this.next] = ms;
    this.next = (this.next + 1) % 101;
  }

  median(): number | null {
    if (this.recent.length === 0) return null;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[sorted.length >> 1] ?? null;
  }
}

/**
 * Notices an instance that accepted a snapshot and then went silent. A healthy Brayns either
 * answers or sends progress notifications; one that does neither for `factor` x the run's median
 * snapshot time (at least `floorMs`) is stalled, and its task is better given to another instance
 * than left to the render timeout. Until the run has a median, only the render timeout applies.
 */
export class StallWatch {
  constructor(
    private readonly times: SnapshotTimes,
    private readonly factor: number,
    private readonly floorMs: number,
    private readonly clock: Clock,
  ) {}

  limitMs(): number | null {
    const median = this.times.median();
    return median === null ? null : Math.max(this.floorMs, this.factor * median);
  }

  /**
   * Rejects with a stall error once `lastActivity()` (clock time of the last reply or progress the
   * request could be waiting behind) is older than the limit; resolves when `stop` aborts.
   */
  async watch(uri: string, lastActivity: () => number, stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const limit = this.limitMs();
      const idle = this.clock.now() - lastActivity();
      if (limit !== null && idle >= limit) {
        const median = this.times.median() ?? 0;
        throw stallError(
          uri,
          `no reply and no progress for ${seconds(idle)} s (the limit is ${seconds(limit)} s: ${this.factor} x the run's median snapshot time of ${Math.round(median)} ms, at least ${seconds(this.floorMs)} s)`,
        );
      }
      try {
        await this.clock.sleep(limit === null ? this.floorMs : limit - idle, stop);
      } catch {
        return;
      }
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
