import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BULK_BYTES, BulkGarbage, fullCollection } from '../../src/protocol/bulk-garbage.js';

describe('bulk garbage', () => {
  it('collects once per BULK_BYTES received, on the turn after the request was answered', async () => {
    let collections = 0;
    const garbage = new BulkGarbage(() => (collections += 1));
    // Ordinary traffic: a thousand small requests never collect.
    for (let i = 0; i < 1000; i++) {
      garbage.received(200);
      garbage.answered();
    }
    await nextTurn();
    expect(collections).toBe(0);
    garbage.received(BULK_BYTES);
    garbage.answered();
    garbage.answered();
    // Not while the answering code still holds the request.
    expect(collections).toBe(0);
    await nextTurn();
    expect(collections).toBe(1);
    // The count starts again.
    garbage.received(BULK_BYTES / 2);
    garbage.answered();
    await nextTurn();
    expect(collections).toBe(1);
  });

  it('frees what nothing references, including the last text a regular expression matched', async () => {
    let request: { text: string } | null = { text: `{"params":[${'1.5,'.repeat(100_000)}0]}` };
    const parsed = new WeakRef(request);
    expect(/[.eE]/.test(request.text)).toBe(true);
    request = null;
    // A WeakRef target stays alive until the end of the current job.
    await nextTurn();
    fullCollection();
    expect(parsed.deref()).toBeUndefined();
    expect(RegExp.input.length).toBeLessThan(100);
  });
});
