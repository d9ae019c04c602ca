import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexDigest, readIndexes, readIndexHeader, sameIndexRecords, writeIndex, type IndexRecord } from '../../src/output/output-index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-index-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const record = (path: string, taskId: string, n = 1): IndexRecord => ({ path, size: 100 + n, mtimeNs: `17958643101139405${n}`, ctimeNs: `17958643101139406${n}`, sha256: n.toString(16).padStart(64, 'a'), taskId });

describe('output index', () => {
  it('reads back every record it wrote, paths with quotes, spaces, accents and a backslash escape included', async () => {
    const records = [record('a/b.png', 't1', 1), record('we "quote"/x.png', 't2', 2), record('été/ü ß.png', 't3', 3), record('tab\there.png', 't4', 4)];
    const path = join(dir, 'manifest.index.jsonl');
    await writeIndex(path, { planHash: 'p', complete: true, size: 1, mtimeNs: '2', ctimeNs: '3' }, records);
    // The lines are the JSON arrays of the fields (what earlier versions wrote too).
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.slice(1)).toEqual(records.map((r) => JSON.stringify([r.path, r.size, r.mtimeNs, r.ctimeNs, r.sha256, r.taskId])));
    expect((await readIndexHeader(path))?.manifest).toEqual({ planHash: 'p', complete: true, size: 1, mtimeNs: '2', ctimeNs: '3' });
    const lookup = await readIndexes([path]);
    for (const r of records) expect(lookup.get(r.path, r.taskId)).toEqual(r);
    expect(lookup.get('a/b.png', 'other task')).toBeUndefined();
    expect(await sameIndexRecords(path, indexDigest(records))).toBe(true);
    expect(await sameIndexRecords(path, indexDigest(records.slice(1)))).toBe(false);
  });

  it('skips lines that are cut short or malformed, and keeps a later record of a path for the same task', async () => {
    const older = join(dir, 'older.index.jsonl');
    const newer = join(dir, 'newer.index.jsonl');
    await writeIndex(older, null, [record('x.png', 't1', 1), record('y.png', 't2', 2)]);
    const good = JSON.stringify(['x.png', 5, '1', '2', 'b'.repeat(64), 't1']);
    const lines = [
      good,
      JSON.stringify(['y.png', 5, '1', '2', 'c'.repeat(63), 't9']), // sha256 too short
      '["z.png",5,"1","2"', // cut short
      JSON.stringify(['y.png', 5, '1', '2', 'd'.repeat(64), 't9']), // another task's record of y.png
    ];
    await writeFile(newer, `{"format":"render-recipes/output-index@1"}\n${lines.join('\n')}\n`);
    const lookup = await readIndexes([older, newer]);
    expect(lookup.get('x.png', 't1')?.sha256).toBe('b'.repeat(64));
    expect(lookup.get('y.png', 't2')).toEqual(record('y.png', 't2', 2));
    expect(lookup.get('y.png', 't9')?.sha256).toBe('d'.repeat(64));
    expect(lookup.get('z.png', 't1')).toBeUndefined();
  });

  it('finds a task at its plan position in the newest index without reading the older ones, and reads them on a miss', async () => {
    const older = join(dir, 'lazy-older.index.jsonl');
    const newer = join(dir, 'lazy-newer.index.jsonl');
    await writeIndex(older, null, [record('old-only.png', 't0', 7), record('a.png', 't1', 8)]);
    await writeIndex(newer, null, [record('a.png', 't1', 1), record('b.png', 't2', 2)]);
    const lookup = await readIndexes([older, newer]);
    // The older index is not read while every lookup hits: it may even be gone by then.
    await writeFile(older, 'not an index any more\n');
    expect(lookup.get('a.png', 't1', 0)).toEqual(record('a.png', 't1', 1));
    expect(lookup.get('b.png', 't2', 1)).toEqual(record('b.png', 't2', 2));
    // A miss (wrong position, or a path only the older index has) reads the older indexes as they are now.
    await writeIndex(older, null, [record('old-only.png', 't0', 7), record('a.png', 't1', 8)]);
    expect(lookup.get('old-only.png', 't0', 5)).toEqual(record('old-only.png', 't0', 7));
    expect(lookup.get('b.png', 't2', 0)).toEqual(record('b.png', 't2', 2));
    expect(lookup.get('a.png', 't1')).toEqual(record('a.png', 't1', 1));
  });
});
