// An in-process FAKE Brayns instance for the runner benchmarks (labelled as fake wherever it is
// used): it answers every snapshot with a 1-pixel PNG, so a bench measures the runner, not a
// renderer. It implements what the executor calls, including the connect-time load check
// (get-loaders, the `schema` of add-model), so it breaks loudly when that interface grows.
const pngBytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

const sleep = (ms) => new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));

/** `connect` for runPlan's effects: a fake client whose loads take `loadMs` and renders `renderMs`. */
export function fakeConnect({ loadMs = 0, renderMs = 0 } = {}) {
  const model = { id: 0, bounds: { min: [0, 0, 0], max: [100, 100, 100] }, metadata: {}, visible: true };
  return async (uri) => ({
    uri,
    version: { major: 3, minor: 10, patch: 1, revision: 'fake' },
    revision: 'R3',
    // Both loaders, taking any properties; no published add-model schema: the load check passes.
    getLoaders: async () => ['BBP loader', 'SONATA loader'].map((name) => ({ name, extensions: [], schema: {} })),
    loadRequest: (circuit) => ({ method: 'add-model', params: { path: circuit.path } }),
    request: async () => ({}),
    loadCircuit: async () => (await sleep(loadMs), [model]),
    getScene: async () => ({ bounds: model.bounds, models: [model] }),
    clearModels: async () => undefined,
    clearLights: async () => undefined,
    addLight: async () => undefined,
    snapshot: async () => (await sleep(renderMs), pngBytes),
    close: async () => undefined,
  });
}
