import type { Clock } from './effects.js';
import type { Costs } from './scheduler.js';

/**
 * Running estimates of load and render times, which decide whether joining a scene pays for its
 * load. Exponential moving averages follow a server that slows down without forgetting the past.
 */
export class CostEstimate {
  private loadMs: number | null = null;
  private renderMs: number | null = null;

  addLoad(ms: number): void {
    this.loadMs = this.loadMs === null ? ms : 0.8 * this.loadMs + 0.2 * ms;
  }

  addRender(ms: number): void {
    this.renderMs = this.renderMs === null ? ms : 0.9 * this.renderMs + 0.1 * ms;
  }

  /** Before any measurement, assume a load costs about ten renders (typical for circuits). */
  current(): Costs {
    const renderMs = this.renderMs ?? (this.loadMs === null ? 100 : this.loadMs / 10);
    return { loadMs: this.loadMs ?? renderMs * 10, renderMs: Math.max(renderMs, 1e-3) };
  }
}

/** A level-triggered "something changed" for idle workers: wait() resolves at the next notify(). */
export class Signal {
  private wake: () => void = () => undefined;
  private next: Promise<void> = this.renew();

  notify(): void {
    this.wake();
    this.next = this.renew();
  }

  /** Resolves at the next notify, at `until` (clock time) or when `abort` fires, whichever is first. */
  async wait(abort: AbortSignal, until: number | null, clock: Clock): Promise<void> {
    if (abort.aborted) return;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    abort.addEventListener('abort', onAbort, { once: true });
    const waits: Promise<unknown>[] = [this.next, new Promise((r) => stop.signal.addEventListener('abort', r, { once: true }))];
    if (until !== null) waits.push(clock.sleep(Math.max(0, until - clock.now()), stop.signal).catch(() => undefined));
    try {
      await Promise.race(waits);
    } finally {
      stop.abort();
      abort.removeEventListener('abort', onAbort);
    }
  }

  private renew(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}

/** Whether an instance runs on this machine (then any file it writes must be visible here). */
export function isLoopbackUri(uri: string): boolean {
  const host = /^(?:wss?:\/\/)?\[?([^\]/]+?)\]?(?::\d+)?(?:\/.*)?$/.exec(uri)?.[1] ?? '';
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
