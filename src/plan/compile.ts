import { DEFAULT_OUTPUT_PATH, imageFormat } from '../recipe/checks.js';
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from '../recipe/diagnostics.js';
import { expandFrames, frameTime } from '../recipe/frames.js';
import { applyAxes } from '../recipe/load.js';
import { displayValue, itemId, itemIndices, placeholderValue, type Axis } from '../recipe/matrix.js';
import type { RawRecipe } from '../recipe/recipe-types.generated.js';
import { problemAt } from '../recipe/resolve.js';
import { parseTemplate, renderTemplate, type TemplatePart } from '../recipe/template.js';
import type { Recipe } from '../recipe/types.js';
import { canonicalHash, canonicalJson, contentId, sha256Hex, ID_HEX_LENGTH } from './canonical-json.js';
import { normalizeCamera, normalizeCircuit, normalizeLights, normalizeRenderer, normalizeResolution, viewLabel } from './normalize.js';
import { PLAN_FORMAT, type Plan, type PlanRecipe, type PlanScene, type PlanTask } from './types.js';

/**
 * Bumped when the meaning of a task's inputs changes (a new framing rule, say), so every task id
 * changes and old images are re-rendered instead of being taken as up to date.
 */
export const TASK_HASH_VERSION = 1;

export interface CompileOptions {
  cwd: string;
}

/** The sections of a recipe that are normalised separately, each cached by the matrix values that touch it. */
type Section = 'circuit' | 'camera' | 'renderer' | 'lights' | 'resolution' | 'frames' | 'output';
const SECTIONS: readonly Section[] = ['circuit', 'camera', 'renderer', 'lights', 'resolution', 'frames', 'output'];

interface Written {
  recipe: Recipe;
  item: string;
  frame: number;
}

/**
 * Compiles checked recipes into the plan. Tasks are ordered by scene, frame, task id and output
 * path, scenes by id and recipes by file, so the same recipes give the same bytes in any argument
 * order. The only problems found here are ones that need the expansion: two tasks writing one file.
 */
export function compilePlan(recipes: readonly Recipe[], _options: CompileOptions): { plan: Plan; diagnostics: Diagnostic[] } {
  const scenes = new Map<string, PlanScene>();
  const sceneIds = new Map<string, string>();
  const tasks: PlanTask[] = [];
  const planRecipes: PlanRecipe[] = [];
  const written = new Map<string, Written>();
  const duplicates = new Map<string, { first: Written; second: Written; path: string; count: number }>();

  const sorted = [...recipes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const recipe of sorted) {
    const items: PlanRecipe['items'] = [];
    const expander = new ItemExpander(recipe);
    for (const indices of itemIndices(recipe.axes)) {
      const item = expander.item(indices);
      items.push({ id: item.id, values: item.displayValues });
      let sceneId = sceneIds.get(item.circuitJson);
      if (sceneId === undefined) {
        sceneId = sha256Hex(item.circuitJson).slice(0, ID_HEX_LENGTH);
        sceneIds.set(item.circuitJson, sceneId);
        scenes.set(sceneId, { id: sceneId, circuit: item.circuit });
      }
      // Canonical JSON of {camera, frame, image, lights, renderer, resolution, scene, v}, keys in
      // sorted order, built around the frame so each task costs one concatenation and one hash.
      const head = `{"camera":${item.cameraJson},"frame":`;
      const tail = `,"image":${item.imageJson},"lights":${item.lightsJson},"renderer":${item.rendererJson},"resolution":${item.resolutionJson},"scene":"${sceneId}","v":${TASK_HASH_VERSION}}`;
      for (const frame of item.frames) {
        const time = frameTime(frame);
        const path = renderTemplate(item.template, (name) => (name === 'frame' ? frame : name === 'time' ? time : item.placeholder(name)));
        const task: PlanTask = {
          id: sha256Hex(`${head}${frame}${tail}`).slice(0, ID_HEX_LENGTH),
          sceneId,
          recipe: recipe.name,
          item: item.id,
          frame,
          camera: item.camera,
          renderer: item.renderer,
          lights: item.lights,
          resolution: item.resolution,
          image: item.image,
          output: { path, transfer: item.transfer },
          values: { ...item.taskValues, frame, time },
        };
        tasks.push(task);
        const here: Written = { recipe, item: item.id, frame };
        const first = written.get(path);
        if (!first) written.set(path, here);
        else {
          const key = `${first.recipe.name}\0${recipe.name}`;
          const known = duplicates.get(key);
          if (known) known.count += 1;
          else duplicates.set(key, { first, second: here, path, count: 1 });
        }
      }
    }
    planRecipes.push({ name: recipe.name, file: recipe.file, hash: recipe.hash, items });
  }

  const diagnostics = [...duplicates.values()].map(({ first, second, path, count }) => {
    const who = (w: Written): string => `recipe \`${w.recipe.name}\`${w.item ? ` item ${w.item}` : ''} frame ${w.frame}`;
    const more = count > 1 ? ` (and ${count - 1} more file${count > 2 ? 's' : ''})` : '';
    const outputPath = second.recipe.axes.some((a) => a.path[0] === 'output' && a.path[1] === 'path') ? ['output'] : ['output', 'path'];
    return problemAt(second.recipe.layers, {
      code: 'OUTPUT_DUPLICATE',
      path: outputPath,
      message: `two tasks write \`${path}\`: ${who(first)} and ${who(second)}${more}`,
      hint: first.recipe === second.recipe ? 'add the placeholders that tell them apart to `output.path` ({item}, {frame}, {view}, ...)' : 'give each recipe its own output path, e.g. starting with {name}/',
    });
  });

  tasks.sort(compareTasks);
  const sceneList = [...scenes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const body = { format: PLAN_FORMAT, recipes: planRecipes, scenes: sceneList, tasks };
  const plan: Plan = { format: PLAN_FORMAT, hash: canonicalHash(body), recipes: planRecipes, scenes: sceneList, tasks };
  return { plan, diagnostics: sortDiagnostics(dedupeDiagnostics(diagnostics)) };
}

function compareTasks(a: PlanTask, b: PlanTask): number {
  if (a.sceneId !== b.sceneId) return a.sceneId < b.sceneId ? -1 : 1;
  if (a.frame !== b.frame) return a.frame - b.frame;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.output.path < b.output.path ? -1 : a.output.path > b.output.path ? 1 : 0;
}

interface SectionValue {
  spec: unknown;
  json: string;
}

/** Expands the matrix items of one recipe, normalising each section once per distinct value. */
class ItemExpander {
  private readonly cache = new Map<string, SectionValue>();
  private readonly templates = new Map<string, TemplatePart[]>();
  private readonly touching: Record<Section, number[]>;

  constructor(private readonly recipe: Recipe) {
    const axes = recipe.axes;
    this.touching = Object.fromEntries(SECTIONS.map((s) => [s, axes.flatMap((a, k) => (a.path[0] === s ? [k] : []))])) as Record<Section, number[]>;
  }

  private section(section: Section, indices: readonly number[], raw: () => RawRecipe, make: (r: RawRecipe) => unknown, variant = ''): SectionValue {
    const key = `${section}${variant}:${this.touching[section].map((k) => indices[k]).join(',')}`;
    let value = this.cache.get(key);
    if (!value) {
      const spec = make(raw());
      value = { spec, json: canonicalJson(spec) };
      this.cache.set(key, value);
    }
    return value;
  }

  item(indices: readonly number[]) {
    const recipe = this.recipe;
    const axes: readonly Axis[] = recipe.axes;
    let raw: RawRecipe | undefined;
    const getRaw = (): RawRecipe => (raw ??= applyAxes(recipe.raw, axes, indices) as unknown as RawRecipe);
    const circuit = this.section('circuit', indices, getRaw, (r) => normalizeCircuit(r.circuit));
    const camera = this.section('camera', indices, getRaw, (r) => normalizeCamera(r.camera));
    const renderer = this.section('renderer', indices, getRaw, (r) => normalizeRenderer(r.renderer));
    const lights = this.section('lights', indices, getRaw, (r) => normalizeLights(r.lights));
    const resolution = this.section('resolution', indices, getRaw, (r) => normalizeResolution(r.resolution));
    const frames = this.section('frames', indices, getRaw, (r) => expandFrames(r.frames));
    const output = this.section('output', indices, getRaw, (r) => {
      const path = r.output?.path ?? DEFAULT_OUTPUT_PATH;
      const format = imageFormat(path, r.output?.format) ?? 'png';
      const image = { format, quality: format === 'png' ? null : (r.output?.quality ?? 90) };
      return { path, transfer: r.output?.transfer ?? 'download', image, imageJson: canonicalJson(image) };
    });
    const out = output.spec as { path: string; transfer: 'download' | 'server'; image: PlanTask['image']; imageJson: string };
    let template = this.templates.get(out.path);
    if (!template) {
      template = parseTemplate(out.path).parts;
      this.templates.set(out.path, template);
    }
    const id = itemId(axes, indices);
    const cameraSpec = camera.spec as PlanTask['camera'];
    const res = resolution.spec as [number, number];
    const view = viewLabel(cameraSpec.view, () => contentId(cameraSpec.view).slice(0, 8));
    const circuitSpec = circuit.spec as PlanScene['circuit'];
    const displayValues: Record<string, string | number> = {};
    const placeholders: Record<string, string | number> = {};
    axes.forEach((axis, k) => {
      const value = axis.values[indices[k] ?? 0];
      displayValues[axis.key] = displayValue(value);
      placeholders[axis.key] = placeholderValue(value);
    });
    const resolutionLabel = this.section('resolution', indices, getRaw, (r) => (typeof r.resolution === 'string' ? r.resolution : `${res[0]}x${res[1]}`), 'label');
    const builtins: Record<string, string | number> = {
      name: recipe.name,
      item: id,
      view,
      width: res[0],
      height: res[1],
      resolution: resolutionLabel.spec as string,
      camera: cameraSpec.type,
      renderer: (renderer.spec as PlanTask['renderer']).type,
      density: circuitSpec.density,
      format: out.image.format,
    };
    return {
      id,
      displayValues,
      taskValues: { name: recipe.name, item: id, view, ...displayValues },
      // Built-in names win: `{view}` is `top` or `view-<hash>` whether or not the matrix sets the view.
      placeholder: (name: string): string | number => builtins[name] ?? placeholders[name] ?? '',
      circuit: circuitSpec,
      circuitJson: circuit.json,
      camera: cameraSpec,
      cameraJson: camera.json,
      renderer: renderer.spec as PlanTask['renderer'],
      rendererJson: renderer.json,
      lights: lights.spec as PlanTask['lights'],
      lightsJson: lights.json,
      resolution: res,
      resolutionJson: resolution.json,
      frames: frames.spec as number[],
      template,
      transfer: out.transfer,
      image: out.image,
      imageJson: out.imageJson,
    };
  }
}
