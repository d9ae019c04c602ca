import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RPC } from '../../src/protocol/errors.js';
import { startServer, type ApiVersion } from '../../src/serve.js';
import { rng, type Rng } from './hostile-messages.js';
import { RawClient } from './raw-client.js';

/**
 * The server never dies on a bad request: garbage frames, broken JSON, wrong envelopes and
 * random params drawn from the vendored schemas (right and wrong types, unknown keys), after
 * which it still answers get-version on the same connection and on a new one.
 */

/** Snapshots with a fuzzed `file_path` write files: keep them in a folder of the test's own. */
const fuzzDir = mkdtempSync(join(tmpdir(), 'render-recipes-fuzz-'));
afterAll(() => rmSync(fuzzDir, { recursive: true, force: true }));

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

function randomJson(r: Rng, depth = 0): unknown {
  const kinds = depth > 3 ? 5 : 7;
  switch (Math.floor(r() * kinds)) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 20) - 5;
    case 3:
      return r() * 10 - 2;
    case 4:
      return pick(r, ['', 'png', 'jpg', 'x', 'BlueConfig', '\u0000', 'é', '../../etc']);
    case 5:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i}`, randomJson(r, depth + 1)]));
  }
}

type Schema = Record<string, unknown>;

/** A value shaped by the schema most of the time, and wrong some of the time. Numbers stay small. */
function fromSchema(schema: Schema | undefined, r: Rng, depth = 0): unknown {
  if (!schema || depth > 5 || r() < 0.08) return randomJson(r, depth);
  if (Array.isArray(schema['oneOf'])) return fromSchema(pick(r, schema['oneOf'] as Schema[]), r, depth + 1);
  if (Array.isArray(schema['enum'])) return pick(r, schema['enum'] as unknown[]);
  switch (schema['type']) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      const required = (schema['required'] ?? []) as string[];
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) {
        if (r() >= (required.includes(key) ? 0.9 : 0.5)) continue;
        out[key] = key === 'file_path' ? join(fuzzDir, pick(r, ['', 'a', 'b.png', 'c.jpg', 'orthographic'])) : fromSchema(sub, r, depth + 1);
      }
      if (r() < 0.1) out['unexpected'] = randomJson(r, depth + 1);
      return out;
    }
    case 'array': {
      const min = (schema['minItems'] as number | undefined) ?? 0;
      const max = (schema['maxItems'] as number | undefined) ?? min + 3;
      const length = r() < 0.9 ? min + Math.floor(r() * (max - min + 1)) : Math.floor(r() * 5);
      return Array.from({ length }, () => fromSchema(schema['items'] as Schema | undefined, r, depth + 1));
    }
    case 'integer':
      return Math.floor(r() * 9) - (r() < 0.1 ? 3 : 0);
    case 'number':
      return Math.round((r() * 6 - 1) * 100) / 100;
    case 'string':
      return pick(r, ['', 'png', 'jpg', 'perspective', 'orthographic', 'interactive', 'production', 'BBP loader', '/tmp/BlueConfig', 'get-version']);
    case 'boolean':
      return r() < 0.5;
    default:
      return randomJson(r, depth);
  }
}

function garbageFrame(r: Rng): { data: Buffer | string; binary: boolean } {
  switch (Math.floor(r() * 6)) {
    case 0:
      return { data: Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256))), binary: r() < 0.5 };
    case 1:
      return { data: '{"jsonrpc":"2.0","id":1,"method":"get-version"'.slice(0, Math.floor(r() * 45)), binary: false };
    case 2:
      return { data: JSON.stringify(randomJson(r)), binary: false };
    case 3:
      return { data: '['.repeat(5000) + ']'.repeat(5000), binary: false };
    case 4: {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(Math.floor(r() * 2 ** 32), 0);
      return { data: Buffer.concat([header, Buffer.from('{"jsonrpc":"2.0"}')]), binary: true };
    }
    default:
      return { data: JSON.stringify({ jsonrpc: pick(r, ['2.0', '1.0', 2]), id: randomJson(r), method: pick(r, ['', 'get-version', 7]) }), binary: false };
  }
}

/** The codes Brayns answers with, including 0 (a JsonRpcException given only a message, e.g. instantiate-model's empty transforms). */
const allowedCodes = new Set<number>(Object.values(RPC));

const cases = (['2.0.0', '3.0.0', '3.10.1'] as ApiVersion[]).flatMap((api) => [
  { api, mode: 'latency simulation' },
  { api, mode: 'real rendering' },
]);

describe.each(cases)('fuzzing Brayns $api ($mode)', ({ api, mode }) => {
  it('survives garbage and random params, then still answers get-version', async () => {
    const crashes: string[] = [];
    const server = await startServer({
      api,
      latency: mode === 'latency simulation' ? { loadMs: 1, renderMs: 1 } : null,
      log: (line) => {
        if (line.includes(' failed: ')) crashes.push(line);
      },
    });
    const client = await RawClient.connect(server.url);
    try {
      const r = rng(api.length * 7919 + mode.length);
      // Snapshots without a size use the viewport: keep those renders small.
      await client.result('set-application-parameters', { viewport: [16, 16] });
      const methods = (await client.result<string[]>('registry')).filter((m) => !['quit', 'exit-later', 'set-application-parameters'].includes(m));
      const schemas = new Map<string, Schema | undefined>();
      for (const method of methods) {
        const file = JSON.parse(await readSchema(api, method)) as Schema;
        schemas.set(method, file['params'] as Schema | undefined);
      }
      for (let i = 0; i < 400; i += 1) {
        if (r() < 0.3) {
          const frame = garbageFrame(r);
          client.ws.send(frame.data, { binary: frame.binary });
        } else {
          const method = pick(r, methods);
          const params = schemas.get(method) ? fromSchema(schemas.get(method), r) : r() < 0.8 ? undefined : randomJson(r);
          const message: Record<string, unknown> = { jsonrpc: '2.0', id: r() < 0.9 ? i : null, method };
          if (params !== undefined) message['params'] = params;
          client.send(message);
        }
      }
      const version = await client.call('get-version', undefined, 'final');
      expect(version.json?.['result']).toMatchObject({ major: Number(api.split('.')[0]) });
      for (const m of client.received) {
        expect(m.json).toBeDefined();
        const error = m.json?.['error'] as { code: number } | undefined;
        if (error) expect(allowedCodes.has(error.code)).toBe(true);
      }
      // Exceptions other than the protocol's own errors are bugs, even though they become -32603.
      expect(crashes).toEqual([]);
      const other = await RawClient.connect(server.url);
      expect((await other.call('get-version')).json?.['result']).toBeDefined();
      await other.close();
    } finally {
      await client.close();
      await server.close();
    }
  }, 120_000);
});

/** The vendored schema, or one of the core additions taken from Brayns' published API page. */
async function readSchema(api: string, method: string): Promise<string> {
  try {
    return await readFile(new URL(`../../../protocol/schemas/${api}/${method}.json`, import.meta.url), 'utf8');
  } catch {
    return readFile(new URL(`../../../protocol/schemas/core-additions/${api}/${method}.json`, import.meta.url), 'utf8');
  }
}
