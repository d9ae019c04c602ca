/**
 * The compiled plan: plain, serialisable data. The runner reads it and never writes run state back
 * onto it. Every field here is revision-neutral: the Brayns client maps it onto each protocol
 * revision's wire shapes.
 */
export const PLAN_FORMAT = 'render-recipes/plan@1';

import type { RendererSpec, Rgb, Rgba, Vec3 } from '@render-recipes/protocol';
import type { ImageFormat, MovieCodec } from '../recipe/index.js';

export type { Vec3, Rgb, Rgba, RendererSpec } from '@render-recipes/protocol';

/** The BBP/SONATA loader inputs of one circuit, as a recipe asks for them. */
export interface CircuitSpec {
  /** Absolute path of the BlueConfig/CircuitConfig (or SONATA circuit_config.json), as the Brayns host sees it. */
  path: string;
  loader: 'bbp' | 'sonata';
  /** Fraction of the selected cells to load, in (0, 1]. */
  density: number;
  /** Named targets (BBP) or node sets (SONATA); null = not given. */
  targets: string[] | null;
  /** Explicit cell ids; null = not given. */
  gids: number[] | null;
  report: ReportSpec;
  radiusMultiplier: number;
  /** null = one sphere per soma (no morphology files read); otherwise the sections to load. */
  morphology: { soma: boolean; axon: boolean; dendrites: boolean } | null;
}

/**
 * A report's colour ramp, sent to the server after loading (`set-color-ramp`). Absent from the
 * report spec when the recipe keeps Brayns' default, so plans and ids of such recipes are unchanged.
 */
export interface ColormapSpec {
  /** The ramp's name when given by name (for legends and provenance), else null. */
  name: string | null;
  colors: Rgba[];
  range: [number, number];
}

export type ReportSpec =
  | { type: 'none' }
  | { type: 'spikes'; transitionTime: number; colormap?: ColormapSpec }
  | { type: 'compartment'; name: string; colormap?: ColormapSpec };

export type OverlayPosition = 'top-left' | 'top' | 'top-right' | 'right' | 'bottom-right' | 'bottom' | 'bottom-left' | 'left';

/** What is drawn onto every image of a task (recipe `overlay`), every default filled in; null = left out. */
export interface OverlaySpec {
  scaleBar: { lengthUm: number | 'auto'; position: OverlayPosition } | null;
  time: { format: string; position: OverlayPosition } | null;
  /** Drawn only for circuits with a report (null otherwise). */
  legend: { position: 'right' | 'left' | 'top' | 'bottom' } | null;
  title: { text: string; position: OverlayPosition; size: number } | null;
  /** Composite onto this colour first (null = keep the alpha channel). */
  background: Rgba | null;
  /** Also write the image without overlay as `<stem>.raw.png`. */
  keepRaw: boolean;
}

/** Recipe `output.contact_sheet`: one grid image of every output of the recipe. */
export interface ContactSheetSpec {
  /** Relative to the run's output directory, '/' separated, placeholders filled in. */
  path: string;
  columns: number | 'auto';
  label: boolean;
}

/** A circuit with its exact loader inputs; loaded once per instance that renders its tasks. */
export interface PlanScene {
  /** Hash of `circuit`. */
  id: string;
  circuit: CircuitSpec;
}

export type ViewDirection = 'front' | 'back' | 'left' | 'right' | 'top' | 'bottom';

/**
 * Where the camera looks from. `full-screen` and `direction` are resolved at run time from the
 * loaded model's bounds (the client's framing rule), since bounds are only known after loading.
 */
export type ViewSpec =
  | { kind: 'full-screen' }
  | { kind: 'direction'; direction: ViewDirection; distance: number }
  | { kind: 'explicit'; position: Vec3; target: Vec3; up: Vec3 }
  /** One frame of a camera orbit: `around` resolved, then turned `degrees` about `axis` through its target. */
  | { kind: 'orbit'; around: ViewSpec; axis: 'x' | 'y' | 'z'; degrees: number }
  /** One frame between two keyframes: both resolved, then blended by `weight` in (0, 1). */
  | { kind: 'blend'; from: ViewSpec; to: ViewSpec; weight: number };

export type CameraSpec =
  | { type: 'perspective'; fovy: number; view: ViewSpec }
  /** `height` null = framed from the model bounds like the view. */
  | { type: 'orthographic'; height: number | null; view: ViewSpec };

export type LightSpec =
  | { type: 'ambient'; color: Rgb; intensity: number }
  /** `space: 'camera'` directions are relative to the view (x right, y up, z towards the viewer). */
  | { type: 'directional'; color: Rgb; intensity: number; direction: Vec3; space: 'world' | 'camera' };

export type { ImageFormat, MovieCodec };

export interface PlanTask {
  /** Hash of everything that changes the pixels: scene, frame, camera, renderer, lights, resolution, image. */
  id: string;
  sceneId: string;
  /** Name of the recipe the task comes from. */
  recipe: string;
  /** Stable id of the matrix item ('' when the recipe has no matrix). */
  item: string;
  /** Simulation frame index (Brayns spike reports advance 0.01 ms per frame). */
  frame: number;
  camera: CameraSpec;
  renderer: RendererSpec;
  lights: LightSpec[];
  resolution: [number, number];
  image: { format: ImageFormat; quality: number | null };
  output: {
    /** Relative to the run's output directory, '/' separated. */
    path: string;
    /** download: the client writes the file; server: the Brayns host writes it on its own disk. */
    transfer: 'download' | 'server';
  };
  /** The template values this task was made with (name, view, frame, matrix fields). */
  values: Record<string, string | number>;
  /** Present only when the recipe has `overlay` (part of the task id then). */
  overlay?: OverlaySpec;
}

export interface PlanRecipe {
  name: string;
  /** Path of the recipe file relative to the working directory, '/' separated. */
  file: string;
  /** Hash of the fully resolved recipe (after extends/defaults). */
  hash: string;
  /** What the matrix expanded to: one entry per item. */
  items: { id: string; values: Record<string, string | number> }[];
  /** Present only when the recipe asks for one. */
  contactSheet?: ContactSheetSpec;
}


/**
 * A movie assembled from the frame tasks of one matrix item, once they are all rendered. Its id is a
 * hash of the frames' task ids (in order) and the movie settings: a changed frame or setting gives a
 * new id, and a movie file carrying the current id is up to date.
 */
export interface PlanMovie {
  id: string;
  recipe: string;
  item: string;
  /** Relative to the run's output directory, '/' separated. */
  path: string;
  fps: number;
  codec: MovieCodec;
  crf: number;
  /** Width and height of every frame. */
  size: [number, number];
  /** The frame tasks in movie order, with the file each writes. */
  frames: { task: string; frame: number; path: string }[];
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  /** Hash of the plan's canonical JSON without this field. */
  hash: string;
  /** Present only when a recipe asks for a movie, so plans without movies keep their hashes. */
  movies?: PlanMovie[];
  recipes: PlanRecipe[];
  scenes: PlanScene[];
  tasks: PlanTask[];
}
