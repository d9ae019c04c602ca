import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { readManifest } from '../../src/output/manifest.js';
import { startServer, type RunningServer } from '@render-recipes/server';
import { SAMPLE_CIRCUIT, listFiles, spawnCli, writeRecipe } from './helpers/e2e.js';


/**
 * Issue 14, items 1, 6, 11 and 13, as a user meets them: `render-recipes run` and `status` on real
 * files, a real built-in server, a real SIGKILL and a really full file system.
 */
let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-out-integrity-'));
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** The CLI in-process, its output captured. */
async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => ((stdout += s), true) } as CliIo['stdout'],
    stderr: { write: (s: string) => ((stderr += s), true) } as CliIo['stderr'],
    env: { RENDER_RECIPES_INSTANCES: '' },
    cwd,
    signal: new AbortController().signal,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

async function recipe(work: string, name: string, outputPath: string): Promise<string> {
  const path = join(work, `${name}.yaml`);
  await writeFile(path, ['version: 1', `name: ${name}`, 'circuit:', `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`, 'resolution: [16, 12]', 'output:', `  path: ${JSON.stringify(outputPath)}`, ''].join('\n'));
  return path;
}

describe('no write escapes --out', () => {
  it('refuses a template that expands to a path above --out (exit 2, file:line:col), writing nothing', async () => {
    const work = await mkdtemp(join(dir, 'escape-'));
    const nested = join(work, 'a', 'b');
    await mkdir(nested, { recursive: true });
    const path = await recipe(nested, 'climb', '.{item}./.{item}./x.png');
    const result = await cli(['run', path, '--out', 'out', '--instance', server.url], nested);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('climb.yaml:7:9: the output path must stay inside the output directory');
    expect(path.endsWith('climb.yaml')).toBe(true);
    expect(result.stderr).toMatch(/expands to `\.\.\/\.\.\/x\.png`/);
    expect(await listFiles(work)).toEqual(['a/b/climb.yaml']);
  });

  it('refuses to write through a symlink inside --out that points outside it', async () => {
    const work = await mkdtemp(join(dir, 'link-'));
    const outside = join(work, 'outside');
    const out = join(work, 'out');
    await mkdir(outside);
    await mkdir(out);
    await symlink(outside, join(out, 'linked'));
    const path = await recipe(work, 'viaLink'.toLowerCase(), 'linked/{name}.png');
    const result = await cli(['run', path, '--out', out, '--instance', server.url], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(out, 'linked')}: it is a symlink to ${outside}, outside the output directory`);
    expect(await readdir(outside)).toEqual([]);
  });

  it('follows a symlink that stays inside --out', async () => {
    const work = await mkdtemp(join(dir, 'inner-link-'));
    const out = join(work, 'out');
    await mkdir(join(out, 'real'), { recursive: true });
    await symlink(join(out, 'real'), join(out, 'alias'));
    const path = await recipe(work, 'inner', 'alias/{name}.png');
    const result = await cli(['run', path, '--out', out, '--instance', server.url], work);
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(join(out, 'real'))).toEqual(['inner.png']);
  });
});

describe('manifests', () => {
  it('a run killed with SIGKILL leaves a manifest that status reads', async () => {
    const work = await mkdtemp(join(dir, 'kill-'));
    const path = await writeRecipe(work, { frames: 30 });
    const out = join(work, 'out');
    const run = spawnCli(['run', path, '--out', out, '--json', '--instance', server.url], work);
    const finished = (): number => run.events.filter((e) => e.code === 'task.finished').length;
    // The manifest is rewritten each time another 5 % of the 60 tasks (3 tasks) have ended.
    await run.waitFor((e) => e.code === 'manifest.written' && (e.data.tasksEnded as number) >= 4);
    expect(finished()).toBeGreaterThanOrEqual(4);
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    const status = await cli(['status', out, '--json'], work);
    const [state] = JSON.parse(status.stdout) as { done: number; missing: unknown[]; problems: string[] }[];
    expect(state?.problems).toEqual([]);
    expect(state?.done).toBeGreaterThanOrEqual(4);
    expect((state?.done ?? 0) + (state?.missing.length ?? 0)).toBe(60);
    // On a loaded machine the run may have finished before the kill landed: then status is complete.
    expect(status.code).toBe(state?.done === 60 ? 0 : 4);
  });

  it('recipes rendered one at a time into one folder all count in status; nothing earlier is lost', async () => {
    const work = await mkdtemp(join(dir, 'accumulate-'));
    const out = join(work, 'out');
    const first = await writeRecipe(work, { frames: 2, name: 'first' });
    const second = await writeRecipe(work, { frames: 3, name: 'second' });
    expect((await cli(['run', first, '--out', out, '--instance', server.url], work)).code).toBe(0);
    expect((await cli(['run', second, '--out', out, '--instance', server.url], work)).code).toBe(0);
    let status = await cli(['status', out], work);
    expect(status.stdout).toContain('done 10, failed 0, missing 0 (of 10 tasks)');
    expect(status.code).toBe(0);
    // The first recipe again: up to date, and still 10 files accounted for.
    const again = await cli(['run', first, '--out', out, '--instance', server.url, '--json'], work);
    expect(again.stdout).toContain('"toRender":0');
    status = await cli(['status', out], work);
    expect(status.stdout).toContain('done 10, failed 0, missing 0 (of 10 tasks)');
    // One manifest per plan: the current run's, and the other recipe's kept under manifests/.
    const manifests = (await listFiles(out)).filter((f) => f.endsWith('.json') && !f.startsWith('.gallery/'));
    expect(manifests).toHaveLength(2);
    expect(manifests.filter((f) => f.startsWith('manifests/'))).toHaveLength(1);
  });

  it('status fails with the reason on a manifest it cannot read', async () => {
    const work = await mkdtemp(join(dir, 'bad-manifest-'));
    const path = await writeRecipe(work, { frames: 1 });
    const out = join(work, 'out');
    expect((await cli(['run', path, '--out', out, '--instance', server.url], work)).code).toBe(0);
    const text = await readFile(join(out, 'manifest.json'), 'utf8');
    await writeFile(join(out, 'manifest.json'), text.slice(0, 16 * 1024 > text.length ? text.length >> 1 : 16 * 1024));
    const status = await cli(['status', out], work);
    expect(status.code).toBe(2);
    expect(status.stdout).toMatch(/error: .*manifest\.json is not valid JSON/);
  });
});

/** A tiny tmpfs, when this process may mount one (root in a container with CAP_SYS_ADMIN). */
function mountTmpfs(path: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a full disk', () => {
  it('gives a clear error naming the file, keeps every written file whole and the manifest valid', async (context) => {
    const work = await mkdtemp(join(dir, 'full-'));
    const out = join(work, 'out');
    await mkdir(out);
    if (!mountTmpfs(out, '64k')) {
      context.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    try {
      const path = join(work, 'big.yaml');
      await writeFile(
        path,
        ['version: 1', 'name: big', 'circuit:', `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`, 'frames: { start: 0, stop: 11 }', 'resolution: [320, 240]', 'output:', '  path: "{name}/f{frame}.tiff"', ''].join('\n'),
      );
      const result = await cli(['run', path, '--out', out, '--instance', server.url, '--json'], work);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(new RegExp(`cannot write ${out.replaceAll('/', '\\/')}\\/\\S+: no space left on the device \\(ENOSPC\\)`));
      // No temp files, every image present is complete, and whatever manifest exists parses.
      const files = await listFiles(out);
      expect(files.filter((f) => f.includes('.rr-tmp-'))).toEqual([]);
      const manifest = await readManifest(join(out, 'manifest.json')).catch((error: unknown) => error);
      expect(manifest instanceof Error ? manifest.message : 'ok').toBe('ok');
      const status = await cli(['status', out], work);
      expect(status.code).not.toBe(0);
    } finally {
      execFileSync('umount', [out]);
    }
  });
});
