import { applyAxes, bindTemplate, DEFAULT_OUTPUT_PATH, displayValue, expandFrames, imageFormat, ItemIds, parseTemplate, placeholderValue, renderTemplate, type RawRecipe, type Recipe, type TemplatePart } from '../recipe/index.js';
import { normalizeCameraPath, type CameraPath } from './camera-path.js';
import { canonicalJson, contentId } from '../canonical-json.js';
import { normalizeCamera, normalizeCircuit, normalizeLights, normalizeRenderer, normalizeResolution, viewLabel } from './normalize.js';
import { normalizeOverlay } from './figures.js';
import type { CameraSpec, CircuitSpec, LightSpec, MovieCodec, OverlaySpec, PlanTask, RendererSpec } from './types.js';

/** The sections of a recipe that are normalised separately, each cached by the matrix values that touch it. */
type Section = 'circuit' | 'camera' | 'renderer' | 'lights' | 'resolution' | 'frames' | 'output' | 'overlay';
const SECTIONS: readonly Section[] = ['circuit', 'camera', 'renderer', 'lights', 'resolution', 'frames', 'output', 'overlay'];

interface Cached<T> {
  spec: T;
  json: string;
  /** Distinct per cached value within one recipe: tasks with equal serials share serialised pieces. */
  serial: number;
}

interface OutputSection {
  path: string;
  movie: { parts: TemplatePart[]; fps: number; codec: MovieCodec; crf: number } | null;
  transfer: 'download' | 'server';
  image: PlanTask['image'];
  parts: TemplatePart[];
}

/** One matrix item, normalised: what every task of the item shares. */
export interface Item {
  id: string;
  /** Matrix values as the plan shows them. */
  displayValues: Record<string, string | number>;
  /** `values` of the item's tasks, without frame and time. */
  taskValues: Record<string, string | number>;
  circuit: Cached<CircuitSpec>;
  camera: Cached<CameraSpec>;
  /** The camera's path over the frames, or null for a still camera. */
  cameraPath: CameraPath | null;
  renderer: Cached<RendererSpec>;
  lights: Cached<LightSpec[]>;
  resolution: Cached<[number, number]>;
  frames: number[];
  image: Cached<PlanTask['image']>;
  transfer: 'download' | 'server';
  /** The output template with everything but {frame} and {time} filled in. */
  template: TemplatePart[];
  /** Null when the recipe has no `overlay`. */
  overlay: Cached<OverlaySpec | null>;
  /** The movie of the item's frames, its path template filled in; null without `output.movie`. */
  movie: ItemMovie | null;
}

export interface ItemMovie {
  path: string;
  fps: number;
  codec: MovieCodec;
  crf: number;
}

/**
 * Expands the matrix items of one recipe. Each section is normalised once per distinct set of
 * matrix values that touch it, and the resulting objects are shared by every item and task using
 * them: a 100,000-task sweep holds a handful of camera objects, not 100,000.
 */
export class ItemExpander {
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly touching: Record<Section, number[]>;
  private readonly ids: ItemIds;
  /** Per matrix key and value: how the plan shows it and what it gives a placeholder. */
  private readonly shown: (string | number)[][];
  private readonly placeholders: (string | number)[][];

  constructor(private readonly recipe: Recipe) {
    this.ids = new ItemIds(recipe.axes);
    this.shown = recipe.axes.map((a) => a.values.map(displayValue));
    this.placeholders = recipe.axes.map((a) => a.values.map(placeholderValue));
    this.touching = Object.fromEntries(SECTIONS.map((s) => [s, recipe.axes.flatMap((a, k) => (a.path[0] === s ? [k] : []))])) as Record<Section, number[]>;
  }

  private section<T>(section: Section, indices: readonly number[], raw: () => RawRecipe, make: (r: RawRecipe) => T, variant = ''): Cached<T> {
    const touching = this.touching[section];
    // Most sections depend on no matrix key or on one: build the cache key without joining.
    const key = touching.length === 0 ? `${section}${variant}` : touching.length === 1 ? `${section}${variant}:${indices[touching[0] ?? 0]}` : `${section}${variant}:${touching.map((k) => indices[k]).join(',')}`;
    let value = this.cache.get(key) as Cached<T> | undefined;
    if (!value) {
      const spec = make(raw());
      value = { spec, json: canonicalJson(spec), serial: this.cache.size };
      this.cache.set(key, value);
    }
    return value;
  }

  item(indices: readonly number[]): Item {
    const recipe = this.recipe;
    const axes = recipe.axes;
    let raw: RawRecipe | undefined;
    const getRaw = (): RawRecipe => (raw ??= applyAxes(recipe.raw, axes, indices) as unknown as RawRecipe);
    const circuit = this.section('circuit', indices, getRaw, (r) => normalizeCircuit(r.circuit));
    const camera = this.section('camera', indices, getRaw, (r) => normalizeCamera(r.camera));
    const cameraPath = this.section('camera', indices, getRaw, (r) => normalizeCameraPath(r.camera), 'path');
    const renderer = this.section('renderer', indices, getRaw, (r) => normalizeRenderer(r.renderer));
    const lights = this.section('lights', indices, getRaw, (r) => normalizeLights(r.lights));
    const resolution = this.section('resolution', indices, getRaw, (r) => normalizeResolution(r.resolution));
    const label = this.section('resolution', indices, getRaw, (r) => (typeof r.resolution === 'string' ? r.resolution : resolution.spec.join('x')), 'label');
    const frames = this.section('frames', indices, getRaw, (r) => expandFrames(r.frames));
    const output = this.section('output', indices, getRaw, (r): OutputSection => {
      const path = r.output?.path ?? DEFAULT_OUTPUT_PATH;
      const format = imageFormat(path, r.output?.format) ?? 'png';
      const movie = r.output?.movie;
      return {
        path,
        transfer: r.output?.transfer ?? 'download',
        image: { format, quality: format === 'png' ? null : (r.output?.quality ?? 90) },
        parts: parseTemplate(path).parts,
        movie: movie ? { parts: parseTemplate(movie.path).parts, fps: movie.fps ?? 25, codec: movie.codec ?? defaultCodec(movie.path), crf: movie.crf ?? 18 } : null,
      };
    });
    const image = this.section('output', indices, getRaw, () => output.spec.image, 'image');
    // The legend depends on whether the circuit has a report: keyed by the circuit's serial too.
    const overlay = this.section('overlay', indices, getRaw, (r) => normalizeOverlay(r.overlay, circuit.spec.report.type !== 'none') ?? null, `@${circuit.serial}`);

    const id = this.ids.id(indices);
    const view = viewLabel(camera.spec.view, () => contentId(camera.spec.view).slice(0, 8));
    const displayValues: Record<string, string | number> = {};
    const placeholders: Record<string, string | number> = {};
    axes.forEach((axis, k) => {
      displayValues[axis.key] = this.shown[k]?.[indices[k] ?? 0] ?? '';
      placeholders[axis.key] = this.placeholders[k]?.[indices[k] ?? 0] ?? '';
    });
    // Built-in names win: `{view}` is `top` or `view-<hash>` whether or not the matrix sets the view.
    const builtins: Record<string, string | number> = {
      name: recipe.name,
      item: id,
      view,
      width: resolution.spec[0],
      height: resolution.spec[1],
      resolution: label.spec,
      camera: camera.spec.type,
      renderer: renderer.spec.type,
      density: circuit.spec.density,
      format: output.spec.image.format,
    };
    const fill = (name: string): string | number | undefined => (name === 'frame' || name === 'time' ? undefined : (builtins[name] ?? placeholders[name] ?? ''));
    const template = bindTemplate(output.spec.parts, fill);
    const movieSpec = output.spec.movie;
    const movie = movieSpec ? { path: renderTemplate(bindTemplate(movieSpec.parts, fill), () => ''), fps: movieSpec.fps, codec: movieSpec.codec, crf: movieSpec.crf } : null;
    return {
      id,
      displayValues,
      taskValues: { name: recipe.name, item: id, view, ...displayValues },
      circuit,
      camera,
      cameraPath: cameraPath.spec,
      renderer,
      lights,
      resolution,
      frames: frames.spec,
      image,
      transfer: output.spec.transfer,
      template,
      overlay,
      movie,
    };
  }
}

/** vp9 for WebM (the only codec of the three it holds), h264 everywhere else. */
export function defaultCodec(path: string): MovieCodec {
  return path.toLowerCase().endsWith('.webm') ? 'vp9' : 'h264';
}
