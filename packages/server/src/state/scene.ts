import type { Bounds, ColorRamp, ResolvedLight } from '@render-recipes/protocol';
import type { Vec3 } from '@render-recipes/protocol';
import type { LoadedCircuit } from '../scene/types.js';
import { IdFactory } from './id-factory.js';
import { transformBounds } from './transform.js';

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
 * circuit with one cell per primitive) or (R2/R3) a light, which Brayns treats as a model.
 */
export interface SceneModel {
  id: number;
  type: 'neurons' | 'geometry' | 'light';
  circuit: LoadedCircuit | null;
  light: ResolvedLight | null;
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

  lights(): ResolvedLight[] {
    const asModels = this.list().flatMap((m) => (m.light ? [m.light] : []));
    return [...this.standaloneLights.values(), ...asModels];
  }

  /** World-space bounds of one model (transform applied); models without geometry report zeros. */
  modelBounds(model: SceneModel): Bounds {
    if (!model.circuit) return zeroBounds();
    return transformBounds(model.circuit.bounds, model.transform);
  }

  /** Union of the models with geometry, or null when there is none. */
  bounds(): Bounds | null {
    let out: Bounds | null = null;
    for (const model of this.list()) {
      if (!model.circuit) continue;
      const b = this.modelBounds(model);
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
