import { JsonRpcError, RPC } from '../protocol/errors.js';
import type { RequestId } from '../personas/types.js';
import { entrypoint, reply } from './types.js';

/** Introspection and lifecycle: get-version, registry, schema, cancel, quit, exit-later. */

export const getVersion = entrypoint({
  method: 'get-version',
  async: false,
  run: ({ server }) => reply(server.persona.version),
});

export const registry = entrypoint({
  method: 'registry',
  async: false,
  run: ({ server }) => reply(server.persona.entrypoints.map((e) => e.method)),
});

export const schema = entrypoint<{ endpoint: string }>({
  method: 'schema',
  async: false,
  run: ({ params, server }) => {
    const found = server.schemas.get(params.endpoint);
    if (!found) throw new JsonRpcError(RPC.methodNotFound, server.persona.wire.unknownSchemaEndpoint(params.endpoint));
    return reply(found);
  },
});

/** Priority method: it acts on the queue and the running request, so it cannot wait in the queue. */
export const cancel = entrypoint<{ id: RequestId | null }>({
  method: 'cancel',
  async: false,
  priority: true,
  run: ({ params, cancelRequest, afterReply }) => {
    afterReply(cancelRequest(params.id));
    return reply(null);
  },
});

export const quit = entrypoint({
  method: 'quit',
  async: false,
  run: ({ server, afterReply }) => {
    afterReply(() => server.quit());
    return reply(null);
  },
});

export const exitLater = entrypoint<{ minutes: number }>({
  method: 'exit-later',
  async: false,
  run: ({ params, server }) => {
    server.exitLater(params.minutes);
    return reply(null);
  },
});
