import type { MaterialState } from '../state/material.js';
import type { Bounds, ResolvedLight, Revision, Rgb, Vec3, View } from '@render-recipes/protocol';
import type { RendererSpec } from '@render-recipes/protocol';
import type { ClippingModel } from '../render/clipping.js';
import type { ColorPipeline } from '../render/color-pipeline.js';
import type { PixelSample } from '../render/pixel-sample.js';
import type { ValueRamp } from './reports/value-ramp.js';

/**
 * The contract between the built-in server's protocol layer (src/server/protocol, entrypoints:
 * JSON-RPC, validation, model ids, camera/renderer state) and its scene layer (src/server/scene:
 * circuit files, cell selection, spikes, geometry; src/server/render: the CPU renderer).
 */

/** BBP loader inputs after the protocol layer applied the revision's schema defaults. */
export interface BbpLoadRequest {
  revision: Revision;
  path: string;
  percentage: number;
  /** null = not given (R1: an empty list also means not given; R2/R3 reject empty lists before this). */
  gids: number[] | null;
  targets: string[] | null;
  report: { type: 'none' } | { type: 'spikes'; transitionTime: number } | { type: 'compartment'; name: string };
  radiusMultiplier: number;
  /** Decided by the protocol layer with the revision's trigger rule. */
  sphereMode: boolean;
  sections: { soma: boolean; axon: boolean; dendrites: boolean };
}

/**
 * "SONATA loader" inputs (R3 schema 3.10.1/loaders/sonata-loader.json in @render-recipes/protocol) after the
 * protocol layer applied its defaults, plus the path given to `add-model`. Keys keep the wire
 * spelling so the validated `loader_properties` can be passed through as they are.
 */
export interface SonataLoadRequest {
  path: string;
  node_population_settings: SonataNodePopulationSettings[];
}

export interface SonataNodePopulationSettings {
  node_population: string;
  /** Default 0.01; ignored when node_ids is given. */
  node_percentage: number;
  node_ids?: number[];
  node_sets?: string[];
  node_count_limit?: number;
  report_type:
    | 'none'
    | 'spikes'
    | 'compartment'
    | 'summation'
    | 'synapse'
    | 'bloodflow_pressure'
    | 'bloodflow_speed'
    | 'bloodflow_radii';
  report_name?: string;
  /** ms, default 1. */
  spike_transition_time: number;
  neuron_morphology_parameters: {
    load_soma: boolean;
    load_axon: boolean;
    load_dendrites: boolean;
    radius_multiplier: number;
    geometry_type?: 'original' | 'smooth' | 'section_smooth' | 'constant_radii' | 'spheres';
    resampling?: number;
    subsampling?: number;
    growth?: number;
  };
  edge_populations?: { edge_population: string; load_afferent: boolean; edge_percentage?: number; edge_report_name?: string; radius?: number }[];
  vasculature_geometry_parameters?: { radius_multiplier: number };
}

export interface LoadContext {
  signal: AbortSignal;
  onProgress: (operation: string, amount: number) => void;
}

/** Geometry ready for the renderer. Each primitive belongs to one cell (for its colour). */
export interface SphereGeometry {
  /** xyz per sphere. */
  centers: Float32Array;
  radii: Float32Array;
  /** Index into the model's colour list, per sphere: the cell, or with a compartment report the sphere's own slot. */
  cell: Uint32Array;
  /** Compartment-report section per sphere (-1 soma, MorphIO section id + 1); absent in sphere mode. */
  section?: Int32Array;
}

/** Cones/capsules between two points (neurite segments); empty in sphere mode. */
export interface ConeGeometry {
  /** xyz of both ends per cone: [x0,y0,z0,x1,y1,z1]. */
  ends: Float32Array;
  /** radius at each end. */
  radii: Float32Array;
  cell: Uint32Array;
  /** Compartment-report section per cone (-1 soma, MorphIO section id + 1); absent in sphere mode. */
  section?: Int32Array;
}

/**
 * A light of the scene: the recipe-level lights plus Brayns 3.10.1's area lights (`add-light-quad`,
 * `add-light-sphere`), which only the built-in server's scene knows.
 */
export type SceneLight =
  | ResolvedLight
  | { type: 'quad'; color: Rgb; intensity: number; position: Vec3; edge1: Vec3; edge2: Vec3 }
  | { type: 'sphere'; color: Rgb; intensity: number; position: Vec3; radius: number };

/** Kinds of `ShapeGeometry` entries. */
export const SHAPE_BOX = 0;
export const SHAPE_BOUNDED_PLANE = 1;
export const SHAPE_PLANE = 2;

/**
 * Brayns' core boxes, bounded planes and (infinite) planes, kept in model space: under a rotation a
 * box stays a box only in its own frame, so the renderer intersects rays moved into that frame.
 */
export interface ShapeGeometry {
  /** SHAPE_* per shape. */
  kind: Uint8Array;
  /** [minx, miny, minz, maxx, maxy, maxz] per shape (the box, or a bounded plane's bounds; unused for planes). */
  boxes: Float32Array;
  /** Plane [a, b, c, d] of the points with ax + by + cz + d = 0 per shape (unused for boxes). */
  planes: Float32Array;
  cell: Uint32Array;
  /** Model -> world transform the shapes are drawn with (moved copies of a model); absent = identity. */
  transform?: { rotation: [number, number, number, number]; scale: Vec3; translation: Vec3 };
}

export interface SimulationRange {
  /** ms */
  startTime: number;
  endTime: number;
  /** ms per frame (0.01 for BBP spikes). */
  dt: number;
  /** R3 SONATA spike reports report no unit (''). */
  unit: 'ms' | '';
}

export interface LoadedCircuit {
  gids: Uint32Array;
  bounds: Bounds;
  spheres: SphereGeometry;
  cones: ConeGeometry;
  /** Boxes and planes (`add-boxes`, `add-planes`, `add-bounded-planes`); absent for circuits. */
  shapes?: ShapeGeometry;
  /** Loader metadata values (targets, loaded count) for the model object. */
  targets: string[];
  simulation: SimulationRange | null;
  /**
   * RGBA per cell (4 floats each) at a simulation frame, or null when the model has no report.
   * Frame -> time follows the revision's rule, applied by the caller: `time` is in ms. `ramp` is
   * the model's ramp (a `set-color-ramp` ramp sampled to 256 entries, with its value range; spikes
   * use only the table, as Brayns' SpikeIndexer does); default Brayns' ramp.
   */
  colorsAt(time: number, ramp?: ValueRamp): Float32Array | null;
  /**
   * How many colours `colorsAt` returns and the geometry's `cell` arrays index: one per cell unless
   * a compartment report colours every primitive on its own (then one per primitive).
   */
  colorCount?: number;
  /** With `colorCount`: the cell (index into `gids`) each colour slot belongs to. */
  slotCells?: Uint32Array;
}

/** The cell (index into `gids`) that the geometry's colour slot `slot` belongs to. */
export function cellOfSlot(circuit: LoadedCircuit, slot: number): number {
  return circuit.slotCells ? (circuit.slotCells[slot] ?? slot) : slot;
}

/**
 * `nearClip`: distance along each ray where it starts (OSPRay's camera nearClip); absent or 0 = none.
 * `region`: the part of the full image window shown, as fractions of its width (left to right) and
 * height (top to bottom); absent = all of it. A reversed range mirrors the image.
 */
export type RenderCamera = ({ type: 'perspective'; fovy: number } | { type: 'orthographic'; height: number }) & {
  view: View;
  nearClip?: number;
  region?: { x: [number, number]; yTop: [number, number] };
};

export interface RenderModel {
  circuit: LoadedCircuit;
  /** RGBA per cell, from `colorsAt` or the revision's default colour. */
  colors: Float32Array;
  /** The model's material (R3 `set-material-*`); absent = opaque diffuse. */
  material?: MaterialState;
}

export interface RenderRequest {
  /** How linear colours become pixels (the revision's tone mapping and sRGB); absent = round(255 * clamp(v)). */
  colorPipeline?: ColorPipeline;
  /** Where a one-sample render samples inside each pixel; absent = the centre. */
  pixelSample?: PixelSample;
  /** Whose sample sequence renders of several samples follow (OSPRay's, in that revision's row order); absent = stratified jitter. */
  sampleSequence?: Revision;
  width: number;
  height: number;
  camera: RenderCamera;
  renderer: RendererSpec;
  lights: SceneLight[];
  models: RenderModel[];
  /** Visible clipping models in world space (R3 `add-clipping-*`); absent or empty = no clipping. */
  clipping?: ClippingModel[];
}

export interface RenderContext {
  signal: AbortSignal;
  onProgress: (amount: number) => void;
}

/** Top-down RGBA8 pixels. */
export interface RenderedImage {
  width: number;
  height: number;
  rgba: Uint8Array;
  /** The renderer's background RGBA in [0, 1]; JPEG encoding composites transparent pixels over it. */
  background?: [number, number, number, number];
}

/** A cell placed in the circuit, as the morphology builder needs it. */
export interface PlacedCell {
  /** Index of the cell in the model (the colour index of its geometry). */
  index: number;
  position: [number, number, number];
  /** Unit quaternion [x, y, z, w] (MVD2 Y rotations and SONATA angles converted by the circuit reader). */
  rotation: [number, number, number, number];
  /** Morphology name as the circuit gives it (resolved to a file by the builder), or an absolute path. */
  morphology: string;
}

export interface MorphologyBuildOptions {
  revision: Revision;
  /** Directory holding the morphology files (BlueConfig MorphologyPath, SONATA morphologies_dir). */
  morphologyDir: string;
  /** File type from the circuit (BlueConfig MorphologyType: 'asc', 'swc', 'h5'), null = probe asc/swc/h5. */
  morphologyType: string | null;
  radiusMultiplier: number;
  sections: { soma: boolean; axon: boolean; dendrites: boolean };
  /**
   * R2/R3 `neuron_morphology_parameters.geometry_type`; undefined = the revision's default
   * (R1 always smooths; R2/R3 default 'smooth').
   */
  geometryType?: 'original' | 'smooth' | 'section_smooth' | 'constant_radii' | 'spheres';
  signal: AbortSignal;
  onProgress: (amount: number) => void;
}

/**
 * Implemented in src/server/scene/morphology/index.ts:
 *   buildMorphologyGeometry(cells: PlacedCell[], options: MorphologyBuildOptions)
 *     : Promise<{ spheres: SphereGeometry; cones: ConeGeometry }>
 * Each morphology file is read once and instanced at every cell that uses it.
 */
export interface MorphologyGeometry {
  spheres: SphereGeometry;
  cones: ConeGeometry;
}
