import { contentId } from '../canonical-json.js';
import { checkSemantics } from './checks.js';
import { dedupeDiagnostics, hasErrors, sortDiagnostics, type Diagnostic, type Problem } from './diagnostics.js';
import { discoverRecipeFiles } from './discover.js';
import { frameCount } from './frames.js';
import { checkMatrix, itemCount, setAt, type Axis } from './matrix.js';
import type { RawFrames, RawRecipe } from './recipe-types.generated.js';
import { problemAt, resolveRecipe, SourceCache } from './resolve.js';
import type { Recipe } from './types.js';
import { schemaAccepts, validateAgainstSchema } from './validator.js';

/** A plan larger than this is almost certainly a mistake (a frame range in the wrong unit). */
export const MAX_TASKS = 1_000_000;

export interface LoadOptions {
  cwd: string;
}

export interface LoadResult {
  /** The recipes without errors, sorted by file. */
  recipes: Recipe[];
  /** Every problem of every recipe (errors and warnings), sorted by file and position. */
  diagnostics: Diagnostic[];
}

/** Loads and checks recipe files and folders; never throws for bad input, it reports it. */
export async function loadRecipes(paths: readonly string[], options: LoadOptions): Promise<LoadResult> {
  const { files, diagnostics } = await discoverRecipeFiles(paths, options.cwd);
  const cache = new SourceCache(options.cwd);
  const recipes: Recipe[] = [];
  for (const file of files) {
    const loaded = await loadRecipe(file, cache);
    diagnostics.push(...loaded.diagnostics);
    if (loaded.recipe) recipes.push(loaded.recipe);
  }
  const byName = new Map<string, Recipe>();
  const unique: Recipe[] = [];
  for (const recipe of recipes) {
    const first = byName.get(recipe.name);
    if (!first) {
      byName.set(recipe.name, recipe);
      unique.push(recipe);
      continue;
    }
    diagnostics.push(
      problemAt(recipe.layers, {
        code: 'DUPLICATE_NAME',
        path: ['name'],
        message: `recipe name \`${recipe.name}\` is already used by ${first.file}`,
        hint: 'give every recipe its own name (it names the output files)',
      }),
    );
  }
  return { recipes: unique, diagnostics: sortDiagnostics(dedupeDiagnostics(diagnostics)) };
}

async function loadRecipe(abs: string, cache: SourceCache): Promise<{ recipe?: Recipe; diagnostics: Diagnostic[] }> {
  const resolved = await resolveRecipe(abs, cache);
  const { layers } = resolved;
  const value = resolved.value;
  if (!value || hasErrors(resolved.diagnostics)) return { diagnostics: resolved.diagnostics };
  const diagnostics: Diagnostic[] = [...resolved.diagnostics];

  // A recipe the build-time check accepts as a whole has a valid matrix: the full validator (an
  // ajv compile of the schema, a second or more) is only needed to explain a problem.
  const matrixOk =
    value.matrix === undefined ||
    (isMatrixShaped(value.matrix) && (schemaAccepts(value) || validateAgainstSchema({ matrix: value.matrix }).every((p) => p.path[0] !== 'matrix')));
  const { axes, problems } = matrixOk ? checkMatrix(value.matrix as Record<string, unknown[]> | undefined) : { axes: [], problems: [] };
  diagnostics.push(...problems.map((p) => problemAt(layers, p)));

  // Every field of the recipe is checked once, and every matrix value once: the first item, then
  // each other value of each key on top of the first item (not the whole product).
  const first = axes.map(() => 0);
  const variants: number[][] = [first];
  axes.forEach((axis, k) => {
    for (let i = 1; i < axis.values.length; i++) variants.push(first.map((v, j) => (j === k ? i : v)));
  });
  for (const indices of variants) {
    const item = applyAxes(value, axes, indices);
    const found = validateAgainstSchema(item);
    // Sections with schema problems are not checked further; the others are, so one run reports all.
    const broken = new Set(found.map((p) => String(p.path[0] ?? '')));
    const usable = (field: string): boolean => !broken.has(field) && (field !== 'circuit' || typeof item.circuit === 'object');
    const semantic = checkSemantics(item as unknown as RawRecipe, axes, usable);
    for (const problem of [...found, ...semantic]) diagnostics.push(problemAt(layers, toMatrixPath(problem, axes, indices)));
  }
  if (hasErrors(diagnostics)) return { diagnostics };

  const raw = value as unknown as RawRecipe;
  const tasks = countTasks(raw, axes);
  if (tasks > MAX_TASKS) {
    diagnostics.push(
      problemAt(layers, {
        code: 'TOO_MANY_TASKS',
        path: axes.length > 0 ? ['matrix'] : ['frames'],
        message: `this recipe expands to ${tasks} snapshots, over the limit of ${MAX_TASKS}`,
        hint: 'use a larger frame `step`, or split the sweep into several recipes',
      }),
    );
    return { diagnostics };
  }
  const recipe: Recipe = { name: raw.name, file: layers[0]?.display ?? abs, abs, hash: contentId(value), raw, axes, layers: layers };
  return { recipe, diagnostics };
}

function isMatrixShaped(matrix: unknown): boolean {
  return matrix !== null && typeof matrix === 'object' && !Array.isArray(matrix) && Object.values(matrix).every((v) => Array.isArray(v) && v.length > 0);
}

/** The recipe with each matrix key set to its value at `indices`. */
export function applyAxes(value: Record<string, unknown>, axes: readonly Axis[], indices: readonly number[]): Record<string, unknown> {
  let out = value;
  axes.forEach((axis, k) => {
    out = setAt(out, axis.path, axis.values[indices[k] ?? 0]);
  });
  return out;
}

/** A problem inside a field set by the matrix belongs to the matrix value that set it. */
export function toMatrixPath(problem: Problem, axes: readonly Axis[], indices: readonly number[]): Problem {
  for (const [k, axis] of axes.entries()) {
    const under = axis.path.every((segment, i) => problem.path[i] === segment);
    if (!under) continue;
    const rest = problem.path.slice(axis.path.length);
    return { ...problem, path: ['matrix', axis.key, indices[k] ?? 0, ...rest] };
  }
  return problem;
}

function countTasks(raw: RawRecipe, axes: readonly Axis[]): number {
  const framesAxis = axes.find((a) => a.path.length === 1 && a.path[0] === 'frames');
  if (!framesAxis) return itemCount(axes) * frameCount(raw.frames);
  const others = itemCount(axes.filter((a) => a !== framesAxis));
  return others * framesAxis.values.reduce<number>((n, f) => n + frameCount(f as RawFrames), 0);
}
