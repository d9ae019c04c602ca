import { applyAxes, dedupeDiagnostics, problemAt, sortDiagnostics, toMatrixPath, type Diagnostic, type RawRecipe, type Recipe } from '../recipe/index.js';
import { checkCircuit } from './check-circuit.js';
import { CircuitFiles } from './circuit-files.js';

export interface PreflightOptions {
  /** Frames past the end of the report are warnings instead of errors. */
  allowFramesBeyondReport?: boolean;
  /** Shared between calls to read each file once per run (default: a new one per call). */
  files?: CircuitFiles;
}

/**
 * Opens what checked recipes name (circuit config, cell file, targets or node sets, report,
 * morphology folder) and reports what does not match, at the recipe's line: between recipe
 * validation and the plan, so a mistake about the data stops the run before any server starts.
 * Every recipe and every problem in one pass; recipes with `circuit.preflight: false` are skipped.
 * The readers load only when some recipe has a circuit to check.
 */
export async function preflightRecipes(recipes: readonly Recipe[], options: PreflightOptions = {}): Promise<Diagnostic[]> {
  const files = options.files ?? new CircuitFiles();
  const check = { allowFramesBeyondReport: options.allowFramesBeyondReport === true };
  const diagnostics: Diagnostic[] = [];
  for (const recipe of recipes) {
    const value = recipe.raw as unknown as Record<string, unknown>;
    for (const indices of variants(recipe)) {
      const item = applyAxes(value, recipe.axes, indices) as unknown as RawRecipe;
      if (item.circuit.preflight === false) continue;
      for (const problem of await checkCircuit(item, files, check)) diagnostics.push(problemAt(recipe.layers, toMatrixPath(problem, recipe.axes, indices)));
    }
  }
  return sortDiagnostics(dedupeDiagnostics(diagnostics));
}

/** As the schema checks: the first item, then each other value of each matrix key on top of it. */
function variants(recipe: Recipe): number[][] {
  const first = recipe.axes.map(() => 0);
  const out = [first];
  recipe.axes.forEach((axis, k) => {
    for (let i = 1; i < axis.values.length; i++) out.push(first.map((v, j) => (j === k ? i : v)));
  });
  return out;
}
