import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@render-recipes/server';
import { main } from '../../src/cli/main.js';
import { EXIT } from '../../src/errors.js';
import type { ProbeReport } from '../../src/brayns/probe.js';
import { plausible, resultFor } from './helpers/plausible.js';
import { reply, startScriptedServer, type ScriptedServer } from './helpers/scripted-server.js';

/** `probe --recipe`: each server's get-loaders and schemas against the exact loads the recipes need. */
const ROOT = new URL('../../', import.meta.url).pathname;
const SAMPLE = join(ROOT, 'samples/circuit/BlueConfig');
const SONATA = join(ROOT, 'fixtures/real-circuits/sonata/5_cells_iclamp/circuit_config.json');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function probe(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(['probe', '--retries', '0', ...argv], { stdout, stderr, env: {}, cwd: dir, signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let dir: string;
let sonataRecipe: string;
let bbpRecipe: string;
const servers: RunningServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-probe-recipes-'));
  sonataRecipe = join(dir, 'sonata.yaml');
  bbpRecipe = join(dir, 'bbp.yaml');
  await writeFile(sonataRecipe, `version: 1\nname: sonata\ncircuit:\n  path: ${JSON.stringify(SONATA)}\n  loader: sonata\n  cells: {targets: [biophysical]}\nresolution: [48, 32]\noutput: {path: "{name}.png"}\n`);
  await writeFile(bbpRecipe, `version: 1\nname: bbp\ncircuit:\n  path: ${JSON.stringify(SAMPLE)}\n  cells: {density: 0.5, targets: [Layer5]}\n  report: {type: spikes}\nresolution: [48, 32]\noutput: {path: "{name}.png"}\n`);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function builtIn(api: '2.0.0' | '3.0.0' | '3.10.1'): Promise<string> {
  const server = await startServer({ api });
  servers.push(server);
  return server.url;
}

describe('render-recipes probe --recipe', () => {
  it.each(['2.0.0', '3.0.0', '3.10.1'] as const)('a BBP recipe: a %s built-in server accepts its loads (exit 0)', async (api) => {
    const { code, stdout } = await probe('--recipe', bbpRecipe, await builtIn(api));
    expect(code, stdout).toBe(EXIT.ok);
    expect(stdout).toContain('ready for recipes');
  });

  it('a SONATA recipe: a 3.10.1 built-in server accepts it, a 2.0.0 one has no SONATA loader (exit 5)', async () => {
    const good = await probe('--json', '--recipe', sonataRecipe, await builtIn('3.10.1'));
    expect(good.code).toBe(EXIT.ok);
    expect((JSON.parse(good.stdout) as ProbeReport[])[0]?.loadProblems).toEqual([]);

    const old = await probe('--recipe', sonataRecipe, await builtIn('2.0.0'));
    expect(old.code).toBe(EXIT.capability);
    expect(old.stdout).toContain(`${SONATA}: the plan loads it with the "SONATA loader", which this server (Brayns 2.0.0) does not have (its loaders: BBP loader)`);
    expect(old.stdout).toContain('hint: the SONATA loader needs Brayns 3.3+');
    // The BBP loader is present and not what this recipe needs: no complaint about it.
    expect(old.stdout).not.toContain('"BBP loader" is missing');
  });

  describe('against a server whose loader schema lacks a property', () => {
    let fake: ScriptedServer;
    afterAll(async () => fake?.close());

    it('exits 5 naming the property and what that server accepts', async () => {
      const answer = plausible('3.0.0');
      const loaders = (resultFor('3.0.0', 'get-loaders', undefined) as { name: string; input_parameters_schema: { properties: Record<string, unknown> } }[]).map((loader) => {
        const { spike_transition_time: _dropped, ...properties } = loader.input_parameters_schema.properties;
        return { ...loader, input_parameters_schema: { ...loader.input_parameters_schema, properties } };
      });
      fake = await startScriptedServer((request, socket, self) => {
        if (request.message.method === 'get-loaders') reply(socket, request.message.id, loaders);
        else return answer(request, socket, self);
      });
      const { code, stdout } = await probe('--json', '--recipe', bbpRecipe, fake.url);
      expect(code).toBe(EXIT.capability);
      const [report] = JSON.parse(stdout) as ProbeReport[];
      expect(report?.loadProblems).toEqual([
        expect.objectContaining({ circuit: SAMPLE, loader: 'BBP loader', property: 'loader_properties.spike_transition_time' }),
      ]);
      expect(report?.problems.join('\n')).toContain("Brayns 3.0.0's BBP loader does not accept the property `loader_properties.spike_transition_time` render-recipes sends (it accepts: percentage, targets, gids, report_type, report_name, neuron_morphology_parameters, load_afferent_synapses, load_efferent_synapses)");
      expect(fake.received.map((r) => r.message.method)).not.toContain('add-model');
    });
  });

  it('exits 2 with the recipe error when a recipe is invalid, probing nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'version: 1\nname: bad\ncircuit: {path: 3}\n');
    const { code, stderr } = await probe('--recipe', bad, '127.0.0.1:1');
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toContain('bad.yaml:3:');
  });
});
