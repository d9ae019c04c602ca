import { entrypoint, reply, type Entrypoint } from './types.js';

/** Simulation and application parameters. */

interface SimulationSet {
  current?: number;
  start_frame?: number;
  end_frame?: number;
}

export const simulationEntrypoints = (): Entrypoint[] => [
  entrypoint({
    method: 'get-simulation-parameters',
    async: false,
    run: ({ server }) => {
      const s = server.state.simulation;
      return reply({ current: s.current, dt: s.dt, end_frame: s.endFrame, start_frame: s.startFrame, unit: s.unit });
    },
  }),
  entrypoint<SimulationSet>({
    method: 'set-simulation-parameters',
    async: false,
    // Read-only keys never get here as values: R1/R2 schemas ignore them, R3 rejects them.
    run: ({ raw, server }) => {
      const sent = raw as SimulationSet;
      const s = server.state.simulation;
      if (typeof sent.start_frame === 'number') s.startFrame = sent.start_frame;
      if (typeof sent.end_frame === 'number') s.endFrame = sent.end_frame;
      if (typeof sent.current === 'number') s.current = sent.current;
      return reply(null);
    },
  }),
];

interface ApplicationSet {
  viewport?: [number, number];
  jpeg_quality?: number;
}

export const applicationEntrypoints = (): Entrypoint[] => [
  entrypoint({
    method: 'get-application-parameters',
    async: false,
    run: ({ server }) => reply(server.persona.application.toJson(server.state.application)),
  }),
  entrypoint<ApplicationSet>({
    method: 'set-application-parameters',
    async: false,
    run: ({ raw, server }) => {
      const sent = raw as ApplicationSet;
      const app = server.state.application;
      if (sent.viewport) app.viewport = [sent.viewport[0], sent.viewport[1]];
      if (typeof sent.jpeg_quality === 'number') app.jpegQuality = sent.jpeg_quality;
      return reply(null);
    },
  }),
];
