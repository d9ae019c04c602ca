import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@render-recipes/server';
import { connect } from '../../src/brayns/connect.js';
import { EXIT } from '../../src/errors.js';
import { plausible, resultFor } from '../brayns/helpers/plausible.js';
import { reply, startScriptedServer, type ScriptedServer } from '../brayns/helpers/scripted-server.js';
import { ROOT, SAMPLE_CIRCUIT, spawnCli } from './helpers/e2e.js';

/**
 * `run` asks each server, once at connect and before any task, whether it accepts the plan's loads:
 * its `get-loaders` (the loader exists) and its `schema` of add-model and the loader's input schema
 * (the exact params the client will send validate). A server that refuses is set aside before any
 * scene loads; when none is left the run exits 5 saying which loader or property.
 */
const SONATA_CIRCUIT = join(ROOT, 'fixtures/real-circuits/sonata/5_cells_iclamp/circuit_config.json');
const APIS = ['2.0.0', '3.0.0', '3.10.1'] as const;

let dir: string;
const servers = new Map<string, RunningServer>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-server-check-'));
  for (const api of APIS) servers.set(api, await startServer({ api }));
});
afterAll(async () => {
  for (const server of servers.values()) await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function recipe(name: string, circuit: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `version: 1\nname: ${name}\ncircuit:\n${circuit}resolution: [48, 32]\noutput: {path: "{name}.png"}\n`);
  return file;
}

const bbp = (): Promise<string> => recipe('bbp', `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}\n  radius_multiplier: 20\n`);
const sonata = (): Promise<string> => recipe('sonata', `  path: ${JSON.stringify(SONATA_CIRCUIT)}\n  loader: sonata\n  cells: {targets: [biophysical]}\n  radius_multiplier: 20\n`);

/** Pixels that are not the black background: something was drawn. */
async function litPixels(file: string): Promise<number> {
  const { data, info } = await sharp(await readFile(file)).raw().toBuffer({ resolveWithObject: true });
  let lit = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! + data[i + 1]! + data[i + 2]! > 30) lit += 1;
  return lit;
}

async function modelsOn(url: string): Promise<number> {
  const client = await connect(url, { retries: 0 });
  try {
    return (await client.getScene()).models.length;
  } finally {
    await client.close();
  }
}

describe('run checks each server against the plan before the first load', () => {
  it.each(APIS)('a BBP recipe passes the check of a %s server and renders', async (api) => {
    const out = join(dir, `bbp-${api}`);
    const result = await spawnCli(['run', await bbp(), '--out', out, '--instance', servers.get(api)!.url], dir).done;
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(await litPixels(join(out, 'bbp.png'))).toBeGreaterThan(0);
  });

  it('a SONATA recipe passes the check of a 3.10.1 server and renders', async () => {
    const out = join(dir, 'sonata-3.10.1');
    const result = await spawnCli(['run', await sonata(), '--out', out, '--instance', servers.get('3.10.1')!.url], dir).done;
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(await litPixels(join(out, 'sonata.png'))).toBeGreaterThan(0);
  });

  it.each(['2.0.0', '3.0.0'] as const)('a SONATA recipe against a %s server (no SONATA loader) exits 5 before any scene loads', async (api) => {
    // A server of its own, so that its scene shows what this run alone did.
    const fresh = await startServer({ api });
    const url = fresh.url;
    const out = join(dir, `sonata-${api}`);
    const run = spawnCli(['run', await sonata(), '--out', out, '--instance', url, '--json'], dir);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(EXIT.capability);
    const refused = run.events.find((e) => e.code === 'instance.down');
    expect(refused?.level).toBe('error');
    expect(refused?.message).toContain(`the plan loads it with the "SONATA loader", which this server (Brayns ${api}) does not have (its loaders: BBP loader)`);
    expect(refused?.message).toContain('hint: the SONATA loader needs Brayns 3.3+');
    // Refused at connect: no task started, nothing loaded, nothing written but the manifest.
    expect(run.events.filter((e) => e.code === 'task.started' || e.code === 'scene.loaded')).toEqual([]);
    try {
      expect(await modelsOn(url)).toBe(0);
    } finally {
      await fresh.close();
    }
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { instances: { refused?: string }[] };
    expect(manifest.instances[0]?.refused).toContain('SONATA loader');
  });

  it('prints the refusal without --json, and the exit code says capability', async () => {
    const result = await spawnCli(['run', await sonata(), '--out', join(dir, 'sonata-text'), '--instance', servers.get('2.0.0')!.url], dir).done;
    expect(result.code).toBe(EXIT.capability);
    expect(result.stderr).toContain('cannot load the plan\'s scenes; it renders nothing:');
    expect(result.stderr).toContain('"SONATA loader"');
    expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });
});

describe('a server whose own schemas refuse what the client sends', () => {
  let fake: ScriptedServer;
  afterAll(async () => fake?.close());

  /** A 3.10.1 server whose BBP loader lacks `load_afferent_synapses` (closed schema) and takes integer percentages only. */
  async function narrowServer(): Promise<ScriptedServer> {
    const answer = plausible('3.10.1');
    const loaders = (resultFor('3.10.1', 'get-loaders', undefined) as { name: string; input_parameters_schema: { properties: Record<string, unknown> } }[]).map((loader) => {
      if (loader.name !== 'BBP loader') return loader;
      const { load_afferent_synapses: _dropped, ...properties } = loader.input_parameters_schema.properties;
      return { ...loader, input_parameters_schema: { ...loader.input_parameters_schema, properties: { ...properties, percentage: { type: 'integer' } } } };
    });
    return startScriptedServer((request, socket, self) => {
      if (request.message.method === 'get-loaders') reply(socket, request.message.id, loaders);
      else return answer(request, socket, self);
    });
  }

  it('exits 5 naming each property and what the server expects, and sends no add-model', async () => {
    fake = await narrowServer();
    const run = spawnCli(['run', await recipe('narrow', `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}\n  cells: {density: 0.5}\n`), '--out', join(dir, 'narrow'), '--instance', fake.url, '--json'], dir);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(EXIT.capability);
    const refused = run.events.find((e) => e.code === 'instance.down');
    expect(refused?.message).toContain("Brayns 3.10.1's BBP loader does not accept the property `loader_properties.load_afferent_synapses` render-recipes sends");
    expect(refused?.message).toContain("Brayns 3.10.1's BBP loader expects `loader_properties.percentage` must be integer, found 0.5");
    expect(refused?.data.problems).toEqual(expect.arrayContaining([expect.objectContaining({ property: 'loader_properties.load_afferent_synapses', loader: 'BBP loader' })]));
    const methods = fake.received.map((r) => r.message.method);
    expect(methods).toContain('get-loaders');
    expect(methods).not.toContain('add-model');
  });
});
