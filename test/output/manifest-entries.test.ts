import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestEntries } from '../../src/output/manifest-entries.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-entries-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const entry = (i: number, status: string, pad = 0): string =>
  JSON.stringify({ id: i.toString(16).padStart(16, '0'), sceneId: 's', recipe: 'r', item: '', frame: i, status, output: { path: `f${i}.png`, pad: 'x'.repeat(pad) } });

describe('earlier manifest entries read by position', () => {
  it('finds every finished entry of a manifest larger than its read buffer, across buffer boundaries and past a line longer than the buffer', async () => {
    const lines: string[] = [];
    // ~9 MB of ordinary entries (several 4 MiB reads), one 9 MB entry, then more.
    for (let i = 0; i < 30_000; i += 1) lines.push(entry(i, i % 7 === 3 ? 'failed' : i % 2 ? 'rendered' : 'up to date', 250));
    lines.push(entry(30_000, 'rendered', 9_000_000));
    for (let i = 30_001; i < 30_100; i += 1) lines.push(entry(i, 'rendered', 10));
    const path = join(dir, 'manifest.json');
    await writeFile(path, `{\n  "format": "render-recipes/manifest@1",\n  "tasks": [\n    ${lines.join(',\n    ')}\n  ]\n}\n`);
    const entries = ManifestEntries.open(path);
    try {
      const finished = lines.filter((l) => !l.includes('"status":"failed"'));
      expect(entries.size).toBe(finished.length);
      for (const i of [0, 1, 2, 3, 9_999, 16_383, 16_384, 29_999, 30_000, 30_099]) {
        const expected = lines[i] as string;
        const id = i.toString(16).padStart(16, '0');
        expect(entries.text(id)).toBe(expected.includes('"status":"failed"') ? undefined : expected);
      }
    } finally {
      entries.close();
    }
  });
});
