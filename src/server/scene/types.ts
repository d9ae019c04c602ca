import type { Bounds, ResolvedLight, Revision, View } from '../../brayns/types.js';
import type { RendererSpec } from '../../plan/types.js';

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

export interface LoadContext {
  signal: AbortSignal;
  onProgress: (operation: string, amount: number) => void;
}

/** Geometry ready for the renderer. Each primitive belongs to one cell (for its colour). */
export interface SphereGeometry {
  /** xyz per sphere. */
  centers: Float32Array;
  radii: Float32Array;
  /** Index into the model's cell list, per sphere. */
  cell: Uint32Array;
}

/** Cones/capsules between two points (neurite segments); empty in sphere mode. */
export interface ConeGeometry {
  /** xyz of both ends per cone: [x0,y0,z0,x1,y1,z1]. */
  ends: Float32Array;
  /** radius at each end. */
  radii: Float32Array;
  cell: Uint32Array;
}

export interface SimulationRange {
  /** ms */
  startTime: number;
  endTime: number;
  /** ms per frame (0.01 for BBP spikes). */
  dt: number;
  unit: 'ms';
}

export interface LoadedCircuit {
  gids: Uint32Array;
  bounds: Bounds;
  spheres: SphereGeometry;
  cones: ConeGeometry;
  /** Loader metadata values (targets, loaded count) for the model object. */
  targets: string[];
  simulation: SimulationRange | null;
  /**
   * RGBA per cell (4 floats each) at a simulation frame, or null when the model has no report.
   * Frame -> time follows the revision's rule, applied by the caller: `time` is in ms.
   */
  colorsAt(time: number): Float32Array | null;
}

export type RenderCamera =
  | { type: 'perspective'; fovy: number; view: View }
  | { type: 'orthographic'; height: number; view: View };

export interface RenderModel {
  circuit: LoadedCircuit;
  /** RGBA per cell, from `colorsAt` or the revision's default colour. */
  colors: Float32Array;
}

export interface RenderRequest {
  width: number;
  height: number;
  camera: RenderCamera;
  renderer: RendererSpec;
  lights: ResolvedLight[];
  models: RenderModel[];
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
}
