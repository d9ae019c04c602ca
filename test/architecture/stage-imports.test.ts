import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import stages from '../../eslint/stage-imports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ORDER = ['recipe', 'plan', 'preflight', 'output', 'brayns', 'run', 'movie', 'slurm', 'cli'];

/** The messages of the stage rule for `code` as if it were the file `file` (relative to the project). */
function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: root });
  const config = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { stages },
      rules: { 'stages/imports': ['error', { order: ORDER, crossing: { 'src/plan/build.ts': ['preflight'] } }] },
    },
  ] as Linter.Config[];
  return linter.verify(code, config, join(root, file)).map((m) => m.message);
}

describe('stages import each other through their index.ts, in the direction of the data', () => {
  it("accepts an earlier stage's index, at any depth, and a stage's own modules", () => {
    expect(lint('src/run/executor.ts', "import { x } from '../output/index.js';\nimport { y } from './scheduler.js';")).toEqual([]);
    expect(lint('src/cli/commands/run.ts', "import { runPlan } from '../../run/index.js';\nimport { print } from '../io.js';")).toEqual([]);
    expect(lint('src/output/overlay/index.ts', "import { frameTime } from '../../frame-time.js';")).toEqual([]);
  });

  it('rejects a module inside another stage, naming the index to use', () => {
    expect(lint('src/run/executor.ts', "import { writeManifest } from '../output/manifest.js';")).toEqual([
      "src/run imports '../output/manifest.js' from inside the output stage: import it from '../output/index.js' (export it there if it is missing)",
    ]);
    // Types and re-exports go through the index too (they are the stage's surface as well).
    expect(lint('src/cli/commands/run.ts', "import type { Plan } from '../../plan/types.js';")).toHaveLength(1);
    expect(lint('src/index.ts', "export { buildBatchScript } from './slurm/script.js';")).toHaveLength(1);
  });

  it('rejects a later stage, even through its index', () => {
    expect(lint('src/plan/compile.ts', "import { runPlan } from '../run/index.js';")).toEqual([
      'src/plan must not import the later stage run: data flows recipe -> plan -> preflight -> output -> brayns -> run -> movie -> slurm -> cli',
    ]);
  });

  it('lets a named crossing load a later stage on use only', () => {
    expect(lint('src/plan/build.ts', "export async function f() { return import('../preflight/index.js'); }")).toEqual([]);
    expect(lint('src/plan/build.ts', "import type { PreflightOptions } from '../preflight/index.js';")).toEqual([]);
    expect(lint('src/plan/build.ts', "import { preflightRecipes } from '../preflight/index.js';")[0]).toMatch(/only on use, with `await import/);
    expect(lint('src/plan/build.ts', "export async function f() { return import('../preflight/preflight.js'); }")[0]).toMatch(/from inside the preflight stage/);
  });

  it('keeps the modules at the top of src/ below every stage', () => {
    expect(lint('src/errors.ts', "import { x } from './recipe/index.js';")).toEqual(['src/errors.ts sits below the stages and must not import the recipe stage']);
  });
});

/** Static imports of the compiled library (type imports are gone, `import()` is not static). */
function staticGraph(): Map<string, string[]> {
  const dist = join(root, 'dist');
  const files = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => join(dist, f));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(file), (m[1] ?? m[2])!));
    graph.set(file, targets);
  }
  return graph;
}

const stageOf = (file: string): string => relative(join(root, 'dist'), file).split(sep)[0]!.replace(/\.js$/, '');

describe('the compiled stages', () => {
  it('import no later stage statically, so no import cycle runs through two stages', () => {
    const graph = staticGraph();
    expect(graph.size).toBeGreaterThan(100);
    const backEdges: string[] = [];
    for (const [file, targets] of graph) {
      const from = ORDER.indexOf(stageOf(file));
      for (const target of targets) {
        const to = ORDER.indexOf(stageOf(target));
        if (from >= 0 && to > from) backEdges.push(`${relative(root, file)} -> ${relative(root, target)}`);
      }
    }
    expect(backEdges).toEqual([]);
  });
});
