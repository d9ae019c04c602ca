import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENTRIES_FILE } from '../../src/output/gallery/collect.js';
import { writeGallery } from '../../src/output/gallery/index.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'rr-gallery-cache-'));
  await mkdir(join(out, 'r'));
  for (const [name, color] of [['a.png', '#ff0000'], ['b.png', '#0000ff']] as const) {
    await writeFile(join(out, 'r', name), await sharp({ create: { width: 8, height: 8, channels: 4, background: color } }).png().toBuffer());
  }
});
afterEach(() => rm(out, { recursive: true, force: true }));

const pageImages = async (): Promise<{ path: string; details: Record<string, string> }[]> => {
  const html = await readFile(join(out, 'index.html'), 'utf8');
  return (JSON.parse(/<script type="application\/json" id="gallery-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as { images: { path: string; details: Record<string, string> }[] }).images;
};

describe('the gallery is built incrementally', () => {
  it('keeps the page when no image changed, and reads only the images whose files changed', async () => {
    expect((await writeGallery(out)).state).toBe('written');
    const page = await stat(join(out, 'index.html'), { bigint: true });
    expect((await writeGallery(out)).state).toBe('up to date');
    expect((await stat(join(out, 'index.html'), { bigint: true })).mtimeNs).toBe(page.mtimeNs);

    // Mark a.png's cached entry: if a.png were read again, the mark would be gone.
    const entries = await readFile(join(out, ENTRIES_FILE), 'utf8');
    expect(entries.split('\n').filter(Boolean)).toHaveLength(2);
    await writeFile(join(out, ENTRIES_FILE), entries.replace(/"sha256":"([0-9a-f]+)"/, '"sha256":"$1","cached":"yes"'));
    // b.png changes (new bytes, new times): the page is rebuilt, with b read again and a from the cache.
    await writeFile(join(out, 'r', 'b.png'), await sharp({ create: { width: 8, height: 8, channels: 4, background: '#00ff00' } }).png().toBuffer());
    const later = new Date(Date.now() + 5000);
    await utimes(join(out, 'r', 'b.png'), later, later);
    // Changed by hand, unknown to any run: the page stays until the next run or `gallery` (force).
    expect((await writeGallery(out)).state).toBe('up to date');
    // A run records what it wrote in an output index: that is what the gallery notices.
    await writeFile(join(out, 'manifest.index.jsonl'), '{"format":"render-recipes/output-index@1"}\n["r/b.png"]\n');
    expect((await writeGallery(out)).state).toBe('written');
    const images = await pageImages();
    expect(images.map((i) => i.path)).toEqual(['r/a.png', 'r/b.png']);
    expect(images[0]?.details.cached).toBe('yes');
    expect(images[1]?.details.cached).toBeUndefined();
    const [, , , , before] = JSON.parse(entries.split('\n')[1] ?? '[]') as [string, number, string, string, { details: Record<string, string> }];
    expect(images[1]?.details.sha256).not.toBe(before.details.sha256);
  });

  it('a removed image leaves the page when the gallery is rebuilt; `force` (the gallery command) always writes it', async () => {
    await writeGallery(out);
    await rm(join(out, 'r', 'a.png'));
    expect((await writeGallery(out, { force: true })).state).toBe('written');
    expect((await pageImages()).map((i) => i.path)).toEqual(['r/b.png']);
    expect((await writeGallery(out, { force: true })).state).toBe('written');
    expect((await writeGallery(out)).state).toBe('up to date');
  });

  it('a contact sheet rewritten by a run (an `extra` file, in no index) rebuilds the page', async () => {
    await writeGallery(out, { extra: ['r/a.png'] });
    expect((await writeGallery(out, { extra: ['r/a.png'] })).state).toBe('up to date');
    await writeFile(join(out, 'r', 'a.png'), await sharp({ create: { width: 8, height: 8, channels: 4, background: '#ffff00' } }).png().toBuffer());
    expect((await writeGallery(out, { extra: ['r/a.png'] })).state).toBe('written');
  });
});
