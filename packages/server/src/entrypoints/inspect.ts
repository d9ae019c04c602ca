import { pick } from '../render/pick.js';
import { cellOfSlot } from '../scene/types.js';
import { transformCircuit } from '../state/transform.js';
import { renderCamera } from './render-request.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/** The camera window as a whole: inspect maps the position through the region itself. */
const WHOLE_WINDOW = { image_start: [0, 1] as [number, number], image_end: [1, 0] as [number, number] };

/**
 * R3 `inspect` (InspectEntrypoint@3.10.1): OSPRay's framebuffer pick at a normalised position of
 * the current camera, whose (0, 0) is the start of the camera's image region. With R3's default
 * region (start (0, 1), end (1, 0)) that is the top-left corner of the image Brayns writes. A hit
 * on a circuit's cell answers `{neuron_id}` (NeuronInspectSystem); core geometry has no inspect
 * system, so its metadata is null, as is everything but `hit` when nothing is hit.
 */
export const inspect: Entrypoint = entrypoint<{ position: [number, number] }>({
  method: 'inspect',
  async: false,
  run: async ({ params, server }) => {
    const { camera, scene, application } = server.state;
    const [x, y] = params.position;
    const { image_start: start, image_end: end } = camera.region;
    const u = start[0] + (end[0] - start[0]) * x;
    const up = start[1] + (end[1] - start[1]) * y;
    const models = scene.list().flatMap((m) => (m.visible && m.circuit ? [{ id: m.id, circuit: transformCircuit(m.circuit, m.transform) }] : []));
    const [width, height] = application.viewport;
    const hit = await pick(models, renderCamera(camera.object, camera.view, camera.nearClip, WHOLE_WINDOW), width, height, u, 1 - up);
    if (hit === null) return reply({ hit: false, position: [0, 0, 0], model_id: 0, metadata: null });
    const model = scene.get(hit.modelId);
    const circuit = model?.circuit;
    const neuron = model?.type === 'neurons' && circuit ? circuit.gids[cellOfSlot(circuit, hit.cell)] : undefined;
    return reply({ hit: true, position: hit.position, model_id: hit.modelId, metadata: neuron === undefined ? null : { neuron_id: neuron } });
  },
});
