import { main } from './main.js';

/** The only place that touches `process.exit` and signals. */
export function run(): void {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    // A second Ctrl-C means "now": do not wait for cleanup.
    if (interrupts > 1) process.exit(130);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  endQuietlyWhenOutputCloses(controller);
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * `render-recipes plan --json | head`: once the reader has gone, nobody wants the rest. An EPIPE
 * on stdout would otherwise surface as an unhandled 'error' event with a stack trace. The command
 * is cancelled like Ctrl-C (so `run` still stops its servers and removes temp files) and what it
 * would still print is dropped.
 */
function endQuietlyWhenOutputCloses(controller: AbortController): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stream.destroy();
      controller.abort(new Error(`${stream === process.stdout ? 'stdout' : 'stderr'} was closed by its reader`));
    });
  }
}
