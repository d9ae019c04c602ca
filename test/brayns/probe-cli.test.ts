import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EXIT } from '../../src/errors.js';
import type { ProbeReport } from '../../src/brayns/probe.js';
import { plausible, type Api } from './helpers/plausible.js';
import { reply, startScriptedServer, type ScriptedServer } from './helpers/scripted-server.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(['probe', '--retries', '0', ...argv], { stdout, stderr, env: {}, cwd: process.cwd(), signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A plausible server of `api`, with some answers replaced. */
async function server(api: Api, override: Record<string, unknown> = {}): Promise<string> {
  const answer = plausible(api);
  const s = await startScriptedServer((request, socket, self) => {
    const method = String(request.message.method);
    if (method in override) reply(socket, request.message.id, override[method]);
    else return answer(request, socket, self);
  });
  servers.push(s);
  return s.hostPort;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('render-recipes probe', () => {
  it.each([
    ['2.0.0', 'R1'],
    ['3.0.0', 'R2'],
    ['3.10.1', 'R3'],
  ] as const)('reports a ready %s server (%s) and exits 0', async (api, revision) => {
    const { code, stdout } = await run(await server(api));
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain(`Brayns ${api} (protocol ${revision})`);
    expect(stdout).toContain('BBP loader (circuit explorer plugin): yes');
    expect(stdout).toMatch(/methods: +(\d+)\/\1 /);
    expect(stdout).toContain('ready for recipes');
  });

  it('prints JSON reports with --json', async () => {
    const { code, stdout } = await run('--json', await server('3.10.1'));
    expect(code).toBe(EXIT.ok);
    const [report] = JSON.parse(stdout) as ProbeReport[];
    expect(report).toMatchObject({ ok: true, version: '3.10.1', revision: 'R3', bbpLoader: true, sonataLoader: true, problems: [] });
    expect(report!.methods!.find((m) => m.name === 'get-camera-view')).toEqual({ name: 'get-camera-view', present: true });
    expect(report!.loaders!.map((l) => l.name)).toContain('SONATA loader');
  });

  it('exits 5 when the BBP loader (circuit explorer plugin) is missing, saying how to load it', async () => {
    const { code, stdout } = await run(await server('3.0.0', { 'get-loaders': [] }));
    expect(code).toBe(EXIT.capability);
    expect(stdout).toContain('BBP loader (circuit explorer plugin): no');
    expect(stdout).toContain('--plugin braynsCircuitExplorer');
  });

  it('exits 5 when the registry lacks a method recipes use, naming it', async () => {
    const { code, stdout } = await run(await server('2.0.0', { registry: ['get-version', 'registry', 'get-loaders', 'add-model'] }));
    expect(code).toBe(EXIT.capability);
    expect(stdout).toContain('missing: set-camera-look-at');
  });

  it('exits 5 for --loader sonata on an R2 server', async () => {
    const { code, stdout } = await run('--loader', 'sonata', await server('3.0.0'));
    expect(code).toBe(EXIT.capability);
    expect(stdout).toContain('SONATA loader');
  });

  it('exits 3 with a clear message when nothing listens there', async () => {
    const { code, stderr } = await run(`127.0.0.1:${await closedPort()}`);
    expect(code).toBe(EXIT.unreachable);
    expect(stderr).toContain('cannot connect to ws://127.0.0.1:');
    expect(stderr).toContain('hint: is braynsService running');
  });

  it('exits 3 when the peer is not Brayns', async () => {
    const http = createServer((_req, res) => res.writeHead(200).end('a web page'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { code, stderr } = await run(`127.0.0.1:${(http.address() as AddressInfo).port}`);
    await new Promise<void>((resolve) => http.close(() => resolve()));
    expect(code).toBe(EXIT.unreachable);
    expect(stderr).toContain('not a Brayns server');
  });

  it('probes every server given and exits with the most specific failure', async () => {
    const { code, stdout, stderr } = await run(await server('3.10.1'), `127.0.0.1:${await closedPort()}`);
    expect(code).toBe(EXIT.unreachable);
    expect(stdout).toContain('Brayns 3.10.1');
    expect(stderr).toContain('cannot connect');
  });

  it('exits 2 on an address that is not host:port', async () => {
    const { code, stderr } = await run('http://example.org');
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('host:port');
  });
});
