/**
 * Closes a session that holds a `--max-clients` slot without using it: fires `onIdle` once nothing
 * was received or sent for `timeoutMs` and the session has no request queued or running. A session
 * busy with a long render is never idle; its countdown starts again from its last reply.
 */
export class IdleTimer {
  private last = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly busy: () => boolean,
    private readonly onIdle: () => void,
  ) {
    this.arm(timeoutMs);
  }

  /** Activity on the session: a message in or out. */
  touch(): void {
    this.last = Date.now();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    if (this.timeoutMs <= 0) return;
    this.timer = setTimeout(() => this.check(), ms);
    // An idle session alone must not keep the process alive.
    this.timer.unref();
  }

  private check(): void {
    const quiet = Date.now() - this.last;
    if (quiet < this.timeoutMs) this.arm(this.timeoutMs - quiet);
    else if (this.busy()) this.arm(this.timeoutMs);
    else {
      this.timer = null;
      this.onIdle();
    }
  }
}
