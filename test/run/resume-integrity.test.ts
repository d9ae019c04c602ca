import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/brayns/connect.js';
import { readManifest } from '../../src/output/manifest.js';
import { buildPlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/types.js';
import { defaultEffects } from '../../src/run/effects.js';
import type { RunEvent } from '../../src/run/events.js';
import { runPlan } from '../../src/run/executor.js';
import { taskStatus } from '../../src/run/task-status.js';
import { startServer, type RunningServer } from '@render-recipes/server';
import { withTextChunk } from '@render-recipes/protocol';
import { writeRecipe } from './helpers/e2e.js';

/**
 * Resume must re-render every output whose bytes are not the ones render-recipes wrote, including
 * corruptions a decoder does not notice (issue 14, item 2). Real built-in server, real files.
 */
let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-resume-'));
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const effects = defaultEffects((uri, { signal }) => connect(uri, { signal, retries: 1 }));
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function planFor(format: string, name: string): Promise<Plan> {
  const work = await mkdtemp(join(dir, `${name}-`));
  const recipe = await writeRecipe(work, { frames: 1, format, name });
  const { plan, diagnostics } = await buildPlan([recipe], { cwd: work });
  if (!plan) throw new Error(`recipe did not compile: ${JSON.stringify(diagnostics)}`);
  return plan;
}

async function run(plan: Plan, out: string) {
  const events: RunEvent[] = [];
  const summary = await runPlan(plan, { outDir: out, instances: [server.url], onEvent: (e) => events.push(e) }, effects);
  return { summary, rendered: events.flatMap((e) => (e.code === 'task.finished' ? [e.data.output] : [])) };
}

const flipMiddle = (b: Buffer): Buffer => {
  const copy = Buffer.from(b);
  const i = copy.length >> 1;
  copy[i] = (copy[i] ?? 0) ^ 0x5a;
  return copy;
};

describe('resume re-renders every output whose bytes changed', () => {
  it.each([
    ['jpg', 'one byte short', (b: Buffer) => b.subarray(0, b.length - 1), false],
    ['png', 'bytes appended', (b: Buffer) => Buffer.concat([b, Buffer.from('appended garbage')]), false],
    ['jpg', 'bytes appended', (b: Buffer) => Buffer.concat([b, Buffer.alloc(64, 7)]), false],
    ['webp', 'a flipped byte in the middle', flipMiddle, false],
    ['tiff', 'a flipped byte in the middle', flipMiddle, false],
    ['tiff', 'a flipped byte, modification time set back', flipMiddle, true],
  ] as const)('%s with %s', async (format, _what, damage, restoreTime) => {
    const plan = await planFor(format, `c${format}`);
    const out = join(dir, `out-${format}-${Math.random().toString(36).slice(2)}`);
    expect((await run(plan, out)).summary.rendered).toBe(plan.tasks.length);
    const victim = plan.tasks[0]!;
    const path = join(out, victim.output.path);
    const before = await stat(path);
    const damaged = damage(await readFile(path));
    await writeFile(path, damaged);
    // Same size and modification time as written: only the bytes (and the change time) differ.
    if (restoreTime) await utimes(path, before.atime, before.mtime);

    expect((await taskStatus(plan, out)).get(victim.id)).toMatchObject({ action: 'render', reason: 'corrupt' });
    const again = await run(plan, out);
    expect(again.rendered).toEqual([victim.output.path]);
    expect(again.summary.skipped).toBe(plan.tasks.length - 1);
    // The manifest records the bytes that are really there.
    const manifest = await readManifest(join(out, 'manifest.json'));
    for (const task of plan.tasks) {
      const entry = manifest?.tasks.find((t) => t.id === task.id);
      expect(entry?.output.sha256).toBe(sha(await readFile(join(out, task.output.path))));
    }
    expect(sha(await readFile(path))).not.toBe(sha(damaged));
  });

  it('a file touched or rewritten with the same bytes stays up to date (hashed, not re-rendered)', async () => {
    const plan = await planFor('png', 'touched');
    const out = join(dir, 'out-touched');
    await run(plan, out);
    const path = join(out, plan.tasks[0]!.output.path);
    await writeFile(path, await readFile(path));
    const later = new Date(Date.now() + 60_000);
    await utimes(join(out, plan.tasks[1]!.output.path), later, later);
    const again = await run(plan, out);
    expect(again.rendered).toEqual([]);
    expect(again.summary.skipped).toBe(plan.tasks.length);
  });

  it('a resume that changed nothing leaves the manifest and the output index untouched; a touched file gets its new times recorded', async () => {
    const plan = await planFor('png', 'unchanged');
    const out = join(dir, 'out-unchanged');
    await run(plan, out);
    const indexPath = join(out, 'manifest.index.jsonl');
    const manifestPath = join(out, 'manifest.json');
    const stamps = async () => Promise.all([manifestPath, indexPath].map(async (p) => stat(p, { bigint: true }).then((s) => [s.ino, s.mtimeNs, s.ctimeNs])));
    const before = await stamps();
    expect((await run(plan, out)).rendered).toEqual([]);
    expect((await run(plan, out)).rendered).toEqual([]);
    expect(await stamps()).toEqual(before);
    // The manifest left in place is still the complete record of those files.
    const manifest = await readManifest(manifestPath);
    expect(manifest?.tasks.map((t) => t.status)).toEqual(plan.tasks.map(() => 'rendered'));
    // Same bytes, new times: still up to date, and the index now records the new times.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(out, plan.tasks[0]!.output.path), later, later);
    expect((await run(plan, out)).rendered).toEqual([]);
    const index = await readFile(indexPath, 'utf8');
    const touched = (await stat(join(out, plan.tasks[0]!.output.path), { bigint: true })).mtimeNs;
    expect(index).toContain(`"${touched}"`);
    expect((await stamps())[0]).not.toEqual(before[0]);
    expect((await readManifest(manifestPath))?.tasks.map((t) => t.status)).toEqual(plan.tasks.map(() => 'up to date'));
  });

  it.each([
    ['rewritten with the same text', async (path: string) => writeFile(path, await readFile(path))],
    ['cut short', async (path: string) => writeFile(path, (await readFile(path)).subarray(0, 200))],
    ['replaced by another file', async (path: string) => writeFile(path, '{}')],
  ] as const)('a manifest %s since the index was written is written again, whole, by a resume that renders nothing', async (what, damage) => {
    const plan = await planFor('png', `manifest-${what.split(' ')[0]}`);
    const out = join(dir, `out-manifest-${what.split(' ')[0]}`);
    await run(plan, out);
    const manifestPath = join(out, 'manifest.json');
    await damage(manifestPath);
    expect((await run(plan, out)).rendered).toEqual([]);
    const manifest = await readManifest(manifestPath);
    expect(manifest?.planHash).toBe(plan.hash);
    for (const task of plan.tasks) {
      const entry = manifest?.tasks.find((t) => t.id === task.id);
      expect(entry?.output.sha256).toBe(sha(await readFile(join(out, task.output.path))));
    }
  });

  it('a resume that renders a missing file writes the manifest again, recording it', async () => {
    const plan = await planFor('png', 'incomplete');
    const out = join(dir, 'out-incomplete');
    await run(plan, out);
    // The last task's file is gone: the next run renders it, and the manifest says so.
    const victim = plan.tasks.at(-1)!;
    await rm(join(out, victim.output.path));
    const manifestPath = join(out, 'manifest.json');
    const before = await stat(manifestPath, { bigint: true });
    expect((await run(plan, out)).rendered).toEqual([victim.output.path]);
    const after = await stat(manifestPath, { bigint: true });
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    const manifest = await readManifest(manifestPath);
    expect(manifest?.tasks.find((t) => t.id === victim.id)?.status).toBe('rendered');
    expect(manifest?.summary).toMatchObject({ rendered: 1, upToDate: plan.tasks.length - 1 });
  });

  it('without an output index (files from an older version) decodes every file and records it', async () => {
    const plan = await planFor('png', 'noindex');
    const out = join(dir, 'out-noindex');
    await run(plan, out);
    await rm(join(out, 'manifest.index.jsonl'));
    const path = join(out, plan.tasks[1]!.output.path);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 30));
    const again = await run(plan, out);
    expect(again.rendered).toEqual([plan.tasks[1]!.output.path]);
    // The index is back: a flipped byte is now found by its hash.
    const index = await readFile(join(out, 'manifest.index.jsonl'), 'utf8');
    expect(index.trim().split('\n')).toHaveLength(1 + plan.tasks.length);
  });

  it('a file put back with other bytes that still carry its task (no index record) is recorded with its own sha256', async () => {
    const plan = await planFor('png', 'putback');
    const out = join(dir, 'out-putback');
    await run(plan, out);
    await rm(join(out, 'manifest.index.jsonl'));
    const path = join(out, plan.tasks[0]!.output.path);
    // Same pixels and provenance, one more text chunk: a valid image of this task, other bytes.
    await writeFile(path, withTextChunk(await readFile(path), 'Comment', 'put back'));
    expect((await run(plan, out)).rendered).toEqual([]);
    const manifest = await readManifest(join(out, 'manifest.json'));
    expect(manifest?.tasks.find((t) => t.id === plan.tasks[0]!.id)?.output.sha256).toBe(sha(await readFile(path)));
  });
});
