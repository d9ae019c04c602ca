import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiVersion, type RunningServer } from '../../src/serve.js';
import type { RawClient} from './raw-client.js';
import { errorOf, type Received, withServer } from './raw-client.js';
import { jpegHeader } from '../render/stb-images.js';

/** Snapshot delivery per revision (PROTOCOL §4.12): base64 vs binary, files, formats, engine objects. */

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const red = { name: 'interactive', params: { background_color: [1, 0, 0, 0] } };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-snapshot-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withApi = (api: ApiVersion, body: (client: RawClient, server: RunningServer) => Promise<void>): Promise<void> => withServer({ api }, body);

/** The encoded image of a successful snapshot answer, whichever way the revision sends it. */
function imageOf(answer: Received): Buffer {
  const result = answer.json?.['result'] as { data?: string; color_buffer?: { offset: number; size: number } } | undefined;
  if (!result) throw new Error(`snapshot failed: ${answer.text}`);
  if (result.data !== undefined) return Buffer.from(result.data, 'base64');
  const { offset, size } = result.color_buffer ?? { offset: 0, size: 0 };
  return (answer.attachment ?? Buffer.alloc(0)).subarray(offset, offset + size);
}

describe.each(['2.0.0', '3.0.0', '3.10.1'] as const)('snapshot on Brayns %s', (api) => {
  it('sends the image the revision way, sized as asked, keeping background alpha in PNG', async () => {
    await withApi(api, async (client) => {
      const answer = await client.call('snapshot', { image_settings: { format: 'PNG', size: [20, 10] }, renderer: red });
      expect(answer.binary).toBe(api !== '2.0.0');
      const image = imageOf(answer);
      expect(image.subarray(0, 4)).toEqual(PNG);
      const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([20, 10]);
      // Brayns' tone mapper and sRGB turn a red of 1.0 into 207 (render/color-pipeline.ts).
      expect([...data.subarray(0, 4)]).toEqual([207, 0, 0, 0]);
    });
  });

  it('defaults the size to the viewport and encodes JPEG on request', async () => {
    await withApi(api, async (client) => {
      await client.result('set-application-parameters', { viewport: [24, 16] });
      const image = imageOf(await client.call('snapshot', { image_settings: { format: 'jpg', quality: 50 } }));
      expect(image.subarray(0, 3)).toEqual(JPEG);
      expect(await sharp(image).metadata()).toMatchObject({ width: 24, height: 16 });
    });
  });

  it("rejects 'jpeg', which Brayns does not know, with -32603", async () => {
    await withApi(api, async (client) => {
      expect(errorOf(await client.call('snapshot', { image_settings: { format: 'jpeg', size: [4, 4] } })).code).toBe(-32603);
    });
  });

  it('builds a fresh camera or renderer from name + params and leaves the main ones alone', async () => {
    await withApi(api, async (client) => {
      const answer = await client.call('snapshot', {
        image_settings: { size: [8, 8] },
        camera: { name: 'orthographic', params: { height: 5 } },
        camera_view: { position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] },
        renderer: red,
        simulation_frame: 3,
      });
      expect(imageOf(answer).length).toBeGreaterThan(0);
      expect(await client.result('get-camera-type')).toBe('perspective');
      expect((await client.result<{ current: number }>('get-simulation-parameters')).current).toBe(0);
      expect(await client.result('get-renderer-interactive')).toMatchObject({ background_color: [0.004, 0.016, 0.102, 0] });
      const unknown = errorOf(await client.call('snapshot', { image_settings: { size: [4, 4] }, camera: { name: 'fisheye', params: {} } }));
      expect(unknown).toMatchObject({ code: -32603, message: 'Unknown type name fisheye' });
    });
  });
});

describe('engine objects without params', () => {
  it.each([
    ['2.0.0', null],
    ['3.0.0', -32603],
    ['3.10.1', -32602],
  ] as const)('Brayns %s: a camera name without params gives %s', async (api, code) => {
    await withApi(api, async (client) => {
      const answer = await client.call('snapshot', { image_settings: { size: [4, 4] }, camera: { name: 'perspective' } });
      if (code === null) expect(imageOf(answer).length).toBeGreaterThan(0);
      else expect(errorOf(answer).code).toBe(code);
    });
  });
});

describe('file_path', () => {
  it('R1 writes <file_path>.<format> and replies data ""; a bad format is only logged', async () => {
    await withApi('2.0.0', async (client) => {
      const path = join(dir, 'r1-shot.png');
      expect(await client.result('snapshot', { image_settings: { format: 'png', size: [6, 4] }, file_path: path })).toEqual({ data: '' });
      expect((await readFile(`${path}.png`)).subarray(0, 4)).toEqual(PNG);
      const bad = join(dir, 'r1-bad');
      expect(await client.result('snapshot', { image_settings: { format: 'jpeg', size: [6, 4] }, file_path: bad })).toEqual({ data: '' });
      await expect(stat(`${bad}.jpeg`)).rejects.toThrow();
    });
  });

  it.each(['3.0.0', '3.10.1'] as const)('%s writes exactly file_path in the format of its extension, reply size 0', async (api) => {
    await withApi(api, async (client) => {
      const path = join(dir, `${api}-shot.jpg`);
      const answer = await client.call('snapshot', { image_settings: { format: 'png', size: [6, 4] }, file_path: path });
      expect(answer.binary).toBe(false);
      expect(answer.json?.['result']).toEqual({ color_buffer: { offset: 0, size: 0 } });
      expect((await readFile(path)).subarray(0, 3)).toEqual(JPEG);
      const wrong = errorOf(await client.call('snapshot', { image_settings: { size: [6, 4] }, file_path: join(dir, 'x.tiff') }));
      expect(wrong.code).toBe(-32603);
      const missingDir = errorOf(await client.call('snapshot', { image_settings: { size: [6, 4] }, file_path: join(dir, 'no', 'such', 'dir.png') }));
      expect(missingDir.code).toBe(-32603);
    });
  });
});

describe('R3 image regions', () => {
  it('renders the requested part of the frame at the requested size', async () => {
    await withApi('3.10.1', async (client) => {
      const whole = imageOf(await client.call('snapshot', { image_settings: { size: [8, 8] }, image_start: [0, 1], image_end: [1, 0], renderer: red }));
      const half = imageOf(await client.call('snapshot', { image_settings: { size: [4, 8] }, image_start: [0.5, 1], image_end: [1, 0], renderer: red }));
      expect(await sharp(whole).metadata()).toMatchObject({ width: 8, height: 8 });
      expect(await sharp(half).metadata()).toMatchObject({ width: 4, height: 8 });
      const empty = errorOf(await client.call('snapshot', { image_settings: { size: [4, 4] }, image_start: [0.5, 1], image_end: [0.5, 0] }));
      expect(empty.code).toBe(-32603);
    });
  });
});

describe('R3 image metadata', () => {
  const metadata = { title: 'Column', description: 'Spikes at 12 ms', where_used: 'Figure 2', keywords: ['cortex', 'spikes'] };

  it('embeds title, description, where used and keywords in PNG and JPEG files', async () => {
    await withApi('3.10.1', async (client) => {
      const png = imageOf(await client.call('snapshot', { image_settings: { size: [6, 4] }, metadata }));
      const info = await sharp(png).metadata();
      expect(info.comments).toEqual(
        expect.arrayContaining([
          { keyword: 'Title', text: 'Column' },
          { keyword: 'Description', text: 'Spikes at 12 ms' },
          { keyword: 'Where Used', text: 'Figure 2' },
          { keyword: 'Keywords', text: 'cortex, spikes' },
        ]),
      );
      const jpg = imageOf(await client.call('snapshot', { image_settings: { format: 'jpg', size: [6, 4] }, metadata }));
      expect(await sharp(jpg).metadata()).toMatchObject({ width: 6, height: 4 });
      expect(jpg.includes(Buffer.from('Where Used: Figure 2'))).toBe(true);
    });
  });

  it('is not a snapshot param before R3', async () => {
    await withApi('3.0.0', async (client) => {
      expect(errorOf(await client.call('snapshot', { image_settings: { size: [4, 4] }, metadata })).code).toBe(-32602);
    });
  });
});

describe('pipelined snapshots (encoding overlaps the next render)', () => {
  it('answers one client in the order it asked, each image its own, with requests in between', async () => {
    await withApi('3.10.1', async (client) => {
      // Big enough for the render workers; each frame a different background, so a pixel buffer
      // reused before its frame was encoded would show in the wrong answer.
      const reds = [0.2, 0.5, 0.8, 1];
      reds.forEach((r, i) => {
        client.send({ jsonrpc: '2.0', id: 10 + i, method: 'snapshot', params: { image_settings: { format: 'png', size: [320, 200] }, renderer: { name: 'interactive', params: { background_color: [r, 0, 0, 1] } } } });
        client.send({ jsonrpc: '2.0', id: 20 + i, method: 'get-version' });
      });
      const answers = await Promise.all(reds.flatMap((_, i) => [client.answer(10 + i), client.answer(20 + i)]));
      expect(answers.map((a) => a.seq)).toEqual([...answers.map((a) => a.seq)].sort((x, y) => x - y));
      const firstPixels = await Promise.all(
        reds.map(async (_, i) => [...(await sharp(imageOf(answers[2 * i] as Received)).raw().toBuffer()).subarray(0, 3)]),
      );
      const alone = await Promise.all(
        reds.map(async (r) => {
          const answer = await client.call('snapshot', { image_settings: { format: 'png', size: [320, 200] }, renderer: { name: 'interactive', params: { background_color: [r, 0, 0, 1] } } });
          return [...(await sharp(imageOf(answer)).raw().toBuffer()).subarray(0, 3)];
        }),
      );
      expect(firstPixels).toEqual(alone);
      expect(new Set(firstPixels.map((p) => p[0])).size).toBe(reds.length);
    });
  });
});

describe('JPEG quality as each revision hands it to stb_image_write', () => {
  // Luminance DQT starts 16, 11, ... scaled by the IJG factor: quality 100 -> 1, 90 (or 0) -> 3, 10 -> 80.
  const cases: [ApiVersion, number | undefined, number, number][] = [
    ['2.0.0', undefined, 1, 0x11],
    ['3.0.0', 100, 1, 0x11],
    ['3.0.0', 90, 3, 0x22],
    // JpegCodec@3.10.1 inverts: 100 -> stb 0 -> 90 (subsampled); 90 -> stb 10.
    ['3.10.1', undefined, 3, 0x22],
    ['3.10.1', 100, 3, 0x22],
    ['3.10.1', 90, 80, 0x22],
  ];
  it.each(cases)('Brayns %s, quality %s: first luminance step %i, sampling %s', async (api, quality, step, sampling) => {
    await withApi(api, async (client) => {
      const settings = { format: 'jpg', size: [32, 16], ...(quality === undefined ? {} : { quality }) };
      const header = jpegHeader(imageOf(await client.call('snapshot', { image_settings: settings })));
      expect([header.luma[0], header.lumaSampling]).toEqual([step, sampling]);
    });
  });
});
