/**
 * Brayns model/light ids: they start at 0, grow by one, and freed ids are reused, the last freed
 * first (Brayns `IDFactory`). Clients that cache ids across clears rely on this.
 */
export class IdFactory {
  private next = 0;
  private readonly freed: number[] = [];

  take(): number {
    const reused = this.freed.pop();
    if (reused !== undefined) return reused;
    const id = this.next;
    this.next += 1;
    return id;
  }

  release(id: number): void {
    this.freed.push(id);
  }

  reset(): void {
    this.next = 0;
    this.freed.length = 0;
  }
}
