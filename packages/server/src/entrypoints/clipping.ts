import type { Vec3 } from '@render-recipes/protocol';
import { invalidParams } from '../protocol/errors.js';
import { CLIP_BOUNDED_PLANE, CLIP_BOX, CLIP_CAPSULE, CLIP_PLANE, CLIP_SPHERE, type ClippingModel } from '../render/clipping.js';
import type { SceneModel, SceneState, Transform } from '../state/scene.js';
import { isIdentity, transformPoint } from '../state/transform.js';
import { modelJson, modelsChanged } from './models.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/**
 * Clipping geometry: R3's (AddClippingGeometryEntrypoint, AddClipPlaneEntrypoint and
 * ClearClippingGeometriesEntrypoint @3.10.1) and R2's clip planes (the same two entrypoints @3.0.0,
 * rendered by the same OSPRay 2.10). A clipping model is a model like any other: its id
 * comes from the same factory, it is listed by get-scene, moved or hidden with update-model and
 * removed with remove-model or clear-models; clear-renderables and clear-lights keep it.
 */

/** What one clipping model removes: its primitives (render/clipping.ts layout) and side. */
export interface ClippingGeometry {
  kind: ClippingModel['kind'];
  values: number[];
  invertNormals: boolean;
}

interface Box {
  min: Vec3;
  max: Vec3;
}

/** Any primitive of the five schemas (validated before it gets here). */
interface Primitive {
  coefficients: number[];
  bounds: Box;
  min: Vec3;
  max: Vec3;
  center: Vec3;
  radius: number;
  p0: Vec3;
  r0: number;
  p1: Vec3;
  r1: number;
}

function flatten(kind: ClippingModel['kind'], p: Primitive): number[] {
  switch (kind) {
    case CLIP_PLANE:
      return p.coefficients;
    case CLIP_BOUNDED_PLANE:
      return [...p.coefficients, ...p.bounds.min, ...p.bounds.max];
    case CLIP_BOX:
      return [...p.min, ...p.max];
    case CLIP_SPHERE:
      return [...p.center, p.radius];
    case CLIP_CAPSULE:
      return [...p.p0, p.r0, ...p.p1, p.r1];
  }
}

function addClipping(method: string, kind: ClippingModel['kind']): Entrypoint {
  return entrypoint<{ primitives: Primitive[]; invert_normals: boolean }>({
    method,
    async: false,
    run: ({ params, server }) => {
      // Brayns reads the first primitive of the list unchecked (undefined behaviour on an empty list).
      if (params.primitives.length === 0) throw invalidParams(`${method}: 'primitives' is empty; give at least one primitive to clip with`);
      const clipping = { kind, values: params.primitives.flatMap((primitive) => flatten(kind, primitive)), invertNormals: params.invert_normals };
      return reply(modelJson(server, addClippingModel(server.state.scene, 'clip_geometry', clipping, () => modelsChanged(server))));
    },
  });
}

function addClippingModel(
  scene: SceneState,
  type: 'clip_geometry' | 'clipping_geometry',
  clipping: ClippingGeometry,
  changed: () => void,
): SceneModel {
  const model = scene.addModel({
    type,
    circuit: null,
    light: null,
    clipping,
    loadInfo: { source: 'none', path: '', loaderName: '', loadParameters: null },
    metadata: {},
  });
  changed();
  return model;
}

const clearClipping = (method: string): Entrypoint =>
  entrypoint({
    method,
    async: false,
    run: ({ server }) => {
      server.state.scene.removeWhere((m) => m.clipping !== undefined);
      modelsChanged(server);
      return reply(null);
    },
  });

/** R2 (3.0.0) and, deprecated, R3: one plane per model ('clipping_geometry'), and their clear. */
export const clipPlaneEntrypoints = (): Entrypoint[] => [
  entrypoint<{ coefficients: number[] }>({
    method: 'add-clip-plane',
    async: false,
    run: ({ params, server }) => {
      const clipping: ClippingGeometry = { kind: CLIP_PLANE, values: [...params.coefficients], invertNormals: false };
      return reply(modelJson(server, addClippingModel(server.state.scene, 'clipping_geometry', clipping, () => modelsChanged(server))));
    },
  }),
  clearClipping('clear-clip-planes'),
];

/** R3 (3.10.1). */
export const clippingEntrypoints = (): Entrypoint[] => [
  addClipping('add-clipping-planes', CLIP_PLANE),
  addClipping('add-clipping-bounded-planes', CLIP_BOUNDED_PLANE),
  addClipping('add-clipping-boxes', CLIP_BOX),
  addClipping('add-clipping-spheres', CLIP_SPHERE),
  addClipping('add-clipping-capsules', CLIP_CAPSULE),
  clearClipping('clear-clipping-geometries'),
  ...clipPlaneEntrypoints(),
];

/**
 * World-to-model map of a transform (p' = T + R S p, so p = S^-1 R^T (p' - T)) as a 3x4 row-major
 * affine; null for the identity, undefined when a zero scale flattens the model (nothing to clip with).
 */
function toLocal(t: Transform): number[] | null | undefined {
  if (isIdentity(t)) return null;
  if (t.scale.some((s) => s === 0)) return undefined;
  const turn = { rotation: t.rotation, scale: [1, 1, 1] as Vec3, translation: [0, 0, 0] as Vec3 };
  const out: number[] = [];
  for (let i = 0; i < 3; i++) {
    // Row i of R^T is R's column i, the image of the i-th axis.
    const axis = transformPoint(turn, [i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0]);
    const row = axis.map((v) => v / t.scale[i]!);
    out.push(...row, -(row[0]! * t.translation[0] + row[1]! * t.translation[1] + row[2]! * t.translation[2]));
  }
  return out;
}

/** The visible clipping models of the scene as the renderer takes them (hidden ones clip nothing, as in Brayns). */
export function renderClipping(models: readonly SceneModel[]): ClippingModel[] {
  const out: ClippingModel[] = [];
  for (const model of models) {
    if (!model.visible || model.clipping === undefined) continue;
    const local = toLocal(model.transform);
    if (local === undefined) continue;
    out.push({ ...model.clipping, toLocal: local });
  }
  return out;
}
