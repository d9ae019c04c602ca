import { replaceFramebuffer } from '../state/framebuffer.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/**
 * R3 framebuffer modes (network/entrypoints/FramebufferEntrypoint.cpp@3.10.1). They shape the engine
 * framebuffer that `render-image` reads (state/framebuffer-mode.ts); snapshots render into their own.
 */
export const framebufferEntrypoints = (): Entrypoint[] => [
  entrypoint<{ scale: number }>({
    method: 'set-framebuffer-progressive',
    async: false,
    run: ({ params, server }) => {
      // A new frame handler starts cleared: its next frame is the low-resolution one.
      server.state.framebuffer = { type: 'progressive', scale: params.scale, lowResNext: true };
      replaceFramebuffer(server.state);
      return reply(null);
    },
  }),
  entrypoint({
    method: 'set-framebuffer-static',
    async: false,
    run: ({ server }) => {
      server.state.framebuffer = { type: 'static' };
      replaceFramebuffer(server.state);
      return reply(null);
    },
  }),
];
