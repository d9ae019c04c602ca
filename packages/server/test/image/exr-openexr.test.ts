import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeExr } from '../../src/render/exr.js';

/**
 * The g-buffer EXR files against the OpenEXR library itself (Debian's `openexr` tools; `.ci/run`
 * must install them): its header dump must show the parts, channels and attributes Brayns' files
 * have, and `exrmultipart -separate` must decode every pixel of every part.
 */

function hasTool(name: string): boolean {
  try {
    execFileSync(name, [], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // Present but unhappy without arguments is fine; absent is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const haveOpenExr = hasTool('exrheader') && hasTool('exrmultipart');
const run = promisify(execFile);
const title = haveOpenExr ? 'EXR files read by OpenEXR' : 'EXR files read by OpenEXR: skipped, needs exrheader and exrmultipart (Debian openexr)';

const ramp = (length: number): Float32Array => Float32Array.from({ length }, (_, i) => i / 7);

describe.skipIf(!haveOpenExr)(title, () => {
  it('reads a multi-part file of every channel kind and decodes all its pixels', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exr-'));
    try {
      const [w, h] = [70, 66];
      const file = join(dir, 'gbuffers.exr');
      await writeFile(
        file,
        encodeExr(
          [
            { name: 'color', components: 4, data: ramp(w * h * 4) },
            { name: 'depth', components: 1, data: ramp(w * h) },
            { name: 'normal', components: 3, data: ramp(w * h * 3) },
          ],
          w,
          h,
        ),
      );
      const { stdout } = await run('exrheader', [file]);
      expect(stdout).toContain('flags 0x1000');
      expect(stdout.match(/name \(type string\): "(\w+)"/g)).toEqual(['name (type string): "color"', 'name (type string): "depth"', 'name (type string): "normal"']);
      expect(stdout).toContain('dataWindow (type box2i): (0 0) - (69 65)');
      expect(stdout.match(/chunkCount \(type int\): 66/g)).toHaveLength(3);
      expect(stdout).toMatch(/A, 32-bit floating-point, sampling 1 1\s+B, 32-bit floating-point, sampling 1 1\s+G, 32-bit floating-point, sampling 1 1\s+R, 32-bit floating-point/);
      await run('exrmultipart', ['-separate', '-i', file, '-o', join(dir, 'part')]);
      expect((await readdir(dir)).filter((f) => f.startsWith('part.')).sort()).toEqual(['part.1.exr', 'part.2.exr', 'part.3.exr']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a single-part file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exr-'));
    try {
      const file = join(dir, 'depth.exr');
      await writeFile(file, encodeExr([{ name: 'depth', components: 1, data: ramp(64 * 64) }], 64, 64));
      const { stdout } = await run('exrheader', [file]);
      expect(stdout).toContain('file format version: 2, flags 0x0');
      expect(stdout).toContain('R, 32-bit floating-point, sampling 1 1');
      expect(stdout).not.toContain('name (type string)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
