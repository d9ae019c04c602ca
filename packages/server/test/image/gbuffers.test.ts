import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, withServer, type RawClient } from '../protocol/raw-client.js';
import { readExr, type ExrPart } from './exr-reader.js';

/**
 * `export-gbuffers` over a real socket (ExportGBuffersEntrypoint.cpp@3.10.1): float channels of
 * one render as an EXR file, whose values follow from the scene's geometry: a unit sphere at the
 * origin seen from z = 5 is 4 away at the image centre, its normal there faces the camera, its
 * albedo is its colour, and the background is infinitely far with a zero normal.
 */

const camera = { position: [0, 0, 5], target: [0, 0, 0], up: [0, 1, 0] };
const SIZE = 64;

async function sphere(client: RawClient): Promise<void> {
  await client.result('add-spheres', [{ geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 0.5, 0.25, 1] }]);
  await client.result('add-light-ambient', { intensity: 0.5 });
  await client.result('set-camera-view', camera);
}

function value(part: ExrPart, channel: string, x: number, y: number): number {
  return part.pixels.get(channel)![y * part.width + x]!;
}

function partNamed(parts: ExrPart[], name: string): ExrPart {
  const part = parts.find((p) => p.name === name);
  if (!part) throw new Error(`no part ${name}`);
  return part;
}

describe('export-gbuffers (3.10.1)', () => {
  it('returns depth, normal, albedo and linear colour as a multi-part EXR', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await sphere(client);
      const answer = await client.call('export-gbuffers', { channels: ['color', 'depth', 'normal', 'albedo'], resolution: [SIZE, SIZE] });
      expect(answer.json?.['result']).toBeNull();
      const file = readExr(answer.attachment!);
      expect(file.multipart).toBe(true);
      expect(file.parts.map((p) => [p.name, p.channels.join(''), p.width, p.height])).toEqual([
        ['color', 'ABGR', SIZE, SIZE],
        ['depth', 'R', SIZE, SIZE],
        ['normal', 'BGR', SIZE, SIZE],
        ['albedo', 'BGR', SIZE, SIZE],
      ]);
      const c = SIZE / 2;
      const depth = partNamed(file.parts, 'depth');
      // Camera distance minus radius; the centre pixel's ray is a hair off the axis.
      expect(value(depth, 'R', c, c)).toBeCloseTo(4, 2);
      expect(value(depth, 'R', 0, 0)).toBe(Infinity);
      // Nearer the rim, farther away.
      expect(value(depth, 'R', c + 6, c)).toBeGreaterThan(value(depth, 'R', c, c));
      const normal = partNamed(file.parts, 'normal');
      // Facing the camera (+z) within the pixel's offset from the axis.
      expect(Math.abs(value(normal, 'R', c, c))).toBeLessThan(0.1);
      expect(Math.abs(value(normal, 'G', c, c))).toBeLessThan(0.1);
      expect(value(normal, 'B', c, c)).toBeGreaterThan(0.99);
      // Right of the centre the normal leans right (+x), above it up (+y, rows run top-down).
      expect(value(normal, 'R', c + 6, c)).toBeGreaterThan(0.2);
      expect(value(normal, 'G', c, c - 6)).toBeGreaterThan(0.2);
      expect([value(normal, 'R', 0, 0), value(normal, 'G', 0, 0), value(normal, 'B', 0, 0)]).toEqual([0, 0, 0]);
      const albedo = partNamed(file.parts, 'albedo');
      expect([value(albedo, 'R', c, c), value(albedo, 'G', c, c), value(albedo, 'B', c, c)]).toEqual([1, 0.5, 0.25]);
      // Colour is linear, before tone mapping: ambient 0.5 times the sphere's colour.
      const color = partNamed(file.parts, 'color');
      expect([value(color, 'R', c, c), value(color, 'G', c, c), value(color, 'B', c, c), value(color, 'A', c, c)]).toEqual([0.5, 0.25, 0.125, 1]);
      expect(value(color, 'A', 0, 0)).toBe(0);
    });
  });

  it('writes one channel as a single-part file, appending .exr, and sends progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gbuffers-'));
    try {
      await withServer({ api: '3.10.1' }, async (client) => {
        await sphere(client);
        await client.result('set-application-parameters', { viewport: [80, 64] });
        const answer = await client.call('export-gbuffers', { channels: ['depth'], file_path: join(dir, 'depth') }, 77);
        expect(answer.json?.['result']).toBeNull();
        expect(answer.binary).toBe(false);
        const progress = client.received.filter((m) => m.json?.['method'] === 'export-gbuffers' && (m.json['params'] as { id: number }).id === 77);
        expect(progress.length).toBeGreaterThan(0);
        expect(progress[0]!.json?.['params']).toMatchObject({ operation: 'Exporting g-buffers ...' });
        const file = readExr(await readFile(join(dir, 'depth.exr')));
        expect(file.multipart).toBe(false);
        expect(file.parts.map((p) => [p.name, p.channels, p.width, p.height])).toEqual([[null, ['R'], 80, 64]]);
        expect(value(file.parts[0]!, 'R', 40, 32)).toBeCloseTo(4, 1);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses frames under 64 pixels and channels listed twice', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      expect(errorOf(await client.call('export-gbuffers', { channels: ['depth'], resolution: [32, 64] }))).toMatchObject({
        code: -32603,
        message: 'Frame size must be greather than or equal to 64x64',
      });
      expect(errorOf(await client.call('export-gbuffers', { channels: ['depth', 'depth'], resolution: [64, 64] })).message).toMatch(/must be unique/);
      expect(errorOf(await client.call('export-gbuffers', { channels: ['albedo', 'shadow'] })).code).toBe(-32602);
    });
  });

  it('stops on cancel with Brayns\' error', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await sphere(client);
      client.send({
        jsonrpc: '2.0',
        id: 5,
        method: 'export-gbuffers',
        params: { channels: ['color'], resolution: [512, 512], renderer: { name: 'interactive', params: { samples_per_pixel: 1000 } } },
      });
      // Cancel once it runs (its first progress notification), as the Python client does.
      await client.waitFor((m) => m.json?.['method'] === 'export-gbuffers');
      const started = Date.now();
      expect(await client.result('cancel', { id: 5 })).toBeNull();
      const answer = await client.answer(5);
      expect(errorOf(answer)).toMatchObject({ code: 20, message: 'Task has been cancelled' });
      // 1000 samples of 512 x 512 pixels would take minutes here.
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  });
});
