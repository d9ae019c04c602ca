import type { Entrypoint } from '../entrypoints/types.js';
import type { RequestId, WireRules } from '../personas/types.js';
import { invalidParams } from './errors.js';

/** One connected client, as the request queue sees it. */
export interface ClientRef {
  /** 1, 2, 3… in connection order (Brayns prints its client handle in some messages). */
  number: number;
  connected: boolean;
}

export interface Task {
  client: ClientRef;
  id: RequestId | null;
  method: string;
  entrypoint: Entrypoint;
  cancelled: boolean;
  controller: AbortController;
  /** Runs the request and answers it; the queue only decides when. */
  execute(task: Task): Promise<void>;
}

/**
 * Brayns' execution model (PROTOCOL §2.4): a single FIFO queue shared by every client, drained one
 * request at a time, each to completion. Only `cancel` bypasses the queue: it marks a queued
 * request (answered with code 20 when its turn comes) or aborts the running one.
 */
export class RequestQueue {
  private readonly queue: Task[] = [];
  private running: Task | null = null;
  private stopped = false;

  submit(task: Task): void {
    if (this.stopped) return;
    this.queue.push(task);
    this.pump();
  }

  /**
   * Marks the client's request `id` as cancelled (throws Brayns' -32602 errors otherwise) and
   * returns what stops it: to be called after the cancel reply went out, so the client sees that
   * reply before the cancelled request's code-20 error.
   */
  cancel(client: ClientRef, id: RequestId | null, wire: WireRules): () => void {
    if (id === null) throw invalidParams('Empty task ID');
    const candidates = this.running ? [this.running, ...this.queue] : this.queue;
    const task = candidates.find((t) => t.client === client && t.id === id);
    if (!task) throw invalidParams(wire.cancelNotFound(client.number, id));
    if (!task.entrypoint.async) throw invalidParams(`Method '${task.method}' is not cancellable`);
    if (task.cancelled) throw invalidParams(wire.cancelTwice(id));
    task.cancelled = true;
    return () => {
      if (task === this.running) task.controller.abort(new Error('Task has been cancelled'));
    };
  }

  /** Drops the client's queued requests; a running snapshot for it is cancelled, anything else finishes. */
  disconnect(client: ClientRef): void {
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (this.queue[i]?.client === client) this.queue.splice(i, 1);
    }
    const running = this.running;
    if (running?.client === client && running.entrypoint.cancelOnDisconnect) {
      running.cancelled = true;
      running.controller.abort(new Error('client disconnected'));
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.running?.controller.abort(new Error('server stopped'));
  }

  /** Whether the client has a request queued or running. */
  hasWork(client: ClientRef): boolean {
    return this.running?.client === client || this.queue.some((t) => t.client === client);
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    const task = this.queue.shift();
    if (!task) return;
    this.running = task;
    task
      .execute(task)
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
        this.pump();
      });
  }
}
