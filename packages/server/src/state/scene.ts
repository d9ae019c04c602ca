import type { Bounds, ColorRamp, ResolvedLight } from '@render-recipes/protocol';
import type { Vec3 } from '@render-recipes/protocol';
import type { ClippingGeometry } from '../entrypoints/clipping.js';
import { emptyBoundsV1 } from '../personas/model-json.js';
import type { LoadedCircuit, SceneLight } from '../scene/types.js';
import { IdFactory } from './id-factory.js';
import type { MaterialState } from './material.js';
import { isEmpty, transformBounds } from './transform.js';

export interface Transform {
  /** Quaternion [x, y, z, w]. */
  rotation: [number, number, number, number];
  scale: Vec3;
  translation: Vec3;
}

export const identityTransform = (): Transform => ({ rotation: [0, 0, 0, 1], scale: [1, 1, 1], translation: [0, 0, 0] });

export interface LoadInfo {
  source: 'from_file' | 'from_blob' | 'none';
  path: string;
  loaderName: string;
  loadParameters: unknown;
}

/**
 * One model of the shared scene: a loaded circuit, core geometry (R3 `add-spheres`...; drawn like a
 * circuit with one cell per primitive), (R2/R3) a light, which Brayns treats as a model, or (R3)
 * clipping geometry (`add-clipping-*`: 'clip_geometry', the deprecated `add-clip-plane`: 'clipping_geometry').
 */
export interface SceneModel {
  id: number;
  type: 'neurons' | 'geometry' | 'light' | 'clip_geometry' | 'clipping_geometry';
  circuit: LoadedCircuit | null;
  light: SceneLight | null;
  /** What a clipping model removes from the rendered scene. */
  clipping?: ClippingGeometry;
  /** RGBA per cell set by `add-*` geometry or `color-model`; absent = the revision's default colour. */
  colors?: Float32Array;
  visible: boolean;
  transform: Transform;
  loadInfo: LoadInfo;
  metadata: Record<string, string>;
  simulationEnabled: boolean;
  /** The report's colour ramp set with `set-color-ramp` (null = Brayns' default), and its 256-entry table. */
  colorRamp: ColorRamp | null;
  colorTable: Float32Array | null;
  /** Set with `set-material-*` (R3); absent on a model with geometry = Brayns' default Phong. */
  material?: MaterialState;
}

export type NewModel = Omit<SceneModel, 'id' | 'visible' | 'transform' | 'simulationEnabled' | 'colorRamp' | 'colorTable'>;

const zeroBounds = (): Bounds => ({ min: [0, 0, 0], max: [0, 0, 0] });

/** Models and lights shared by every client (Brayns has one scene per process). */
export class SceneState {
  private readonly models = new Map<number, SceneModel>();
  private readonly modelIds = new IdFactory();
  /** R1 lights live outside the model list, with their own ids. */
  private readonly standaloneLights = new Map<number, ResolvedLight>();
  private readonly lightIds = new IdFactory();

  addModel(init: NewModel): SceneModel {
    const model: SceneModel = { ...init, id: this.modelIds.take(), visible: true, transform: identityTransform(), simulationEnabled: true, colorRamp: null, colorTable: null };
    this.models.set(model.id, model);
    return model;
  }

  /**
   * A new model sharing `source`'s data (the same geometry and colour arrays, light, report), as
   * Brayns' ModelInstance copy does, at `transform`.
   */
  instantiate(source: SceneModel, transform: Transform): SceneModel {
    const model: SceneModel = { ...source, id: this.modelIds.take(), transform };
    this.models.set(model.id, model);
    return model;
  }

  get(id: number): SceneModel | undefined {
    return this.models.get(id);
  }

  list(): SceneModel[] {
    return [...this.models.values()].sort((a, b) => a.id - b.id);
  }

  /** Removes every listed model, or none when one of them does not exist (returns the missing id). */
  remove(ids: readonly number[]): number | null {
    const missing = ids.find((id) => !this.models.has(id));
    if (missing !== undefined) return missing;
    for (const id of new Set(ids)) {
      this.models.delete(id);
      this.modelIds.release(id);
    }
    return null;
  }

  removeWhere(predicate: (model: SceneModel) => boolean): void {
    this.remove(this.list().filter(predicate).map((m) => m.id));
  }

  addStandaloneLight(light: ResolvedLight): number {
    const id = this.lightIds.take();
    this.standaloneLights.set(id, light);
    return id;
  }

  clearLights(): void {
    this.standaloneLights.clear();
    this.lightIds.reset();
    this.removeWhere((m) => m.type === 'light');
  }

  lights(): SceneLight[] {
    const asModels = this.list().flatMap((m) => (m.light ? [m.light] : []));
    return [...this.standaloneLights.values(), ...asModels];
  }

  /**
   * World-space bounds of one model (transform applied). Models without geometry report zeros,
   * a quad light its corners (QuadLight.cpp@3.10.1), and geometry that has no bounds (infinite
   * planes) Brayns' empty box, min above max.
   */
  modelBounds(model: SceneModel): Bounds {
    if (model.light?.type === 'quad') return transformBounds(quadBounds(model.light), model.transform);
    // A clipping model has no bounds system in Brayns: it reports the empty box (Bounds.cpp@3.10.1).
    if (!model.circuit) return model.clipping ? emptyBoundsV1() : zeroBounds();
    return transformBounds(model.circuit.bounds, model.transform);
  }

  /** Union of the models with bounds (geometry, quad lights), or null when there is none. */
  bounds(): Bounds | null {
    let out: Bounds | null = null;
    for (const model of this.list()) {
      if (!model.circuit && model.light?.type !== 'quad') continue;
      const b = this.modelBounds(model);
      if (isEmpty(b)) continue;
      out = out
        ? {
            min: [Math.min(out.min[0], b.min[0]), Math.min(out.min[1], b.min[1]), Math.min(out.min[2], b.min[2])],
            max: [Math.max(out.max[0], b.max[0]), Math.max(out.max[1], b.max[1]), Math.max(out.max[2], b.max[2])],
          }
        : b;
    }
    return out;
  }
}

function quadBounds(light: { position: Vec3; edge1: Vec3; edge2: Vec3 }): Bounds {
  const [p, e1, e2] = [light.position, light.edge1, light.edge2];
  const corners = [p, add(p, e1), add(p, e2), add(add(p, e1), e2)];
  const axis = (a: number, pick: (...v: number[]) => number): number => pick(...corners.map((c) => c[a]!));
  return { min: [axis(0, Math.min), axis(1, Math.min), axis(2, Math.min)], max: [axis(0, Math.max), axis(1, Math.max), axis(2, Math.max)] };
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
