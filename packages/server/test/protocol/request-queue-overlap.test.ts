import { describe, expect, it } from 'vitest';
import type { Entrypoint } from '../../src/entrypoints/types.js';
import { RequestQueue, type ClientRef, type Task } from '../../src/protocol/request-queue.js';

/**
 * The one overlap the executor allows: a snapshot whose render is done lets the next request start
 * while it encodes. Driven with tasks whose "encoding" ends when the test says so.
 */

const snapshotEntrypoint = { method: 'snapshot', async: true, run: () => ({ result: null }) } as Entrypoint;

function gate(): { open(): void; opened: Promise<void> } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

function task(client: ClientRef, id: number, log: string[], body: (t: Task, executor: RequestQueue) => Promise<void>, executor: RequestQueue): { task: Task; done: Promise<void> } {
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    done,
    task: {
      client,
      id,
      method: 'snapshot',
      entrypoint: snapshotEntrypoint,
      cancelled: false,
      controller: new AbortController(),
      execute: async (t) => {
        log.push(`${id} started`);
        await body(t, executor);
        // The dispatcher answers only once the client's previous request has.
        await t.previousReplied;
        log.push(`${id} replied`);
        finish();
      },
    },
  };
}

describe('executor overlap', () => {
  it('starts the next request while an overlapped one encodes, answers in order per client, overlaps one at a time', async () => {
    const executor = new RequestQueue();
    const a: ClientRef = { number: 1, connected: true };
    const b: ClientRef = { number: 2, connected: true };
    const log: string[] = [];
    const encode1 = gate();
    const encode2 = gate();
    const first = task(a, 1, log, async (t, ex) => {
      ex.overlapNext(t);
      await encode1.opened;
    }, executor);
    const secondStarted = gate();
    const second = task(a, 2, log, async (t, ex) => {
      secondStarted.open();
      ex.overlapNext(t);
      await encode2.opened;
    }, executor);
    const third = task(b, 3, log, () => Promise.resolve(), executor);
    executor.submit(first.task);
    executor.submit(second.task);
    executor.submit(third.task);
    await secondStarted.opened;
    // 2 rendered while 1 encodes; 3 waits: 2 cannot overlap until 1 is done.
    expect(log).toEqual(['1 started', '2 started']);
    expect(executor.busy).toBe(true);
    expect(executor.hasWork(a)).toBe(true);
    encode2.open();
    await new Promise((resolve) => setImmediate(resolve));
    // 2 finished encoding but must not answer before 1.
    expect(log).toEqual(['1 started', '2 started']);
    encode1.open();
    await Promise.all([first.done, second.done, third.done]);
    expect(log.indexOf('1 replied')).toBeLessThan(log.indexOf('2 replied'));
    expect(log.indexOf('3 started')).toBeGreaterThan(log.indexOf('1 replied'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.busy).toBe(false);
  });

  it('lets a cancel reach the overlapped request', () => {
    const executor = new RequestQueue();
    const a: ClientRef = { number: 1, connected: true };
    const log: string[] = [];
    const never = gate();
    const first = task(a, 1, log, async (t, ex) => {
      ex.overlapNext(t);
      await never.opened;
    }, executor);
    executor.submit(first.task);
    const wire = { cancelNotFound: () => 'not found', cancelTwice: () => 'twice' } as unknown as Parameters<RequestQueue['cancel']>[2];
    const stop = executor.cancel(a, 1, wire);
    stop();
    expect(first.task.controller.signal.aborted).toBe(true);
    never.open();
  });
});
