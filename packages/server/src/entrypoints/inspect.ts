import { pick } from '../render/pick.js';
import type { SceneModel } from '../state/scene.js';
import { transformCircuit } from '../state/transform.js';
import { renderCamera } from './render-request.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/**
 * R3 `inspect` (network/entrypoints/InspectEntrypoint.cpp@3.10.1): a pick through the engine's
 * camera at the application resolution. Only circuits have an inspect system (CircuitExplorer's
 * NeuronInspectSystem: `{neuron_id}`); other models answer null metadata.
 */
function metadataOf(model: SceneModel, cell: number): unknown {
  if (model.type !== 'neurons' || !model.circuit) return null;
  const gid = model.circuit.gids[cell];
  return gid === undefined ? null : { neuron_id: gid };
}

export const inspect: Entrypoint = entrypoint<{ position: [number, number] }>({
  method: 'inspect',
  async: false,
  run: async ({ params, server }) => {
    const { state } = server;
    const models = state.scene.list().filter((m) => m.visible && m.circuit);
    const [width, height] = state.application.viewport;
    const cam = state.camera;
    const hit = await pick(
      models.map((m) => transformCircuit(m.circuit!, m.transform)),
      renderCamera(cam.object, cam.view, cam.nearClip, cam.region),
      width,
      height,
      params.position[0],
      params.position[1],
    );
    if (!hit) return reply({ hit: false, model_id: 0, position: [0, 0, 0], metadata: null });
    const model = models[hit.index]!;
    return reply({ hit: true, model_id: model.id, position: hit.position, metadata: metadataOf(model, hit.cell) });
  },
});
