import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Brayns' connection limit (PROTOCOL §2.2): Poco serves at most `max-clients` sessions; up to as
 * many more connections wait (their handshake unanswered) until a session ends, and any beyond
 * that are refused.
 */
export interface PendingUpgrade {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

export class Admission {
  private active = 0;
  private readonly waiting: PendingUpgrade[] = [];

  constructor(
    private readonly maxClients: number,
    private readonly accept: (upgrade: PendingUpgrade) => void,
  ) {}

  offer(upgrade: PendingUpgrade): void {
    if (this.active < this.maxClients) {
      this.active += 1;
      this.accept(upgrade);
      return;
    }
    if (this.waiting.length >= this.maxClients) {
      upgrade.socket.destroy();
      return;
    }
    this.waiting.push(upgrade);
    upgrade.socket.once('close', () => {
      const index = this.waiting.indexOf(upgrade);
      if (index >= 0) this.waiting.splice(index, 1);
    });
  }

  /** A session ended: the oldest waiting connection gets its slot. */
  release(): void {
    this.active -= 1;
    const next = this.waiting.shift();
    if (next) this.offer(next);
  }

  dropWaiting(): void {
    for (const upgrade of this.waiting.splice(0)) upgrade.socket.destroy();
  }
}
