import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RenderRecipesError } from '../errors.js';
import type { SlurmEventListener } from './events.js';
import { probeWebSocket, readyPort, webSocketUri } from './ready.js';

/** One server started as an srun step on one node, from launch until it answers. */

export interface StepSpec {
  node: string;
  /** How the node is reached from the batch host (NodeAddr). */
  address: string;
  port: number;
  attempt: number;
  /** The filled-in command, shell text. */
  command: string;
  /** Step options besides the node and command (see allocation.ts for why each is there). */
  srunOptions: string[];
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  readyTimeoutMs: number;
  onEvent: SlurmEventListener;
}

export interface RunningStep {
  node: string;
  uri: string;
  /** Resolves when the srun process has exited. */
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): void;
  /** Marks the stop as ours, so the exit is not reported as a crash. */
  stopping: boolean;
}

const PROBE_INTERVAL_MS = 250;
const STDERR_TAIL = 15;

export async function startStep(spec: StepSpec): Promise<RunningStep> {
  const { node, port, onEvent } = spec;
  const argv = [...spec.srunOptions, `--nodelist=${node}`, '/bin/sh', '-c', spec.command];
  onEvent({
    code: 'slurm.instance.launching',
    level: 'info',
    message: `starting an instance on ${node} (port ${port}): ${spec.command}`,
    data: { node, port, attempt: spec.attempt, command: spec.command },
  });
  const started = Date.now();
  const child = spawn('srun', argv, { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let announcedPort: number | undefined;
  let exitInfo: { code: number | null; signal: string | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      exitInfo = { code, signal };
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let onReadyLine: () => void = () => undefined;
  const readyLineSeen = new Promise<void>((resolve) => {
    onReadyLine = resolve;
  });
  const onOutput: SlurmEventListener = (event) => {
    // Once we stop the step, srun's "forcing job termination" lines are expected, not news.
    if (!step.stopping) onEvent(event);
  };
  forwardLines(child, node, tail, onOutput, (line) => {
    if (announcedPort !== undefined) return;
    announcedPort = readyPort(line);
    if (announcedPort !== undefined) onReadyLine();
  });

  const aborted = new Promise<void>((resolve) => {
    if (spec.signal.aborted) resolve();
    else spec.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  const step: RunningStep = {
    node,
    uri: '',
    exited,
    stopping: false,
    kill: (signal) => {
      if (exitInfo === undefined) child.kill(signal);
    },
  };
  try {
    for (;;) {
      if (spawnError) {
        throw new RenderRecipesError('SLURM', `cannot run srun to start an instance on ${node}: ${spawnError.message}`, {
          cause: spawnError,
          hint: 'run on a node of the allocation where the Slurm client tools (srun) are in PATH',
        });
      }
      if (exitInfo) {
        const how = exitInfo.signal ? `was killed by ${exitInfo.signal}` : `exited with code ${exitInfo.code}`;
        throw launchError(spec, `the instance ${how} before it was ready`, tail);
      }
      if (spec.signal.aborted) throw new RenderRecipesError('CANCELLED', `cancelled while starting the instance on ${node}`);
      const elapsed = Date.now() - started;
      if (elapsed > spec.readyTimeoutMs) {
        throw launchError(spec, `the instance did not answer within ${Math.round(spec.readyTimeoutMs / 1000)} s`, tail);
      }
      // Whichever comes first: the ready line, a WebSocket that opens, or the step ending.
      const probed = await Promise.race([
        probeWebSocket(webSocketUri(spec.address, port), 2000),
        readyLineSeen.then(() => false),
        exited.then(() => false),
        aborted.then(() => false),
      ]);
      if (probed || announcedPort !== undefined) {
        const uri = webSocketUri(spec.address, announcedPort ?? port);
        step.uri = uri;
        onEvent({
          code: 'slurm.instance.ready',
          level: 'info',
          message: `instance on ${node} ready at ${uri}`,
          data: { node, uri, startupMs: Date.now() - started },
        });
        void exited.then(() => {
          if (step.stopping || !exitInfo) return;
          onEvent({
            code: 'slurm.instance.exited',
            level: 'warn',
            message: `instance on ${node} (${uri}) stopped on its own: ${describeExit(exitInfo)}`,
            data: { node, uri, exitCode: exitInfo.code, signal: exitInfo.signal },
          });
        });
        return step;
      }
      await Promise.race([exited, readyLineSeen, aborted, delay(PROBE_INTERVAL_MS)]);
    }
  } catch (error) {
    step.stopping = true;
    step.kill('SIGTERM');
    await exited;
    throw error;
  }
}

function forwardLines(
  child: ChildProcess,
  node: string,
  tail: string[],
  onEvent: SlurmEventListener,
  onStdout: (line: string) => void,
): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (!source) continue;
    createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
      if (stream === 'stdout') onStdout(line);
      tail.push(line);
      if (tail.length > STDERR_TAIL) tail.shift();
      onEvent({ code: 'slurm.instance.output', level: 'debug', message: `[${node}] ${line}`, data: { node, stream, line } });
    });
  }
}

function launchError(spec: StepSpec, what: string, tail: readonly string[]): RenderRecipesError {
  const output = tail.length > 0 ? `\nlast output:\n  ${tail.join('\n  ')}` : ' (it printed nothing)';
  return new RenderRecipesError('SLURM', `cannot start an instance on ${spec.node} with \`${spec.command}\`: ${what}${output}`, {
    hint: 'check --brayns-cmd: it must start a server listening on {port} (run it by hand in an salloc shell to see why it stops)',
  });
}

function describeExit(info: { code: number | null; signal: string | null }): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
