import { Option } from '@commander-js/extra-typings';
import { RenderRecipesError } from '../../errors.js';
import { API_VERSIONS, formatReadyLine, isApiVersion, type ApiVersion } from '@render-recipes/protocol';
import type { LatencySimulation } from '@render-recipes/server';
// The limits module alone: the server package itself is loaded only when serve starts.
import { DEFAULT_LIMITS, describePixels } from '@render-recipes/server/limits';
import type { RegisterCommand } from '../context.js';
import { integerOption } from '../integer-option.js';
import { print } from '../io.js';
import { keepYoungGenerationSmall } from '../young-generation.js';

function latency(value: string): LatencySimulation {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  if (!match) {
    throw new RenderRecipesError('USAGE', `expected --latency-sim to be LOAD_MS,RENDER_MS (two integers, e.g. 200,50), got '${value}'`);
  }
  return { loadMs: Number(match[1]), renderMs: Number(match[2]) };
}

/** `8192x8192` (a width and height whose product is the limit) or a plain pixel count. */
function pixels(value: string): number {
  const match = /^\s*(\d+)\s*(?:[xX]\s*(\d+)\s*)?$/.exec(value);
  const count = match ? Number(match[1]) * (match[2] === undefined ? 1 : Number(match[2])) : NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RenderRecipesError('USAGE', `expected --max-pixels to be WIDTHxHEIGHT (e.g. 8192x8192) or a pixel count of at least 1, got '${value}'`);
  }
  return count;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes, with an optional binary unit: `16M` is 16 MiB. */
function bytes(value: string): number {
  const match = /^\s*(\d+)\s*([kKmMgG]?)(?:i?[bB])?\s*$/.exec(value);
  const count = match ? Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number) : NaN;
  if (!Number.isSafeInteger(count) || count < 64) {
    throw new RenderRecipesError('USAGE', `expected --max-message-size to be a size of at least 64 bytes (e.g. 16M, 1048576), got '${value}'`);
  }
  return count;
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
    .option('--port <port>', 'port to listen on; 0 picks a free one', integerOption('--port', 0, 65535), 5000)
    .addOption(new Option('--api <version>', `Brayns API revision to speak (${API_VERSIONS.join(', ')})`).argParser(api).default<ApiVersion>('3.10.1'))
    .option('--max-clients <n>', 'sessions served at once (more wait, like Brayns)', integerOption('--max-clients', 1), 2)
    .option('--render-threads <n>', 'render worker threads (0 = render on the main thread; default: all cores)', integerOption('--render-threads', 0))
    .option('--latency-sim <load_ms,render_ms>', 'benchmark mode: loads and snapshots take fixed times and draw nothing', latency)
    .option('--max-pixels <WxH|n>', `largest image rendered (default ${describePixels(DEFAULT_LIMITS.maxPixels)})`, pixels)
    .option('--max-samples <n>', `most samples_per_pixel / ao_samples a render may use (default ${DEFAULT_LIMITS.maxSamples})`, integerOption('--max-samples', 1))
    .option('--max-json-depth <n>', `deepest JSON nesting of a message (default ${DEFAULT_LIMITS.maxJsonDepth})`, integerOption('--max-json-depth', 2))
    .option('--max-message-size <bytes>', `largest incoming message, e.g. 16M; a larger one closes the connection (default ${DEFAULT_LIMITS.maxMessageBytes / 1024 ** 2}M)`, bytes)
    .addOption(new Option('--image-encoder <name>', 'PNG/JPEG encoder: sharp (fast), or brayns (stb_image_write as Brayns: the same bytes as Brayns for the same pixels; PNG ~10x slower)').choices(['sharp', 'brayns'] as const).default('sharp' as const))
    .option('--idle-timeout <s>', `seconds before a session with nothing in flight is closed; 0 = never (default ${DEFAULT_LIMITS.idleTimeoutMs / 1000})`, integerOption('--idle-timeout', 0, Math.floor((2 ** 31 - 1) / 1000)))
    .action(async (options) => {
      // Before the server package grows the young generation (young-generation.ts).
      keepYoungGenerationSmall();
      // Loaded here so other commands do not pay for the server package (renderer, h5wasm, sharp).
      const { configureImageEncoder, configureRenderer, disposeRenderer, startServer } = await import('@render-recipes/server');
      if (options.renderThreads !== undefined) configureRenderer({ workers: options.renderThreads });
      configureImageEncoder(options.imageEncoder);
      const running = await startServer({
        host: options.host,
        port: options.port,
        api: options.api,
        maxClients: options.maxClients,
        latency: options.latencySim ?? null,
        limits: {
          ...(options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels }),
          ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
          ...(options.maxJsonDepth === undefined ? {} : { maxJsonDepth: options.maxJsonDepth }),
          ...(options.maxMessageSize === undefined ? {} : { maxMessageBytes: options.maxMessageSize }),
          ...(options.idleTimeout === undefined ? {} : { idleTimeoutMs: options.idleTimeout * 1000 }),
        },
        log: (line) => print(ctx.io.stderr, `[serve] ${line}`),
      });
      const sim = options.latencySim;
      const note = sim ? `latency simulation: load ${sim.loadMs} ms, render ${sim.renderMs} ms` : '';
      print(ctx.io.stdout, formatReadyLine(running.url, running.api, note));
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
