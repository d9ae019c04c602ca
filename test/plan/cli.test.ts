import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EXIT } from '../../src/errors.js';
import { canonicalJson, type Plan } from '../../src/plan/index.js';

/** `render-recipes validate` and `render-recipes plan`, run in-process as the bin runs them. */

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

const repo = fileURLToPath(new URL('../../', import.meta.url));
let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'rr cli '));
  await cp(join(repo, 'recipes'), join(cwd, 'recipes'), { recursive: true });
  // The recipes name the sample circuit: preflight opens it.
  await symlink(join(repo, 'samples'), join(cwd, 'samples'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, env: { ...process.env, NO_COLOR: '1' }, cwd, signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const broken = 'version: 1\nname: broken\ncircuit:\n  path: x\n  cells:\n    densty: 0.1\noutput:\n  path: "{name}/{fram}.png"\n';

describe('render-recipes validate', () => {
  it('prints ok per recipe and exits 0 for the examples', async () => {
    const { code, stdout, stderr } = await cli(['validate', 'recipes']);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toBe('ok recipes/figure.yaml (figure: 6 tasks)\nok recipes/movie.yaml (movie: 101 tasks)\nok recipes/seed.yaml (seed: 1 task)\nok recipes/sweep.yaml (sweep: 27 tasks)\n');
  });

  it('reports every problem with file:line:col, the line, a caret and a hint, on stderr, exit 2', async () => {
    await writeFile(join(cwd, 'broken.yaml'), broken);
    const { code, stdout, stderr } = await cli(['validate', 'broken.yaml', 'recipes/seed.yaml']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stdout).toBe('ok recipes/seed.yaml (seed: 1 task)\n');
    expect(stderr).toBe(
      [
        'broken.yaml:6:5: unknown field `densty` in `circuit.cells`',
        '   |',
        ' 6 |     densty: 0.1',
        '   |     ^^^^^^',
        '   = field: $.circuit.cells.densty [UNKNOWN_FIELD]',
        '   = hint: did you mean `density`?',
        '',
        'broken.yaml:8:17: unknown placeholder `{fram}` in output path',
        '   |',
        ' 8 |   path: "{name}/{fram}.png"',
        '   |                 ^^^^^^',
        '   = field: $.output.path [TEMPLATE_UNKNOWN_PLACEHOLDER]',
        '   = hint: did you mean `frame`?',
        '',
        '2 errors in 1 file',
        '',
      ].join('\n'),
    );
  });

  it('exits 2 with a clear message for a path that does not exist', async () => {
    const { code, stderr } = await cli(['validate', 'nope.yaml']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('nope.yaml: `nope.yaml` does not exist');
  });

  it('exits 2 on a newer recipe format with an upgrade hint', async () => {
    await writeFile(join(cwd, 'new.yaml'), 'version: 3\nname: new\ncircuit:\n  path: x\n');
    const { code, stderr } = await cli(['validate', 'new.yaml']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('new.yaml:1:10: recipe format version 3 is newer than this render-recipes reads (version 1)');
    expect(stderr).toContain('hint: upgrade render-recipes');
  });

  it('needs at least one path (usage error, exit 2)', async () => {
    const { code, stderr } = await cli(['validate']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toMatch(/missing required argument/);
  });
});

describe('render-recipes plan', () => {
  it('prints the summary: recipes, matrix items, scenes, tasks and outputs', async () => {
    const { code, stdout, stderr } = await cli(['plan', 'recipes', '--out', 'renders']);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/^plan [0-9a-f]{16}: 4 recipes, 4 scenes, 135 tasks\noutput directory: .*renders\n/);
    expect(stdout).toContain('  sweep (recipes/sweep.yaml): 27 tasks, matrix: 27 items');
    expect(stdout).toContain('-> seed/snapshot.png');
    expect(stdout).toContain('... and 7 more items');
  });

  it('--all lists every task', async () => {
    const { stdout } = await cli(['plan', 'recipes/movie.yaml', '--all']);
    expect(stdout.match(/-> movie\/frame-\d{5}\.png/g)).toHaveLength(101);
  });

  it('--json prints the full plan as canonical JSON, the same bytes every time', async () => {
    const one = await cli(['plan', 'recipes', '--json']);
    const two = await cli(['plan', 'recipes/sweep.yaml', 'recipes/seed.yaml', 'recipes/movie.yaml', 'recipes/figure.yaml', '--json']);
    expect(one.code).toBe(EXIT.ok);
    expect(one.stdout).toBe(two.stdout);
    const plan = JSON.parse(one.stdout) as Plan;
    expect(`${canonicalJson(plan)}\n`).toBe(one.stdout);
    expect(plan.tasks).toHaveLength(135);
    expect(plan.scenes[0]?.circuit.path).toBe(join(cwd, 'samples/circuit/BlueConfig'));
  });

  it('prints diagnostics and no plan for invalid recipes (exit 2)', async () => {
    await writeFile(join(cwd, 'broken.yaml'), broken);
    const { code, stdout, stderr } = await cli(['plan', 'broken.yaml', 'recipes', '--json']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stdout).toBe('');
    expect(stderr).toContain('broken.yaml:6:5: unknown field `densty`');
  });

  it('reports two recipes writing the same file, naming both', async () => {
    await writeFile(join(cwd, 'a.yaml'), 'version: 1\nname: a\ncircuit:\n  path: x\noutput:\n  path: same.png\n');
    await writeFile(join(cwd, 'b.yaml'), 'version: 1\nname: b\ncircuit:\n  path: y\noutput:\n  path: same.png\n');
    const { code, stderr } = await cli(['plan', 'a.yaml', 'b.yaml']);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('b.yaml:6:9: two tasks write `same.png`: recipe `a` frame 0 and recipe `b` frame 0');
    expect(stderr).toContain('[OUTPUT_DUPLICATE]');
  });
});
