import type { Rgba } from '@render-recipes/protocol';
import { internalError } from '../protocol/errors.js';
import { boundedPlaneModel, boxModel, capsuleModel, planeModel, sphereModel, type BoundedPlane, type Box, type Capsule, type Plane, type Sphere } from '../scene/core/primitives.js';
import type { LoadedCircuit } from '../scene/types.js';
import { freezeColors, sharedColors } from '../render/frozen-colors.js';
import type { SceneModel } from '../state/scene.js';
import { findModel, modelJson, modelsChanged } from './models.js';
import { entrypoint, reply, type Entrypoint, type ServerContext } from './types.js';

/**
 * R3 core geometry and colouring (AddGeometryEntrypoint.h, ColorModelEntrypoint and the colour
 * methods of engine/colormethods@3.10.1): `add-spheres`, `add-capsules`, `add-boxes`, `add-planes`,
 * `add-bounded-planes`, `color-model`,
 * `get-color-methods`, `get-color-values`.
 */

interface WithColor<G> {
  geometry: G;
  color: Rgba;
}

function addGeometry<G>(method: string, build: (list: G[]) => LoadedCircuit): Entrypoint {
  return entrypoint<WithColor<G>[]>({
    method,
    async: false,
    run: ({ params, server }) => {
      // Never changed in place (color-model replaces it): renders read it without a copy.
      const colors = sharedColors(params.length);
      params.forEach((item, i) => colors.set(item.color, i * 4));
      const model = server.state.scene.addModel({
        type: 'geometry',
        circuit: build(params.map((p) => p.geometry)),
        light: null,
        colors: freezeColors(colors),
        loadInfo: { source: 'none', path: '', loaderName: '', loadParameters: null },
        metadata: {},
      });
      modelsChanged(server);
      return reply(modelJson(server, model));
    },
  });
}

/** Colour methods per model type, in Brayns' order (geometry models: solid, then per primitive). */
function colorMethods(model: SceneModel): string[] {
  if (model.type === 'geometry') return ['solid', 'primitive'];
  if (model.type === 'neurons') return ['solid'];
  return [];
}

function colorValues(model: SceneModel, method: string): string[] {
  if (method === 'solid') return ['color'];
  const count = model.circuit?.gids.length ?? 0;
  return [`0-${count - 1}`];
}

function requireMethod(model: SceneModel, method: string): void {
  if (!colorMethods(model).includes(method)) throw internalError(`Color method '${method}' not found`);
}

/** Brayns' index ranges: "3", "0-5" (inclusive), comma-separated lists of either. */
function parseRange(range: string, count: number): number[] {
  const out: number[] = [];
  for (const part of range.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw internalError(`Invalid range '${range}'`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let i = Math.min(first, last); i <= Math.max(first, last); i++) out.push(i);
  }
  if (out.length === 0 || Math.max(...out) >= count) throw internalError(`Range out of bounds: ${range}`);
  return out;
}

function cellColors(model: SceneModel, server: ServerContext): Float32Array {
  const count = model.circuit?.gids.length ?? 0;
  if (model.colors && model.colors.length === count * 4) return model.colors;
  const colors = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) colors.set(server.persona.models.defaultColor, i * 4);
  return colors;
}

interface ColorModelParams {
  id: number;
  method: string;
  values: Record<string, Rgba>;
}

export const coreGeometryEntrypoints = (): Entrypoint[] => [
  addGeometry<Sphere>('add-spheres', sphereModel),
  addGeometry<Capsule>('add-capsules', capsuleModel),
  addGeometry<Box>('add-boxes', boxModel),
  addGeometry<Plane>('add-planes', planeModel),
  addGeometry<BoundedPlane>('add-bounded-planes', boundedPlaneModel),
  entrypoint<ColorModelParams>({
    method: 'color-model',
    async: false,
    run: ({ params, server }) => {
      const model = findModel(server, params.id);
      requireMethod(model, params.method);
      const entries = Object.entries(params.values);
      // GenericColorSystem::apply@3.10.1.
      if (entries.length === 0) throw internalError('Color input cannot be empty');
      // A new array (the current one may be in a render's hands), never changed once set.
      const current = cellColors(model, server);
      const colors = sharedColors(current.length / 4);
      colors.set(current);
      if (params.method === 'solid') {
        const color = params.values['color'];
        if (color === undefined) throw internalError("Missing solid method input key 'color'");
        for (let i = 0; i < colors.length; i += 4) colors.set(color, i);
      } else {
        const count = colors.length / 4;
        for (const [range, color] of entries) for (const i of parseRange(range, count)) colors.set(color, i * 4);
      }
      model.colors = freezeColors(colors);
      // A model coloured by hand no longer shows its simulation (Brayns replaces its colour data).
      model.simulationEnabled = false;
      return reply(null);
    },
  }),
  entrypoint<{ id: number }>({
    method: 'get-color-methods',
    async: false,
    run: ({ params, server }) => reply(colorMethods(findModel(server, params.id))),
  }),
  entrypoint<{ id: number; method: string }>({
    method: 'get-color-values',
    async: false,
    run: ({ params, server }) => {
      const model = findModel(server, params.id);
      requireMethod(model, params.method);
      return reply(colorValues(model, params.method));
    },
  }),
];
