import cliProgress from 'cli-progress';
import type { MovieEvent } from '../movie/index.js';
import type { RunEvent, RunSummary } from '../run/index.js';
import type { SlurmEvent } from '../slurm/index.js';
import { type CliIo, print } from './io.js';

/**
 * How `render-recipes run` shows a run: `--json` prints every event as one JSON line on stdout; a
 * TTY gets a progress bar with ETA plus one line per instance (what it is doing, how much it did);
 * anything else (logs, CI) gets plain lines. The library's events are the only input; the CLI's
 * own notes (servers started, ...) are events too (`cli.note`), so `--json` is one shape throughout.
 */
export type ReportedEvent = RunEvent | MovieEvent | SlurmEvent;

export interface RunReporter {
  onEvent(event: ReportedEvent): void;
  /** Notes from the CLI itself (servers started, ...). */
  note(text: string): void;
  close(): void;
}

export function createReporter(io: CliIo, options: { json: boolean }): RunReporter {
  if (options.json) return jsonReporter(io);
  if (io.stderr.isTTY) return ttyReporter(io);
  return plainReporter(io);
}

/**
 * One JSON line per event, written in batches: a resume of 100,000 tasks emits 100,000 events in
 * one go, and one write call each cost seconds. Lines are flushed on the next turn of the event
 * loop (or at 64 KiB), and by `close`, so a reader still sees each event as it happens.
 */
function jsonReporter(io: CliIo): RunReporter {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    io.stdout.write(text);
  };
  const line = (value: unknown): void => {
    pending += `${JSON.stringify(value)}\n`;
    if (pending.length >= 1 << 16) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    onEvent: line,
    note: (text) => line({ code: 'cli.note', level: 'info', message: text, data: {} }),
    close: flush,
  };
}

function plainReporter(io: CliIo): RunReporter {
  return {
    onEvent(event) {
      if (event.code === 'run.started' && event.data.skipped > 0) {
        print(io.stderr, `${event.data.skipped} task(s) up to date: skipped (use --force to render them again)`);
      }
      if (event.code === 'run.finished') return printSummary(io, event.data.summary);
      const line = lineOf(event);
      if (line !== null) print(io.stderr, line);
    },
    note: (text) => print(io.stderr, text),
    close: () => undefined,
  };
}

function ttyReporter(io: CliIo): RunReporter {
  const multi = new cliProgress.MultiBar(
    {
      stream: io.stderr,
      format: ' {bar} {percentage}% | {value}/{total} | ETA {eta_formatted} | {label}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let total: cliProgress.SingleBar | null = null;
  let stopped = false;
  // Stopping twice would move the cursor up over the summary printed after the first stop.
  const stop = (): void => {
    if (!stopped) multi.stop();
    stopped = true;
  };
  const lines = new Map<string, { bar: cliProgress.SingleBar; done: number; state: string }>();
  const instance = (uri: string): { bar: cliProgress.SingleBar; done: number; state: string } => {
    let line = lines.get(uri);
    if (!line) {
      line = { bar: multi.create(0, 0, { uri, state: 'connecting', done: 0 }, { format: '   {uri}: {state} ({done} rendered)' }), done: 0, state: 'connecting' };
      lines.set(uri, line);
    }
    return line;
  };
  const set = (uri: string, state: string, done = 0): void => {
    const line = instance(uri);
    line.state = state;
    line.done += done;
    line.bar.update(0, { uri, state, done: line.done });
  };
  return {
    onEvent(event) {
      switch (event.code) {
        case 'run.started':
          total = multi.create(event.data.toRender, 0, { label: `${event.data.skipped} up to date` });
          break;
        case 'instance.up':
          set(event.data.uri, `up (Brayns ${event.data.version})`);
          break;
        case 'instance.down':
          set(event.data.uri, 'SET ASIDE');
          multi.log(`${event.message}\n`);
          break;
        case 'instance.reconnecting':
          set(event.data.uri, `reconnecting (${event.data.attempt})`);
          break;
        case 'scene.loaded':
          set(event.data.uri, `loaded ${event.data.sceneId.slice(0, 8)}`);
          break;
        case 'task.started':
          set(event.data.uri, `rendering ${event.data.output}`);
          break;
        case 'task.finished':
          set(event.data.uri, 'idle', 1);
          total?.increment(1);
          break;
        case 'task.failed':
          multi.log(`${event.message}\n`);
          if (!event.data.willRetry) total?.increment(1);
          break;
        case 'run.finished':
          stop();
          printSummary(io, event.data.summary);
          break;
        case 'movie.built':
        case 'movie.up-to-date':
        case 'movie.waiting':
        case 'movie.failed':
          // The movie stage runs after the bars are gone.
          print(io.stderr, event.message);
          break;
        default:
          {
            const line = lineOf(event);
            if (line !== null) multi.log(`${line}\n`);
          }
          break;
      }
    },
    note: (text) => (multi.isActive ? multi.log(`${text}\n`) : print(io.stderr, text)),
    close: stop,
  };
}

/**
 * The line the text reporters print for an event, or null: the library's debug chatter, the skip
 * and manifest records (summed up elsewhere) and the client's routine progress (the runner says
 * `instance up` itself) stay out; every warning and error from any layer is shown. Everything the
 * Slurm launcher says is shown, its servers' output included: in a batch job this output is the
 * job log, the only place a server that fails to start explains why.
 */
function lineOf(event: ReportedEvent): string | null {
  if (event.code.startsWith('slurm.')) return `slurm: ${event.message}`;
  if (event.level === 'warn' || event.level === 'error') return event.message;
  if (event.level === 'debug' || event.code === 'task.skipped' || event.code === 'manifest.written' || event.code.startsWith('brayns.')) return null;
  return event.message;
}

export function printSummary(io: CliIo, s: RunSummary): void {
  const seconds = s.wallMs / 1000;
  const lines = [
    `${s.interrupted ? 'interrupted: ' : ''}rendered ${s.rendered}, skipped ${s.skipped}, failed ${s.failed}${s.pending > 0 ? `, not done ${s.pending}` : ''} ` +
      `in ${seconds.toFixed(1)} s (${s.throughput.toFixed(2)} images/s)`,
    `loads: ${s.loads} (minimum ${s.minLoads})${s.instances.map((i) => `\n  ${i.uri}: ${i.loads} load(s), ${i.rendered} rendered${i.failures ? `, ${i.failures} failure(s)` : ''}${i.setAside ? ', set aside' : ''}`).join('')}`,
  ];
  if (s.manifestPath) lines.push(`manifest: ${s.manifestPath}`);
  for (const f of s.failures) lines.push(`FAILED ${f.output} (${f.code}, ${f.attempts} attempt(s)): ${f.error}`);
  print(io.stderr, lines.join('\n'));
}
