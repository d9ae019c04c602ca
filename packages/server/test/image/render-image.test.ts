import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { errorOf, withServer, type RawClient, type Received } from '../protocol/raw-client.js';

/**
 * `render-image` over a real socket (Brayns 3.10.1 semantics, RenderImageEntrypoint.cpp): the
 * engine framebuffer at the application resolution, one accumulation frame per render up to the
 * renderer's samples per pixel, the image sent only when something new was rendered or forced.
 */

const view = { position: [0, 0, 5], target: [0, 0, 0], up: [0, 1, 0] };

async function scene(client: RawClient, samples = 1): Promise<void> {
  await client.result('add-spheres', [
    { geometry: { center: [0, 0, 0], radius: 1 }, color: [1, 0.5, 0.2, 1] },
    { geometry: { center: [1.2, 0.8, -1], radius: 0.5 }, color: [0.2, 0.4, 1, 1] },
  ]);
  await client.result('add-light-ambient', { intensity: 0.5 });
  await client.result('add-light-directional', { intensity: 2, direction: [1, -1, -1] });
  await client.result('set-application-parameters', { viewport: [64, 48] });
  await client.result('set-camera-view', view);
  await client.result('set-renderer-interactive', { samples_per_pixel: samples, max_ray_bounces: 3, background_color: [0.1, 0.1, 0.1, 1], enable_shadows: true, ao_samples: 0 });
}

interface ImageReply {
  accumulation: number;
  max_accumulation: number;
  data: Buffer | null;
}

async function renderImage(client: RawClient, params: Record<string, unknown>): Promise<ImageReply> {
  const answer: Received = await client.call('render-image', params);
  const result = answer.json?.['result'] as { accumulation: number; max_accumulation: number } | undefined;
  if (!result) throw new Error(`render-image failed: ${answer.text}`);
  return { ...result, data: answer.binary && answer.attachment!.length > 0 ? answer.attachment : null };
}

async function rgba(encoded: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(encoded).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function snapshotPixels(answer: Received): Promise<{ data: Buffer; width: number; height: number }> {
  const size = (answer.json?.['result'] as { color_buffer: { size: number } }).color_buffer.size;
  return rgba(answer.attachment!.subarray(0, size));
}

describe('render-image (3.10.1)', () => {
  it('renders the application resolution with the pixels of a snapshot at the same settings', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await scene(client);
      const image = await renderImage(client, { format: 'png' });
      expect(image).toMatchObject({ accumulation: 1, max_accumulation: 1 });
      const rendered = await rgba(image.data!);
      const shot = await snapshotPixels(await client.call('snapshot', { image_settings: { format: 'png', size: [64, 48] } }));
      expect([rendered.width, rendered.height]).toEqual([64, 48]);
      expect(rendered.data.equals(shot.data)).toBe(true);
      // The big sphere fills the centre, lit.
      const centre = (24 * 64 + 32) * 4;
      expect(rendered.data[centre]).toBeGreaterThan(rendered.data[centre + 2]!);
      const jpeg = await renderImage(client, { format: 'jpg', jpeg_quality: 50, force: true });
      expect(jpeg.data!.subarray(0, 2).toString('hex')).toBe('ffd8');
    });
  });

  it('sends nothing when nothing changed, unless forced; a changed scene renders again', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await scene(client);
      const first = await renderImage(client, { format: 'png' });
      expect(first.data).not.toBeNull();
      expect(await renderImage(client, { format: 'png' })).toEqual({ accumulation: 1, max_accumulation: 1, data: null });
      const forced = await renderImage(client, { format: 'png', force: true });
      expect(forced.data!.equals(first.data!)).toBe(true);
      expect(await renderImage(client, { send: false })).toEqual({ accumulation: 1, max_accumulation: 1, data: null });
      const refused = errorOf(await client.call('render-image', { send: false, force: true }));
      expect(refused).toMatchObject({ code: -32602, message: 'Cannot force sending if send is disabled' });
      // Setting the same view again changes nothing; another view starts over.
      await client.result('set-camera-view', view);
      expect((await renderImage(client, { format: 'png' })).data).toBeNull();
      await client.result('set-camera-view', { ...view, position: [0, 0, 6] });
      const moved = await renderImage(client, { format: 'png' });
      expect(moved.accumulation).toBe(1);
      expect(moved.data!.equals(first.data!)).toBe(false);
    });
  });

  it('downloads without rendering: nothing before the first render, the framebuffer after it', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await scene(client);
      expect(await renderImage(client, { format: 'png', render: false, force: true })).toEqual({ accumulation: 0, max_accumulation: 1, data: null });
      expect(await renderImage(client, { send: false })).toMatchObject({ accumulation: 1, data: null });
      const downloaded = await renderImage(client, { format: 'png', render: false, force: true });
      expect(downloaded.accumulation).toBe(1);
      const shot = await snapshotPixels(await client.call('snapshot', { image_settings: { format: 'png', size: [64, 48] } }));
      expect((await rgba(downloaded.data!)).data.equals(shot.data)).toBe(true);
    });
  });

  it('accumulates one frame per render up to samples per pixel, each adding new samples', async () => {
    await withServer({ api: '3.10.1' }, async (client) => {
      await scene(client, 3);
      const frames: ImageReply[] = [];
      for (let i = 0; i < 3; i++) frames.push(await renderImage(client, { format: 'png' }));
      expect(frames.map((f) => [f.accumulation, f.max_accumulation])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(await renderImage(client, { format: 'png' })).toEqual({ accumulation: 3, max_accumulation: 3, data: null });
      const [one, three] = [await rgba(frames[0]!.data!), await rgba(frames[2]!.data!)];
      // Silhouette pixels average more samples: they change; the flat background does not.
      let changed = 0;
      for (let i = 0; i < one.data.length; i++) if (one.data[i] !== three.data[i]) changed++;
      expect(changed).toBeGreaterThan(0);
      expect([...three.data.subarray(0, 4)]).toEqual([...one.data.subarray(0, 4)]);
      // `accumulate` renders the missing frames at once: the same image as three single renders.
      await client.result('set-camera-view', { ...view, position: [0, 0, 6] });
      expect(await renderImage(client, { send: false })).toMatchObject({ accumulation: 1 });
      await client.result('set-camera-view', view);
      const all = await renderImage(client, { format: 'png', accumulate: true });
      expect(all.accumulation).toBe(3);
      expect((await rgba(all.data!)).data.equals(three.data)).toBe(true);
    });
  });
});
