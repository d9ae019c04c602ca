import { JsonRpcError, RPC } from '../protocol/errors.js';
import type { EngineRules } from '../personas/types.js';
import type { RendererObject } from '../state/engine.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/** The main renderer: interactive (OSPRay scivis) or production (pathtracer). */

/** A fresh renderer of that type: the revision's defaults overridden by the keys the client sent. */
export function freshRenderer(type: RendererObject['type'], sent: unknown, engine: EngineRules): RendererObject {
  const defaults = type === 'interactive' ? engine.interactiveDefaults() : engine.productionDefaults();
  return { type, params: { ...defaults, ...(sent as object) } } as RendererObject;
}

function rendererEntrypoints(type: RendererObject['type']): Entrypoint[] {
  return [
    entrypoint({
      method: `get-renderer-${type}`,
      async: false,
      run: ({ server }) => {
        const renderer = server.state.renderer;
        // Same quirk as the camera: the message names the type the renderer has.
        if (renderer.type !== type) throw new JsonRpcError(RPC.invalidRequest, `Invalid renderer type (should be '${renderer.type}')`);
        return reply(renderer.params);
      },
    }),
    entrypoint({
      method: `set-renderer-${type}`,
      async: false,
      run: ({ raw, server }) => {
        const current = server.state.renderer;
        server.state.renderer =
          current.type === type
            ? ({ type, params: { ...current.params, ...(raw as object) } } as RendererObject)
            : freshRenderer(type, raw, server.persona.engine);
        return reply(null);
      },
    }),
  ];
}

export const allRendererEntrypoints = (): Entrypoint[] => [
  ...rendererEntrypoints('interactive'),
  ...rendererEntrypoints('production'),
  entrypoint({ method: 'get-renderer-type', async: false, run: ({ server }) => reply(server.state.renderer.type) }),
];
