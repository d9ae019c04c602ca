import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepTempFiles, writeFileAtomic } from '../../src/output/atomic.js';
import { checkImageFile } from '../../src/output/image-file.js';
import { checkPng, readTextChunks, withTextChunk } from '@render-recipes/protocol';
import { tinyPng } from './helpers/fake-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-out-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PNG provenance chunk', () => {
  it('is a valid iTXt chunk that other PNG readers (libvips) see', async () => {
    const text = JSON.stringify({ taskHash: 'abc', note: 'ünïcode ✓' });
    const png = withTextChunk(await tinyPng(), 'render-recipes', text);
    const meta = await sharp(png).metadata();
    expect(meta.comments).toContainEqual({ keyword: 'render-recipes', text });
    const check = checkPng(png);
    expect(check.ok).toBe(true);
    if (check.ok) expect(readTextChunks(check.chunks).get('render-recipes')).toBe(text);
    // The pixels are untouched.
    expect(await sharp(png).raw().toBuffer()).toEqual(await sharp(await tinyPng()).raw().toBuffer());
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 5), /truncated|IEND/],
    ['flipped byte', (b: Buffer) => Buffer.concat([b.subarray(0, 40), Buffer.from([b[40]! ^ 0xff]), b.subarray(41)]), /CRC/],
    ['not a png', () => Buffer.from('hello'), /unsupported|signature/],
  ])('detects a %s file', async (_name, damage, problem) => {
    const path = join(dir, 'x.png');
    await writeFile(path, damage(withTextChunk(await tinyPng(), 'render-recipes', '{}')));
    const check = await checkImageFile(path);
    expect(check.state).toBe('corrupt');
    if (check.state === 'corrupt') expect(check.problem).toMatch(problem);
  });

  it('detects a truncated webp', async () => {
    const webp = await sharp(await tinyPng()).resize(64, 48).webp({ quality: 80 }).toBuffer();
    const path = join(dir, 'x.webp');
    await writeFile(path, webp.subarray(0, Math.floor(webp.length / 2)));
    expect((await checkImageFile(path)).state).toBe('corrupt');
  });
});

describe('atomic writes', () => {
  it('leaves only the final file', async () => {
    const path = join(dir, 'a', 'b.png');
    await writeFileAtomic(path, Buffer.from('data'));
    expect(await readdir(join(dir, 'a'))).toEqual(['b.png']);
  });

  it('sweeps temp files of dead processes, not of live ones or user files', async () => {
    const { hostname } = await import('node:os');
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    await writeFile(join(dir, `.x.png.rr-tmp-${host}-999999999-abcdef`), 'stale');
    await writeFile(join(dir, `.y.png.rr-tmp-${host}-${process.ppid}-abcdef`), 'live writer');
    await writeFile(join(dir, 'user.png'), 'mine');
    expect(await sweepTempFiles(dir)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual([`.y.png.rr-tmp-${host}-${process.ppid}-abcdef`, 'user.png']);
  });
});
