import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocationSlots, launchAllocationInstances } from '../../src/slurm/allocation.js';
import { shellQuote } from '../../src/slurm/quote.js';
import { clusterNodes, slurmAvailable } from './cluster.js';

/**
 * `launchAllocationInstances` inside a real `salloc` allocation: a driver process (the compiled
 * dist/, as a job would run it) launches two servers as srun steps, talks to each over WebSocket,
 * stops them, and reports what it saw as JSON.
 */

const wsPath = createRequire(import.meta.url).resolve('ws');
const distAllocation = pathToFileURL(join(import.meta.dirname, '../../dist/slurm/allocation.js')).href;

// A small real WebSocket server run by the steps; it answers with the step it runs in. With
// `quiet` it prints no ready line, so only the WebSocket probe can find it ready.
const SERVER = `const { WebSocketServer } = require(${JSON.stringify(wsPath)});
const port = Number(process.argv[1]);
const server = new WebSocketServer({ host: '0.0.0.0', port });
server.on('listening', () => { if (process.argv[2] !== 'quiet') console.log('listening on ws://0.0.0.0:' + port); });
server.on('connection', (c) => c.on('message', () => c.send(JSON.stringify({ node: process.env.SLURMD_NODENAME, step: process.env.SLURM_STEP_ID, port }))));
server.on('error', (e) => { console.error('cannot listen: ' + e.message); process.exit(1); });`;
const serverCmd = (extra = ''): string => `${shellQuote(process.execPath)} -e ${shellQuote(SERVER)} {port} ${extra}`;

const DRIVER = `import { launchAllocationInstances } from ${JSON.stringify(distAllocation)};
import WebSocket from ${JSON.stringify(pathToFileURL(wsPath).href)};
import { execFileSync } from 'node:child_process';
const events = [];
const ask = (uri) => new Promise((resolve, reject) => {
  const ws = new WebSocket(uri);
  ws.on('open', () => ws.send('who'));
  ws.on('message', (data) => { ws.close(); resolve(JSON.parse(String(data))); });
  ws.on('error', reject);
});
const steps = () => execFileSync('squeue', ['-h', '-s', '-j', process.env.SLURM_JOB_ID, '-o', '%j'], { encoding: 'utf8' }).split('\\n').filter((n) => n === 'brayns').length;
try {
  const instances = await launchAllocationInstances({ braynsCmd: process.argv[2], env: process.env, signal: AbortSignal.timeout(60000), onEvent: (e) => events.push(e) });
  const answers = await Promise.all(instances.uris.map(ask));
  const stepsRunning = steps();
  await instances.stop();
  console.log(JSON.stringify({ uris: instances.uris, answers, stepsRunning, stepsAfterStop: steps(), events }));
} catch (error) {
  console.log(JSON.stringify({ error: { code: error.code, message: error.message }, events }));
}
`;

interface DriverReport {
  uris?: string[];
  answers?: { node: string; step: string; port: number }[];
  stepsRunning?: number;
  stepsAfterStop?: number;
  error?: { code: string; message: string };
  events: { code: string; data: Record<string, unknown> }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-alloc-'));
  await writeFile(join(dir, 'driver.mjs'), DRIVER);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two tasks: on two nodes when the cluster has them, else two on one node. */
function inAllocation(braynsCmd: string): DriverReport {
  const shape = clusterNodes() >= 2 ? ['--nodes=2', '--ntasks-per-node=1'] : ['--ntasks=2'];
  const result = spawnSync('salloc', ['--quiet', '--time=5', ...shape, process.execPath, join(dir, 'driver.mjs'), braynsCmd], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`driver printed no report (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(last) as DriverReport;
}

describe.runIf(slurmAvailable)('launchAllocationInstances in a real allocation', () => {
  it('starts one server per task side by side, each answering on its own port, and stops them', () => {
    const report = inAllocation(serverCmd());
    expect(report.error).toBeUndefined();
    expect(report.uris).toHaveLength(2);
    expect(new Set(report.uris).size).toBe(2);
    const answers = report.answers ?? [];
    // Two different srun steps, each reached at the port its URI names.
    expect(new Set(answers.map((a) => a.step)).size).toBe(2);
    answers.forEach((answer, i) => expect(report.uris?.[i]).toBe(`ws://127.0.0.1:${answer.port}`));
    if (clusterNodes() >= 2) expect(new Set(answers.map((a) => a.node)).size).toBe(2);
    expect(report.stepsRunning).toBe(2);
    expect(report.stepsAfterStop).toBe(0);
    expect(report.events.filter((e) => e.code === 'slurm.instance.ready')).toHaveLength(2);
  });

  it('finds a server that prints no ready line by connecting to it', () => {
    const report = inAllocation(serverCmd('quiet'));
    expect(report.error).toBeUndefined();
    expect(report.answers).toHaveLength(2);
  });

  it('retries a server that stops before it is ready on another port, then reports its output', () => {
    const report = inAllocation('echo "cannot start on {port}" >&2; exit 3');
    expect(report.error?.code).toBe('SLURM');
    expect(report.error?.message).toContain('exited with code 3 before it was ready');
    expect(report.error?.message).toMatch(/cannot start on \d+/);
    // Two tasks x 2 retries each, then the launch gives up and nothing is left running.
    expect(report.events.filter((e) => e.code === 'slurm.instance.retry')).toHaveLength(4);
    const ports = report.events.filter((e) => e.code === 'slurm.instance.launching').map((e) => e.data.port);
    expect(new Set(ports).size).toBe(6);
  });
});

describe('launchAllocationInstances outside an allocation', () => {
  it('says it needs an allocation when SLURM_JOB_NODELIST is missing', async () => {
    await expect(
      launchAllocationInstances({ env: { PATH: process.env.PATH }, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'SLURM', message: expect.stringContaining('SLURM_JOB_NODELIST') as string });
  });

  it('rejects a command template without {port} before starting anything', async () => {
    await expect(
      launchAllocationInstances({ braynsCmd: 'braynsService', env: { SLURM_JOB_NODELIST: 'n1' }, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('{port}') as string });
  });
});

describe('allocation slots from the Slurm environment', () => {
  // PATH without scontrol: the host list is expanded in TypeScript and node names are the addresses.
  const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: tmpdir(), ...vars });

  it('one server per task, sharing each node by --exact and its CPUs', async () => {
    const slots = await allocationSlots(env({ SLURM_JOB_NODELIST: 'n[1-2]', SLURM_TASKS_PER_NODE: '2(x2)', SLURM_JOB_CPUS_PER_NODE: '8(x2)' }));
    expect(slots.map((s) => [s.node, s.index, s.cpus])).toEqual([
      ['n1', 0, 4],
      ['n1', 1, 4],
      ['n2', 2, 4],
      ['n2', 3, 4],
    ]);
    expect(slots[0]?.srunOptions).toEqual(['--nodes=1', '--ntasks=1', '--overlap', '--exact', '--cpus-per-task=4', '--job-name=brayns']);
  });

  it('a server alone on its node gets the whole node (no --exact)', async () => {
    const slots = await allocationSlots(env({ SLURM_JOB_NODELIST: 'a,b[07-08]', SLURM_TASKS_PER_NODE: '1(x3)', SLURM_JOB_CPUS_PER_NODE: '36,72(x2)' }));
    expect(slots.map((s) => [s.node, s.address, s.cpus])).toEqual([
      ['a', 'a', 36],
      ['b07', 'b07', 72],
      ['b08', 'b08', 72],
    ]);
    expect(slots[1]?.srunOptions).toEqual(['--nodes=1', '--ntasks=1', '--overlap', '--job-name=brayns']);
  });

  it('refuses task counts that do not match the node list', async () => {
    await expect(allocationSlots(env({ SLURM_JOB_NODELIST: 'n[1-2]', SLURM_TASKS_PER_NODE: '2' }))).rejects.toMatchObject({
      code: 'SLURM',
      message: expect.stringContaining('SLURM_TASKS_PER_NODE=2 lists 1 nodes, but the job has 2') as string,
    });
  });

  it('says srun is missing instead of blaming the server command', async () => {
    await expect(
      launchAllocationInstances({ env: env({ SLURM_JOB_NODELIST: 'n1' }), signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'SLURM', message: expect.stringContaining('cannot run srun') as string });
  });
});
