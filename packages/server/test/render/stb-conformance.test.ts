import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJpegStb } from '../../src/render/jpeg-stb.js';
import { encodePngStb } from '../../src/render/png-stb.js';
import { testImage } from './stb-images.js';

/**
 * The `brayns` image encoder against the real stb_image_write, which every Brayns revision links:
 * Debian's libstb-dev header compiled into a small program (`.ci/run` installs it with gcc). The
 * same pixels must give the same bytes, for PNG and for JPEG at every quality regime.
 */

const HEADER = '/usr/include/stb/stb_image_write.h';
const haveStb = existsSync(HEADER) && hasCompiler();

function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const PROGRAM = `
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
static void put(void *context, void *data, int size) { (void)context; fwrite(data, 1, (size_t)size, stdout); }
int main(int argc, char **argv) {
  if (argc != 5) return 3;
  int w = atoi(argv[2]), h = atoi(argv[3]), q = atoi(argv[4]);
  size_t n = (size_t)w * (size_t)h * 4;
  unsigned char *pixels = malloc(n);
  if (!pixels || fread(pixels, 1, n, stdin) != n) return 2;
  int ok = argv[1][0] == 'j' ? stbi_write_jpg_to_func(put, 0, w, h, 4, pixels, q) : stbi_write_png_to_func(put, 0, w, h, 4, pixels, 0);
  return ok ? 0 : 1;
}
`;

let dir = '';
let stb = '';

beforeAll(async () => {
  if (!haveStb) return;
  dir = await mkdtemp(join(tmpdir(), 'stb-conformance-'));
  await writeFile(join(dir, 'stb.c'), PROGRAM);
  stb = join(dir, 'stb');
  await promisify(execFile)('cc', ['-O1', '-o', stb, join(dir, 'stb.c'), '-lm']);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function viaStb(kind: 'png' | 'jpg', width: number, height: number, quality: number, rgba: Uint8Array): Buffer {
  return execFileSync(stb, [kind === 'jpg' ? 'j' : 'p', String(width), String(height), String(quality)], { input: rgba, maxBuffer: 1 << 26 });
}

const sizes: [number, number][] = [[1, 1], [8, 8], [17, 9], [33, 40], [161, 97]];

const title = haveStb ? `stb_image_write conformance (${HEADER})` : `stb_image_write conformance: skipped, needs ${HEADER} (Debian libstb-dev) and a C compiler`;

describe.skipIf(!haveStb)(title, () => {
  it.each(sizes)('PNG %ix%i: the same bytes as stb', (width, height) => {
    for (const kind of ['gradient', 'noise'] as const) {
      const { rgba } = testImage(width, height, kind);
      expect(Buffer.from(encodePngStb(rgba, width, height)).equals(viaStb('png', width, height, 0, rgba))).toBe(true);
    }
  });

  it.each(sizes)('JPEG %ix%i at qualities 0 (= 90), 1, 10, 49, 50, 75, 90, 91, 100: the same bytes as stb', (width, height) => {
    for (const kind of ['gradient', 'noise'] as const) {
      const { rgba } = testImage(width, height, kind, width * 31 + height);
      for (const quality of [0, 1, 10, 49, 50, 75, 90, 91, 100]) {
        const ours = Buffer.from(encodeJpegStb(rgba, width, height, quality));
        expect({ kind, quality, same: ours.equals(viaStb('jpg', width, height, quality, rgba)) }).toEqual({ kind, quality, same: true });
      }
    }
  });
});
