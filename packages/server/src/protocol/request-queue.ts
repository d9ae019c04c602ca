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
  /**
   * Set by the executor when the task starts: settles once the client's previous request has
   * answered. A task that overlaps the next one (see `overlapNext`) could otherwise be overtaken, so
   * the answer waits on this to keep replies in order per client.
   */
  previousReplied?: Promise<void>;
}

/**
 * Brayns' execution model (PROTOCOL §2.4): a single FIFO queue shared by every client, drained one
 * request at a time, each to completion. Only `cancel` bypasses the queue: it marks a queued
 * request (answered with code 20 when its turn comes) or aborts the running one.
 *
 * One departure, invisible to clients: a snapshot whose render is done calls `overlapNext`, so the
 * next request (e.g. the next frame's render) starts while this one is still encoding. At most one
 * task is overlapped at a time (two frames in memory), and replies stay in order per client.
 */
export class RequestQueue {
  private readonly queue: Task[] = [];
  private running: Task | null = null;
  /** The task that let the next one start and is finishing (encoding) beside it. */
  private overlapped: Task | null = null;
  /** The running task asked to overlap while another one was: it does once that one ends. */
  private overlapWanted = false;
  /** Per client, settles when its latest started task has finished. */
  private readonly lastDone = new WeakMap<ClientRef, Promise<void>>();
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
    const candidates = [this.overlapped, this.running, ...this.queue].filter((t): t is Task => t !== null);
    const task = candidates.find((t) => t.client === client && t.id === id);
    if (!task) throw invalidParams(wire.cancelNotFound(client.number, id));
    if (!task.entrypoint.async) throw invalidParams(`Method '${task.method}' is not cancellable`);
    if (task.cancelled) throw invalidParams(wire.cancelTwice(id));
    task.cancelled = true;
    return () => {
      if (task === this.running || task === this.overlapped) task.controller.abort(new Error('Task has been cancelled'));
    };
  }

  /** Drops the client's queued requests; a running snapshot for it is cancelled, anything else finishes. */
  disconnect(client: ClientRef): void {
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (this.queue[i]?.client === client) this.queue.splice(i, 1);
    }
    for (const active of [this.running, this.overlapped]) {
      if (active?.client === client && active.entrypoint.cancelOnDisconnect) {
        active.cancelled = true;
        active.controller.abort(new Error('client disconnected'));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.running?.controller.abort(new Error('server stopped'));
    this.overlapped?.controller.abort(new Error('server stopped'));
  }

  /** Whether the client has a request queued, running or finishing. */
  hasWork(client: ClientRef): boolean {
    return this.running?.client === client || this.overlapped?.client === client || this.queue.some((t) => t.client === client);
  }

  get busy(): boolean {
    return this.running !== null || this.overlapped !== null || this.queue.length > 0;
  }

  /**
   * The running task's remaining work (encoding a rendered frame) may overlap the next request.
   * If another task is still overlapping, this one does when that one ends.
   */
  overlapNext(task: Task): void {
    if (task !== this.running) return;
    if (this.overlapped !== null) {
      this.overlapWanted = true;
      return;
    }
    this.overlapped = task;
    this.running = null;
    this.overlapWanted = false;
    this.pump();
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    const task = this.queue.shift();
    if (!task) return;
    this.running = task;
    task.previousReplied = this.lastDone.get(task.client) ?? Promise.resolve();
    const done = task
      .execute(task)
      .catch(() => undefined)
      .finally(() => this.finished(task));
    this.lastDone.set(task.client, done);
  }

  private finished(task: Task): void {
    if (task === this.running) {
      this.running = null;
      this.overlapWanted = false;
    } else if (task === this.overlapped) {
      this.overlapped = null;
      if (this.overlapWanted && this.running !== null) this.overlapNext(this.running);
    }
    this.pump();
  }
}
