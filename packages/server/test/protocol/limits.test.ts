import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { IdleTimer } from '../../src/protocol/idle.js';
import { startServer } from '../../src/serve.js';
import { errorOf, RawClient, withServer } from './raw-client.js';

/**
 * The server's limits (serve --max-pixels, --max-samples, --max-json-depth, --max-message-size,
 * --idle-timeout): each refused request gets a -32602 answer naming the option that raises it,
 * and nothing is rendered or allocated for it.
 */


const small = { limits: { maxPixels: 64 * 64, maxSamples: 16, maxJsonDepth: 8 } };

describe('image size limit (--max-pixels)', () => {
  it('refuses a snapshot larger than the limit, whatever its shape, and renders one at the limit', async () => {
    await withServer(small, async (client) => {
      expect(errorOf(await client.call('snapshot', { image_settings: { size: [65, 64] } }))).toEqual({
        code: -32602,
        message: 'Image too large: 65x64 is 4160 pixels, the server renders at most 4096 (limit --max-pixels 64x64)',
      });
      expect(errorOf(await client.call('snapshot', { image_settings: { size: [1, 2 ** 32] } })).message).toContain('(limit --max-pixels 64x64)');
      const ok = await client.call('snapshot', { image_settings: { size: [128, 32] } });
      expect(ok.json?.['result']).toBeDefined();
    });
  });

  it('applies to the viewport a snapshot without a size uses', async () => {
    await withServer(small, async (client) => {
      await client.result('set-application-parameters', { viewport: [100_000, 100_000] });
      expect(errorOf(await client.call('snapshot', {}))).toMatchObject({
        code: -32602,
        message: 'Image too large: 100000x100000 is 10000000000 pixels, the server renders at most 4096 (limit --max-pixels 64x64)',
      });
    });
  });

  it('applies to the whole frame a small region is cut from', async () => {
    await withServer(small, async (client) => {
      const answer = await client.call('snapshot', { image_settings: { size: [8, 8] }, image_start: [0.5, 0.5], image_end: [0.5001, 0.4999] });
      expect(errorOf(answer)).toMatchObject({
        code: -32602,
        message: 'Image too large: 80000x80000 is 6400000000 pixels, the server renders at most 4096 (limit --max-pixels 64x64)',
      });
    });
  });

  it('answers an image the process cannot allocate with an error naming the limit, and keeps serving', async () => {
    await withServer({ limits: { maxPixels: Number.MAX_SAFE_INTEGER } }, async (client) => {
      const answer = await client.call('snapshot', { image_settings: { size: [2 ** 20, 2 ** 20] } });
      expect(errorOf(answer)).toMatchObject({
        code: -32602,
        message: expect.stringMatching(/^Cannot allocate a 1048576x1048576 image on this server: .* lower --max-pixels than 9007199254740991 /) as unknown,
      });
      expect(await client.result('get-version')).toMatchObject({ major: 3 });
    });
  });
});

describe('samples limit (--max-samples)', () => {
  it('refuses to render with more samples per pixel than the limit, set before or given inline', async () => {
    await withServer(small, async (client) => {
      await client.result('set-renderer-production', { samples_per_pixel: 17 });
      expect(errorOf(await client.call('snapshot', { image_settings: { size: [8, 8] } }))).toEqual({
        code: -32602,
        message: 'Too many samples: samples_per_pixel 17 > 16 (limit --max-samples 16)',
      });
      const inline = await client.call('snapshot', {
        image_settings: { size: [8, 8] },
        renderer: { name: 'interactive', params: { samples_per_pixel: 1, ao_samples: 1_000_000 } },
      });
      expect(errorOf(inline).message).toBe('Too many samples: ao_samples 1000000 > 16 (limit --max-samples 16)');
      await client.result('set-renderer-production', { samples_per_pixel: 16 });
      expect((await client.call('snapshot', { image_settings: { size: [8, 8] } })).json?.['result']).toBeDefined();
    });
  });
});

describe('JSON depth limit (--max-json-depth)', () => {
  it('answers a too deeply nested request by its id, and one without a usable id with id null', async () => {
    await withServer(small, async (client) => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      client.sendText(`{"jsonrpc":"2.0","id":"deep","method":"snapshot","params":{"camera_view":${deep}}}`);
      expect(errorOf(await client.answer('deep'))).toEqual({
        code: -32602,
        message: 'Message nested too deeply: more than 8 levels (limit --max-json-depth 8)',
      });
      client.sendText(`{"jsonrpc":"2.0","id":${deep},"method":"get-version"}`);
      const anonymous = await client.waitFor((m) => m.json?.['id'] === null);
      expect(errorOf(anonymous).message).toBe('Message nested too deeply: more than 8 levels (limit --max-json-depth 8)');
      // Exactly at the limit is fine: 8 levels including the envelope.
      const answer = await client.call('set-camera-view', { position: [0, 0, 1], target: [0, 0, 0], up: [0, [[[[[1]]]]], 0] });
      expect(errorOf(answer).message).toBe('Invalid params schema');
    });
  });
});

describe('message size limit (--max-message-size)', () => {
  it('closes a connection whose message is over the limit with code 1009 and a reason naming the option', async () => {
    await withServer({ limits: { maxMessageBytes: 1024 } }, async (client, server) => {
      expect(await client.result('get-version')).toMatchObject({ major: 3 });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        client.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      client.sendText(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'get-version', params: { pad: 'x'.repeat(2000) } }));
      expect(await closed).toEqual({ code: 1009, reason: 'message over 1024 bytes (serve --max-message-size)' });
      // The server itself is fine, and the slot was given back.
      const other = await RawClient.connect(server.url);
      expect(await other.result('get-version')).toMatchObject({ major: 3 });
      await other.close();
    });
  });
});

describe('idle sessions (--idle-timeout)', () => {
  it('closes two idle sessions so that a waiting third client gets in', async () => {
    const server = await startServer({ maxClients: 2, limits: { idleTimeoutMs: 300 } });
    try {
      const first = await RawClient.connect(server.url);
      const second = await RawClient.connect(server.url);
      const closes = [first, second].map(
        (c) => new Promise<{ code: number; reason: string }>((resolve) => c.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
      );
      // The third handshake is held until a slot frees up, then completes.
      const third = await RawClient.connect(server.url);
      expect(await Promise.all(closes)).toEqual([
        { code: 1001, reason: 'idle for 0.3 s (serve --idle-timeout)' },
        { code: 1001, reason: 'idle for 0.3 s (serve --idle-timeout)' },
      ]);
      expect(await third.result('get-version')).toMatchObject({ major: 3 });
      await third.close();
    } finally {
      await server.close();
    }
  });

  it('never closes a session while its request runs, however long', async () => {
    const server = await startServer({ latency: { loadMs: 1, renderMs: 1500 }, limits: { idleTimeoutMs: 200 } });
    try {
      const client = await RawClient.connect(server.url);
      let closedEarly = false;
      client.ws.once('close', () => (closedEarly = true));
      const answer = await client.call('snapshot', { image_settings: { size: [8, 8] } });
      expect(answer.json?.['result']).toBeDefined();
      expect(closedEarly).toBe(false);
      // Once nothing is in flight it is idle again and gets closed.
      await client.closed;
      expect(client.ws.readyState).toBe(WebSocket.CLOSED);
    } finally {
      await server.close();
    }
  });
});

describe('IdleTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires only after the timeout with no activity and nothing in flight, never with timeout 0', () => {
    vi.useFakeTimers();
    let busy = true;
    const fired: string[] = [];
    const timer = new IdleTimer(1000, () => busy, () => fired.push('idle'));
    const never = new IdleTimer(0, () => false, () => fired.push('never'));
    vi.advanceTimersByTime(900);
    timer.touch();
    vi.advanceTimersByTime(900);
    expect(fired).toEqual([]);
    // Quiet for long enough, but a request is in flight.
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual([]);
    busy = false;
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['idle']);
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual(['idle']);
    timer.stop();
    never.stop();
  });
});
