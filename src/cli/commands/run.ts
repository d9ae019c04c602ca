import { resolve } from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { connect } from '../../brayns/connect.js';
import { EXIT, RenderRecipesError, type ExitCode } from '../../errors.js';
import { buildMovies } from '../../movie/build.js';
import { requireFfmpeg } from '../../movie/ffmpeg.js';
import { checkOutputPaths } from '../../output/safe-path.js';
import { acquireInstances } from '../../run/acquire.js';
import { defaultEffects } from '../../run/effects.js';
import { runPlan } from '../../run/executor.js';
import { namedInstances } from '../../run/instance-sources.js';
import { checkOutDir } from '../../run/out-dir.js';
import { parseShard, shardFromEnv, shardPlan } from '../../run/shard.js';
import { taskStatus } from '../../run/task-status.js';
import type { RegisterCommand } from '../context.js';
import { ALLOW_FRAMES, NO_PREFLIGHT, preflightFrom } from '../preflight-options.js';
import { integerOption } from '../integer-option.js';
import { createReporter } from '../run-reporter.js';
import { loadPlan } from '../load-plan.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `render-recipes run`: render a plan's snapshots across Brayns instances, resumably. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('run')
    .description('Render recipes across Brayns instances (the built-in server when none is given), skipping what is up to date.')
    .argument('[recipes...]', 'recipe files or folders of recipes')
    .option('-o, --out <dir>', 'output directory (images, manifest)', 'renders')
    .option('--instance <uri>', 'a Brayns instance (host:port or ws://...); repeatable', collect)
    .option('--instances-file <file>', 'file with one instance URI per line (# comments)')
    .option('--launch <n>', 'start N local servers (from --brayns-cmd, or the built-in server)', integerOption('--launch', 1))
    .option('--brayns-cmd <template>', "command template with {port}, e.g. 'braynsService --uri 0.0.0.0:{port} --plugin braynsCircuitExplorer'")
    .option('--slurm', 'inside a Slurm allocation: start one server per allocated task and render on all')
    .option('--shard <i/n>', 'render only shard i of n (default from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT)')
    .option('--plan <file>', 'a compiled plan (`render-recipes plan --json`) instead of recipes')
    .option('--manifest <file>', 'manifest path (default <out>/manifest.json, or manifest.shard-i-of-n.json)')
    .option('--force', 're-render tasks whose outputs are up to date')
    .option('--fail-fast', 'stop at the first task that fails for good (default: keep going, report at the end)')
    .option('--json', 'print one JSON event per line on stdout')
    .option('--no-gallery', 'do not write the HTML gallery <out>/index.html (e.g. for very large sweeps; `render-recipes gallery` writes it later)')
    .option(...NO_PREFLIGHT)
    .option(...ALLOW_FRAMES)
    .addOption(new Option('--attempts <n>', 'attempts per task, each on another instance when possible').argParser(integerOption('--attempts', 1)).default(3))
    .addOption(new Option('--load-timeout <s>', 'seconds a scene load may take').argParser(integerOption('--load-timeout', 1)).default(1800))
    .addOption(new Option('--render-timeout <s>', 'seconds one snapshot may take').argParser(integerOption('--render-timeout', 1)).default(600))
    .addOption(
      new Option('--stall-floor <s>', 'a snapshot with no reply and no progress for 10x the median snapshot time, and at least this many seconds, goes to another instance')
        .argParser(integerOption('--stall-floor', 1))
        .default(30),
    )
    .addOption(
      new Option('--reconnect-window <s>', 'seconds an instance that went down is tried again (with backoff) before it is set aside; one back in time rejoins')
        .argParser(integerOption('--reconnect-window', 0))
        .default(120),
    )
    .action(async (recipes, options) => {
      const { io } = ctx;
      const fullPlan = await loadPlan(recipes, options.plan, io, preflightFrom(options));
      // Before rendering anything: a movie without ffmpeg would only fail at the very end.
      const movieTools = (fullPlan.movies ?? []).length > 0 ? requireFfmpeg(io.env, 'the plan makes movies') : null;
      const shard = options.shard !== undefined ? parseShard(options.shard) : shardFromEnv(io.env);
      const plan = shardPlan(fullPlan, shard);
      const outDir = resolve(io.cwd, options.out);
      await checkOutDir(outDir);
      const reporter = createReporter(io, { json: options.json === true });
      // Before any server starts: no task may write outside --out (exit 2 otherwise).
      await checkOutputPaths(outDir, plan.tasks.map((t) => t.output.path));
      const status = await taskStatus(plan, outDir, { force: options.force === true, shard });
      const pending = plan.tasks.filter((t) => status.get(t.id)?.action === 'render');
      const named = await namedInstances(options, io.env, io.cwd);
      const instances =
        pending.length === 0
          ? { uris: [], stop: () => Promise.resolve() }
          : await acquireInstances({
              named,
              ...(options.launch !== undefined ? { launch: options.launch } : {}),
              ...(options.braynsCmd !== undefined ? { braynsCmd: options.braynsCmd } : {}),
              ...(options.slurm === true
                ? {
                    slurm: async (launch) => {
                      const { launchAllocationInstances } = await import('../../slurm/allocation.js');
                      return launchAllocationInstances({ ...launch, onEvent: (event) => reporter.onEvent(event) });
                    },
                  }
                : {}),
              env: io.env,
              signal: io.signal,
              work: { scenes: new Set(pending.map((t) => t.sceneId)).size, tasks: pending.length },
              onNote: (text) => reporter.note(text),
            }).catch((error: unknown) => {
              if (io.signal.aborted) throw new RenderRecipesError('CANCELLED', 'interrupted while starting Brayns instances; nothing was rendered');
              throw error;
            });
      try {
        const summary = await runPlan(
          plan,
          {
            outDir,
            instances: instances.uris,
            shard,
            status,
            failFast: options.failFast === true,
            gallery: options.gallery !== false,
            signal: io.signal,
            onEvent: (event) => reporter.onEvent(event),
            maxAttempts: options.attempts,
            loadTimeoutMs: options.loadTimeout * 1000,
            renderTimeoutMs: options.renderTimeout * 1000,
            stallFloorMs: options.stallFloor * 1000,
            reconnectWindowMs: options.reconnectWindow * 1000,
            ...(options.manifest !== undefined ? { manifestPath: resolve(io.cwd, options.manifest) } : {}),
          },
          defaultEffects((uri, { signal, onEvent }) => connect(uri, { signal, retries: 1, onEvent })),
        );
        let exit: ExitCode = EXIT.ok;
        if (summary.interrupted) exit = EXIT.interrupted;
        // Every failure a server's missing capability (the SONATA loader on a 2.0.0 server, say): exit 5, as probe does.
        else if (summary.failed > 0 && summary.rendered === 0 && summary.failures.every((f) => f.code === 'CAPABILITY')) exit = EXIT.capability;
        else if (summary.failed > 0) exit = EXIT.renderFailed;
        else if (summary.pending > 0 && summary.instances.every((i) => i.setAside)) {
          // A server that refuses the plan's loads (its own loaders and schemas say so) outranks one that is down.
          exit = summary.instances.some((i) => i.refused !== undefined) ? EXIT.capability : EXIT.unreachable;
        } else if (summary.pending > 0) exit = EXIT.renderFailed;
        if (movieTools && !summary.interrupted) {
          const movies = await buildMovies(fullPlan, { outDir, tools: movieTools, shard, force: options.force === true, signal: io.signal, onEvent: (event) => reporter.onEvent(event) });
          // A movie that cannot be built is a failed output of the run, like a failed frame.
          if (movies.failed > 0 && exit === EXIT.ok) exit = EXIT.renderFailed;
        }
        ctx.setExitCode(exit);
      } finally {
        reporter.close();
        await instances.stop();
      }
    });
};
