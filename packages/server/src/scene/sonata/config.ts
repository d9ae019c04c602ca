import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { circuitError, fsErrorCode } from '../circuit-error.js';
import { getGroup, withHdf5File } from '../hdf5.js';
import { fromHdf5Header } from '../hdf5-header.js';
import { manifestVariables, substituteAll } from './manifest.js';

/** One node population as the circuit config describes it (paths absolute, variables expanded). */
export interface SonataPopulation {
  name: string;
  nodesFile: string;
  /** `node_types_file` (CSV of per-type attributes), null when not given. */
  nodeTypesFile: string | null;
  /** `type` (biophysical, virtual, vasculature…), null when not given. */
  type: string | null;
  /** `morphologies_dir` (SWC files), population entry over `components`. */
  morphologiesDir: string | null;
  /** `alternate_morphologies`: `h5v1` and `neurolucida-asc` directories. */
  alternateMorphologies: Record<string, string>;
}

export interface SonataConfig {
  /** The file `add-model` named (circuit or simulation config). */
  path: string;
  circuitPath: string;
  populations: Map<string, SonataPopulation>;
  /** Node set files, circuit first: later files override earlier names (libsonata `update`). */
  nodeSetsFiles: string[];
  /** From the simulation config's `output` (`output_dir` + `spikes_file`); null without one. */
  spikesPath: string | null;
  /**
   * Report name -> report file, from the simulation config's `reports` (libsonata's rule: the
   * entry's `file_name`, `.h5` added when missing, default `<name>.h5`, inside `output_dir`).
   */
  reports: Map<string, string>;
}

type Json = Record<string, unknown>;

/**
 * Reads a SONATA circuit_config.json, or a simulation_config.json whose `network` names one (as
 * Brayns does: a simulation config brings the spikes and its node sets). Every string gets the
 * manifest's `$VARIABLES`; relative paths are taken from the directory of the file they are in.
 */
export async function readSonataConfig(path: string): Promise<SonataConfig> {
  const first = await readJson(path);
  if ('networks' in first.json) return { ...(await circuitConfig(first.json, path)), path, spikesPath: null, reports: new Map() };
  if (!('network' in first.json || 'run' in first.json || 'output' in first.json)) {
    throw circuitError(
      `Cannot read SONATA config ${path}: it is neither a circuit config (no 'networks') nor a simulation config (no 'network' or 'run')`,
    );
  }
  const dir = dirname(path);
  const network = typeof first.json.network === 'string' ? first.json.network : 'circuit_config.json';
  const circuitPath = absolute(network, dir);
  const circuit = await readJson(circuitPath);
  const config = await circuitConfig(circuit.json, circuitPath);
  const output = (first.json.output ?? {}) as Json;
  const outputDir = absolute(stringOr(output.output_dir, 'output'), dir);
  const spikesPath = absolute(stringOr(output.spikes_file, 'out.h5'), outputDir);
  const nodeSets = typeof first.json.node_sets_file === 'string' ? [absolute(first.json.node_sets_file, dir)] : [];
  const reports = new Map<string, string>();
  for (const [name, entry] of Object.entries((first.json.reports ?? {}) as Json)) {
    const fileName = stringOr((entry as Json | null)?.file_name, name);
    reports.set(name, absolute(fileName.endsWith('.h5') ? fileName : `${fileName}.h5`, outputDir));
  }
  return { ...config, path, nodeSetsFiles: [...config.nodeSetsFiles, ...nodeSets], spikesPath, reports };
}

async function circuitConfig(json: Json, path: string): Promise<Omit<SonataConfig, 'path' | 'spikesPath' | 'reports'>> {
  const dir = dirname(path);
  const fail = (what: string): never => {
    throw circuitError(`Invalid SONATA circuit config ${path}: ${what}`);
  };
  const components = (json.components ?? {}) as Json;
  const networks = (json.networks ?? {}) as Json;
  const nodes = networks.nodes;
  if (!Array.isArray(nodes)) fail("'networks.nodes' must be a list of {nodes_file, populations}");
  const populations = new Map<string, SonataPopulation>();
  for (const [i, entry] of (nodes as Json[]).entries()) {
    if (typeof entry.nodes_file !== 'string') fail(`networks.nodes[${i}] has no 'nodes_file'`);
    const nodesFile = absolute(entry.nodes_file as string, dir);
    const declared = (entry.populations ?? null) as Record<string, Json> | null;
    const names = declared !== null ? Object.keys(declared) : await populationsInFile(nodesFile);
    for (const name of names) {
      const own = declared?.[name] ?? {};
      const morphologies = own.morphologies_dir ?? components.morphologies_dir;
      const alternate = { ...((components.alternate_morphologies ?? {}) as Json), ...((own.alternate_morphologies ?? {}) as Json) };
      populations.set(name, {
        name,
        nodesFile,
        nodeTypesFile: typeof entry.node_types_file === 'string' && entry.node_types_file !== '' ? absolute(entry.node_types_file, dir) : null,
        type: typeof own.type === 'string' ? own.type : null,
        morphologiesDir: typeof morphologies === 'string' ? absolute(morphologies, dir) : null,
        alternateMorphologies: Object.fromEntries(
          Object.entries(alternate).flatMap(([key, value]) => (typeof value === 'string' ? [[key, absolute(value, dir)]] : [])),
        ),
      });
    }
  }
  const nodeSetsFiles = typeof json.node_sets_file === 'string' ? [absolute(json.node_sets_file, dir)] : [];
  return { circuitPath: path, populations, nodeSetsFiles };
}

/** A JSON config with its manifest applied. */
async function readJson(path: string): Promise<{ json: Json }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const detail = fsErrorCode(error) === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw circuitError(`Cannot read SONATA config ${path}: ${detail}`, error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw circuitError(`Cannot read SONATA config ${path}: invalid JSON (${(error as Error).message})`, error);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw circuitError(`Cannot read SONATA config ${path}: expected a JSON object`);
  }
  const variables = manifestVariables(raw as Json, dirname(path), path);
  return { json: substituteAll(raw, variables, path) as Json };
}

async function populationsInFile(nodesFile: string): Promise<string[]> {
  const fromHeader = await fromHdf5Header(nodesFile, async (file) => (await file.find('nodes'))?.members ?? undefined);
  if (fromHeader !== undefined) return fromHeader;
  return withHdf5File(nodesFile, 'SONATA nodes file', (file) => {
    const group = getGroup(file, 'nodes');
    if (group === null) throw circuitError(`Cannot read SONATA nodes file ${nodesFile}: missing group '/nodes'`);
    return group.keys();
  });
}

/** Relative paths are taken from `dir`; every path comes back normalised (no `..`). */
function absolute(path: string, dir: string): string {
  return resolve(dir, path);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
