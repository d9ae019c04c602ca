import { Option } from '@commander-js/extra-typings';
import { RenderRecipesError } from '../../errors.js';
import { API_VERSIONS, isApiVersion, type ApiVersion } from '@render-recipes/protocol';
import type { LatencySimulation } from '@render-recipes/server';
import type { RegisterCommand } from '../context.js';
import { print } from '../io.js';

function integer(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new RenderRecipesError('USAGE', `expected ${flag} to be an integer in [${min}, ${max}], got '${value}'`);
    }
    return parsed;
  };
}

function latency(value: string): LatencySimulation {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  if (!match) {
    throw new RenderRecipesError('USAGE', `expected --latency-sim to be LOAD_MS,RENDER_MS (two integers, e.g. 200,50), got '${value}'`);
  }
  return { loadMs: Number(match[1]), renderMs: Number(match[2]) };
}

function api(value: string): ApiVersion {
  if (!isApiVersion(value)) {
    throw new RenderRecipesError('USAGE', `expected --api to be one of ${API_VERSIONS.join(', ')}, got '${value}'`);
  }
  return value;
}

/** `render-recipes serve`: the built-in Brayns-compatible backend, until SIGINT/SIGTERM or `quit`. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('Run the built-in Brayns-compatible server (BBP/SONATA circuits, spike colours, CPU rendering).')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', integer('--port', 0, 65535), 5000)
    .addOption(new Option('--api <version>', `Brayns API revision to speak (${API_VERSIONS.join(', ')})`).argParser(api).default<ApiVersion>('3.10.1'))
    .option('--max-clients <n>', 'sessions served at once (more wait, like Brayns)', integer('--max-clients', 1), 2)
    .option('--render-threads <n>', 'render worker threads (0 = render on the main thread; default: all cores)', integer('--render-threads', 0))
    .option('--latency-sim <load_ms,render_ms>', 'benchmark mode: loads and snapshots take fixed times and draw nothing', latency)
    .action(async (options) => {
      // Loaded here so other commands do not pay for the server package (renderer, h5wasm, sharp).
      const { configureRenderer, disposeRenderer, startServer } = await import('@render-recipes/server');
      if (options.renderThreads !== undefined) configureRenderer({ workers: options.renderThreads });
      const running = await startServer({
        host: options.host,
        port: options.port,
        api: options.api,
        maxClients: options.maxClients,
        latency: options.latencySim ?? null,
        log: (line) => print(ctx.io.stderr, `[serve] ${line}`),
      });
      const sim = options.latencySim;
      const label = sim ? ` (latency simulation: load ${sim.loadMs} ms, render ${sim.renderMs} ms)` : '';
      print(ctx.io.stdout, `render-recipes serve: listening on ${running.url} (Brayns API ${running.api})${label}`);
      const { signal } = ctx.io;
      const interrupted = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.race([running.closed, interrupted]);
      await running.close();
      await disposeRenderer();
    });
};
