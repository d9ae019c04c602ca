import { simulatedLoad } from '../loaders/latency.js';
import type { LoadContext } from '../scene/types.js';
import { prepareModel } from '../render/index.js';
import { modelJson, modelsChanged } from './models.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

interface AddModelParams {
  path: string;
  loader_name: string;
  loader_properties: unknown;
}

/** add-model (async): loads a circuit through the named loader and answers a list of model objects. */
export const addModel: Entrypoint = entrypoint<AddModelParams>({
  method: 'add-model',
  async: true,
  run: async (call) => {
    const { params, server } = call;
    const { loaders } = server.persona;
    const loader = loaders.resolve(params.path, params.loader_name, loaders.loaders);
    const prepared = loader.prepare(params.path, params.loader_properties, call);
    const ctx: LoadContext = { signal: call.signal, onProgress: (operation, amount) => call.progress(operation, amount) };
    const circuits = server.latency ? await simulatedLoad(prepared, ctx, server.latency.loadMs) : await prepared.load(ctx);
    call.signal.throwIfAborted();
    // The acceleration structure is part of loading: built now (in the render workers), the first
    // snapshot does not pay for it. Brayns too has its BVH committed before it answers.
    await Promise.all(circuits.map((circuit) => prepareModel(circuit, call.signal)));
    const models = circuits.map((circuit, index) =>
      server.state.scene.addModel({
        type: 'neurons',
        circuit,
        light: null,
        loadInfo: { source: 'from_file', path: params.path, loaderName: loader.name, loadParameters: prepared.loadParameters },
        metadata: prepared.metadata(circuit, index),
      }),
    );
    modelsChanged(server);
    return reply(models.map((model) => modelJson(server, model)));
  },
});

export const getLoaders: Entrypoint = entrypoint({
  method: 'get-loaders',
  async: false,
  run: ({ server }) => reply(server.persona.loaders.loaders.map((l) => l.info)),
});
