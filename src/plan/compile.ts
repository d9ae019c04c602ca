import { dedupeDiagnostics, frameTime, itemIndices, problemAt, renderTemplate, sortDiagnostics, type Diagnostic, type Recipe } from '../recipe/index.js';
import { normalOutputPath, outputPathEscape } from '../output-path.js';
import { cameraAt, pathFraction } from './camera-path.js';
import { canonicalJson, ID_HEX_LENGTH, sha256Hex } from '../canonical-json.js';
import { normalizeContactSheet } from './figures.js';
import { ItemExpander } from './item-expander.js';
import { planMovie } from './movie.js';
import { planHash } from './plan-json.js';
import { fillTaskJson, taskJsonPieces, type TaskJsonPieces } from './task-json.js';
import { PLAN_FORMAT, type Plan, type PlanMovie, type PlanRecipe, type PlanScene, type PlanTask } from './types.js';

/**
 * Bumped when the meaning of a task's inputs changes (a new framing rule, say), so every task id
 * changes and old images are re-rendered instead of being taken as up to date.
 */
export const TASK_HASH_VERSION = 1;

export interface CompileOptions {
  cwd: string;
}


/**
 * Compiles checked recipes into the plan. Tasks are ordered by scene, frame, task id and output
 * path, scenes by id and recipes by file, so the same recipes give the same bytes in any argument
 * order. The only problems found here are ones that need the expansion: two tasks writing one file.
 *
 * Ids: a scene id is the first 16 hex digits of the sha256 of its circuit's canonical JSON; a task
 * id the same over the canonical JSON of {camera, frame, image, lights, overlay (only when the
 * recipe has one), renderer, resolution, scene (its id), v (TASK_HASH_VERSION)}: everything that changes pixels, not the output path or
 * recipe name. The plan hash is the full sha256 of the plan's canonical JSON without `hash`.
 */
export function compilePlan(recipes: readonly Recipe[], _options: CompileOptions): { plan: Plan; diagnostics: Diagnostic[] } {
  const scenes = new Map<string, PlanScene>();
  const sceneIds = new Map<string, string>();
  const tasks: PlanTask[] = [];
  const planRecipes: PlanRecipe[] = [];
  // Output path -> the first task writing it (the task itself: no extra object per task).
  const written = new Map<string, PlanTask>();
  const duplicates = new Map<string, { first: PlanTask; second: PlanTask; path: string; count: number }>();
  // Recipe name -> the first task whose expanded output path leaves --out, and how many do.
  const escapes = new Map<string, { task: PlanTask; path: string; reason: string; count: number }>();
  const byName = new Map(recipes.map((r) => [r.name, r]));
  // For the plan hash: each task's canonical JSON pieces (shared by tasks with the same camera, renderer, ...).
  const taskItem: number[] = [];
  const pieces: TaskJsonPieces[] = [];
  const movies: PlanMovie[] = [];
  const moviePaths = new Map<string, PlanMovie>();
  const movieDuplicates: { first: PlanMovie; second: PlanMovie }[] = [];

  const sorted = [...recipes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const recipe of sorted) {
    const items: PlanRecipe['items'] = [];
    const recipePieces = new Map<string, number>();
    const idTexts = new Map<string, [string, string]>();
    const expander = new ItemExpander(recipe);
    for (const indices of itemIndices(recipe.axes)) {
      const item = expander.item(indices);
      items.push({ id: item.id, values: item.displayValues });
      let sceneId = sceneIds.get(item.circuit.json);
      if (sceneId === undefined) {
        sceneId = sha256Hex(item.circuit.json).slice(0, ID_HEX_LENGTH);
        sceneIds.set(item.circuit.json, sceneId);
        scenes.set(sceneId, { id: sceneId, circuit: item.circuit.spec });
      }
      const transfer = item.transfer;
      const taskValues = item.taskValues;
      const overlay = item.overlay.spec;
      const piecesKey = `${sceneId}|${item.camera.serial}|${item.renderer.serial}|${item.lights.serial}|${item.resolution.serial}|${item.image.serial}|${transfer}|${item.overlay.serial}`;
      let itemIndex = recipePieces.get(piecesKey);
      // Canonical JSON of {camera, frame, image, lights, renderer, resolution, scene, v}, keys in
      // sorted order, cut around the frame so each task costs one concatenation and one hash.
      let idText = idTexts.get(piecesKey);
      if (!idText) {
        idText = [
          `{"camera":${item.camera.json},"frame":`,
          `,"image":${item.image.json},"lights":${item.lights.json},${overlay ? `"overlay":${item.overlay.json},` : ''}"renderer":${item.renderer.json},"resolution":${item.resolution.json},"scene":"${sceneId}","v":${TASK_HASH_VERSION}}`,
        ];
        idTexts.set(piecesKey, idText);
      }
      const movieFrames: PlanMovie['frames'] = [];
      const frameCount = item.frames.length;
      for (let f = 0; f < frameCount; f++) {
        const frame = item.frames[f] as number;
        const time = frameTime(frame);
        // A moving camera makes each frame's camera its own: its pieces are keyed by the frame index.
        let camera = item.camera.spec;
        let [head, tail] = idText;
        let frameIndex = itemIndex;
        let frameKey = piecesKey;
        if (item.cameraPath) {
          camera = cameraAt(item.camera.spec, item.cameraPath, pathFraction(f, frameCount));
          const cameraJson = canonicalJson(camera);
          frameKey = `${piecesKey}|${cameraJson}`;
          frameIndex = recipePieces.get(frameKey);
          head = `{"camera":${cameraJson},"frame":`;
          tail = idText[1];
        }
        const expanded = renderTemplate(item.template, (name) => (name === 'frame' ? frame : time));
        // The template was checked, but values fill it: an empty {item} turns `.{item}./` into `../`.
        const escape = outputPathEscape(expanded);
        const path = escape ? expanded : normalOutputPath(expanded);
        const values = Object.assign({}, taskValues);
        values.frame = frame;
        values.time = time;
        const task: PlanTask = {
          id: sha256Hex(`${head}${frame}${tail}`).slice(0, ID_HEX_LENGTH),
          sceneId,
          recipe: recipe.name,
          item: item.id,
          frame,
          camera,
          renderer: item.renderer.spec,
          lights: item.lights.spec,
          resolution: item.resolution.spec,
          image: item.image.spec,
          output: { path, transfer },
          values,
        };
        if (overlay) task.overlay = overlay;
        if (frameIndex === undefined) {
          frameIndex = pieces.push(taskJsonPieces(task)) - 1;
          recipePieces.set(frameKey, frameIndex);
          if (!item.cameraPath) itemIndex = frameIndex;
        }
        tasks.push(task);
        taskItem.push(frameIndex);
        if (item.movie) movieFrames.push({ task: task.id, frame, path });
        if (escape) {
          const known = escapes.get(recipe.name);
          if (known) known.count += 1;
          else escapes.set(recipe.name, { task, path, reason: escape, count: 1 });
        }
        const first = written.get(path);
        if (!first) written.set(path, task);
        else {
          const key = `${first.recipe}\0${recipe.name}`;
          const known = duplicates.get(key);
          if (known) known.count += 1;
          else duplicates.set(key, { first, second: task, path, count: 1 });
        }
      }
      if (item.movie) {
        const movie = planMovie(recipe.name, item.id, item.movie, item.resolution.spec, movieFrames);
        movies.push(movie);
        const first = moviePaths.get(movie.path);
        if (!first) moviePaths.set(movie.path, movie);
        else movieDuplicates.push({ first, second: movie });
      }
    }
    const planRecipe: PlanRecipe = { name: recipe.name, file: recipe.file, hash: recipe.hash, items };
    const sheet = normalizeContactSheet(recipe.raw.output?.contact_sheet, recipe.name);
    if (sheet) planRecipe.contactSheet = sheet;
    planRecipes.push(planRecipe);
  }

  const who = (t: PlanTask): string => `recipe \`${t.recipe}\`${t.item ? ` item ${t.item}` : ''} frame ${t.frame}`;
  const outputPathOf = (name: string): { recipe: Recipe; path: string[] } => {
    const recipe = byName.get(name);
    if (!recipe) throw new Error(`task of unknown recipe ${name}`);
    return { recipe, path: recipe.axes.some((a) => a.path[0] === 'output' && a.path[1] === 'path') ? ['output'] : ['output', 'path'] };
  };
  const escapeDiagnostics = [...escapes.values()].map(({ task, path, reason, count }) => {
    const { recipe, path: outputPath } = outputPathOf(task.recipe);
    const more = count > 1 ? ` (and ${count - 1} more task${count > 2 ? 's' : ''})` : '';
    return problemAt(recipe.layers, {
      code: 'TEMPLATE_ESCAPES',
      path: outputPath,
      message: `the output path must stay inside the output directory, but for ${who(task)} it expands to \`${path}\`, and ${reason}${more}`,
      found: JSON.stringify(path),
      hint: 'placeholders fill in values (an empty {item} when there is no matrix): write the folders out, e.g. `{name}/{item}/f{frame}.png`',
    });
  });
  const diagnostics: Diagnostic[] = [...duplicates.values()].map(({ first, second, path, count }) => {
    const more = count > 1 ? ` (and ${count - 1} more file${count > 2 ? 's' : ''})` : '';
    const { recipe, path: outputPath } = outputPathOf(second.recipe);
    return problemAt(recipe.layers, {
      code: 'OUTPUT_DUPLICATE',
      path: outputPath,
      message: `two tasks write \`${path}\`: ${who(first)} and ${who(second)}${more}`,
      hint: first.recipe === second.recipe ? 'add the placeholders that tell them apart to `output.path` ({item}, {frame}, {view}, ...)' : 'give each recipe its own output path, e.g. starting with {name}/',
    });
  });

  for (const { first, second } of movieDuplicates) {
    const recipe = byName.get(second.recipe);
    if (!recipe) throw new Error(`movie of unknown recipe ${second.recipe}`);
    const who = (m: PlanMovie): string => `recipe \`${m.recipe}\`${m.item ? ` item ${m.item}` : ''}`;
    diagnostics.push(
      problemAt(recipe.layers, {
        code: 'OUTPUT_DUPLICATE',
        path: ['output', 'movie', 'path'],
        message: `two movies are written to \`${second.path}\`: ${who(first)} and ${who(second)}`,
        hint: first.recipe === second.recipe ? 'add the placeholders that tell the items apart to `output.movie.path` ({item}, {view}, ...)' : 'give each recipe its own movie path, e.g. starting with {name}',
      }),
    );
  }

  const order = tasks.map((_, i) => i).sort((a, b) => compareTasks(tasks[a] as PlanTask, tasks[b] as PlanTask));
  const sortedTasks = order.map((i) => tasks[i] as PlanTask);
  const sceneList = [...scenes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const movieList = movies.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const body = { format: PLAN_FORMAT, ...(movieList.length > 0 ? { movies: movieList } : {}), recipes: planRecipes, scenes: sceneList, tasks: sortedTasks } as const;
  // The writer meets the tasks in plan order: a cursor finds each one's template without a map of
  // 100,000 entries (anything else it meets is not the next task and is serialised normally).
  let next = 0;
  const hash = planHash(body, (value) => {
    if (value !== sortedTasks[next]) return undefined;
    const template = pieces[taskItem[order[next] ?? 0] ?? 0] as TaskJsonPieces;
    next += 1;
    return fillTaskJson(template, value as PlanTask);
  });
  const plan: Plan = { format: PLAN_FORMAT, hash, ...(movieList.length > 0 ? { movies: movieList } : {}), recipes: planRecipes, scenes: sceneList, tasks: sortedTasks };
  return { plan, diagnostics: sortDiagnostics(dedupeDiagnostics([...escapeDiagnostics, ...diagnostics])) };
}

function compareTasks(a: PlanTask, b: PlanTask): number {
  if (a.sceneId !== b.sceneId) return a.sceneId < b.sceneId ? -1 : 1;
  if (a.frame !== b.frame) return a.frame - b.frame;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.output.path < b.output.path ? -1 : a.output.path > b.output.path ? 1 : 0;
}
