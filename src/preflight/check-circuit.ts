import type { BlueConfig } from '@render-recipes/server/circuit';
import { normalizeCircuit, type CircuitSpec } from '../plan/index.js';
import { closest, expandFrames, frameTime, type Problem, type RawRecipe } from '../recipe/index.js';
import { isDirectory, reason, type CircuitFiles } from './circuit-files.js';

export interface CheckOptions {
  /** Frames past the report's end are a warning instead of an error. */
  allowFramesBeyondReport: boolean;
}

/** The report span a recipe's frames are checked against, with the file it comes from. */
interface ReportSpan {
  /** End of the report in ms. */
  end: number;
  source: string;
  /**
   * A compartment report's own frames: a recipe's frames are indexes into them (time = start +
   * frame × dt), where spike reports count 0.01 ms per frame.
   */
  frames?: { count: number; start: number; dt: number };
}

const PATH = ['circuit', 'path'];
const TARGETS = ['circuit', 'cells', 'targets'];
const GIDS = ['circuit', 'cells', 'gids'];

/**
 * Problems of one recipe item (a recipe, or one matrix combination) that only the circuit's
 * files show. Paths are relative to the item, like the schema's.
 */
export async function checkCircuit(item: RawRecipe, files: CircuitFiles, options: CheckOptions): Promise<Problem[]> {
  const circuit = normalizeCircuit(item.circuit);
  const kind = await files.kind(circuit.path);
  if (kind === 'missing' || kind === 'directory') {
    return [{
      code: 'CIRCUIT_NOT_FOUND',
      path: PATH,
      message: kind === 'missing' ? `the circuit config ${circuit.path} does not exist` : `the circuit path ${circuit.path} is a folder, not a config file`,
      expected: circuit.loader === 'bbp' ? 'a BlueConfig or CircuitConfig file' : 'a SONATA circuit_config.json or simulation_config.json',
      found: kind === 'missing' ? 'no such file' : 'a folder',
      hint: kind === 'directory' ? `name the file inside it, e.g. ${circuit.loader === 'bbp' ? 'BlueConfig' : 'circuit_config.json'}` : 'the path is relative to the recipe file; if only the Brayns host sees it, set `circuit.preflight: false` or pass --no-preflight',
    }];
  }
  const isJson = kind === 'json';
  if (circuit.loader === 'bbp' && isJson) {
    return [wrongKind(circuit, 'a SONATA config (JSON)', 'a BlueConfig/CircuitConfig', 'set `loader: sonata` (the SONATA loader reads circuit_config.json), or point `path` at the BlueConfig')];
  }
  if (circuit.loader === 'sonata' && !isJson) {
    return [wrongKind(circuit, 'a BlueConfig-like text file', 'a SONATA circuit_config.json or simulation_config.json', 'set `loader: bbp` (the BBP loader reads BlueConfig/CircuitConfig files), or point `path` at the circuit_config.json')];
  }
  const { problems, report } = circuit.loader === 'bbp' ? await checkBbp(circuit, files) : await checkSonata(circuit, files);
  if (report) problems.push(...checkFrames(item, report, options));
  return problems;
}

function wrongKind(circuit: CircuitSpec, found: string, expected: string, hint: string): Problem {
  return { code: 'CIRCUIT_KIND', path: PATH, message: `the ${circuit.loader.toUpperCase()} loader cannot read ${circuit.path}: it is ${found}`, expected, found, hint };
}

function unreadable(error: unknown, path: (string | number)[] = PATH): Problem {
  const message = reason(error);
  return { code: /no such file|does not exist|Unable to find|not available/i.test(message) ? 'CIRCUIT_NOT_FOUND' : 'CIRCUIT_UNREADABLE', path, message };
}

/** "a, b, c and 12 more": what exists, short enough for a message. */
export function listNames(names: readonly string[], max = 12): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).map((n) => `\`${n}\``).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

function unknownName(code: Problem['code'], path: (string | number)[], what: string, name: string, known: readonly string[], where: string): Problem {
  const match = closest(name, known);
  return {
    code,
    path,
    message: `${what} \`${name}\` does not exist in ${where}`,
    expected: `one of the ${known.length} ${what}s: ${listNames(known)}`,
    found: `\`${name}\``,
    hint: `${match !== undefined ? `did you mean \`${match}\`? ` : ''}${what}s that exist: ${listNames(known)}`,
  };
}

async function checkBbp(circuit: CircuitSpec, files: CircuitFiles): Promise<{ problems: Problem[]; report?: ReportSpan }> {
  let config: BlueConfig;
  try {
    config = await files.blueConfig(circuit.path);
  } catch (error) {
    return { problems: [unreadable(error)] };
  }
  const problems: Problem[] = [];
  if (circuit.gids !== null) {
    try {
      const cells = await files.cellFile(config);
      circuit.gids.forEach((gid, i) => {
        if (gid <= cells.count) return;
        problems.push({ code: 'GID_OUT_OF_RANGE', path: [...GIDS, i], message: `GID ${gid} is past the last cell of the circuit (${cells.path} has ${cells.count} cells)`, expected: `a GID from 1 to ${cells.count}`, found: String(gid), hint: 'GIDs are 1-based rows of the cell file' });
      });
    } catch (error) {
      problems.push(unreadable(error));
    }
  }
  if (circuit.targets !== null) {
    try {
      const targets = await files.targets(config);
      const known = [...targets.names];
      circuit.targets.forEach((target, i) => {
        const name = target.slice(target.indexOf(':') + 1);
        if (targets.names.has(name)) return;
        const problem = unknownName('UNKNOWN_TARGET', [...TARGETS, i], 'target', name, known, `the target files of ${config.path}`);
        problems.push(targets.skipped.length > 0 ? { ...problem, message: `${problem.message} (unreadable, skipped: ${targets.skipped.join(', ')})` } : problem);
      });
    } catch (error) {
      problems.push(unreadable(error, TARGETS));
    }
  }
  if (circuit.morphology !== null && (config.morphologyPath === null || !(await isDirectory(config.morphologyPath)))) {
    problems.push({
      code: 'MORPHOLOGY_NOT_FOUND',
      path: ['circuit', 'morphology'],
      message: config.morphologyPath === null ? `morphologies are asked for, but ${config.path} sets no MorphologyPath` : `morphologies are asked for, but the MorphologyPath ${config.morphologyPath} is not a folder`,
      expected: 'a MorphologyPath folder of morphology files',
      found: config.morphologyPath ?? 'nothing',
      hint: 'remove `morphology` to draw one sphere per soma, or fix MorphologyPath in the BlueConfig',
    });
  }
  const report = circuit.report;
  if (report.type === 'spikes') {
    try {
      const spikes = await files.spikeReport(config);
      return { problems, report: { end: spikes.range.end, source: spikes.path } };
    } catch (error) {
      problems.push({ ...unreadable(error, ['circuit', 'report', 'type']), code: 'REPORT_NOT_FOUND', hint: 'set SpikesPath or OutputRoot in the BlueConfig, or use `report: {type: none}`' });
    }
  } else if (report.type === 'compartment') {
    const section = config.reports.get(report.name);
    if (section === undefined) {
      const known = [...config.reports.keys()];
      problems.push({ ...unknownName('REPORT_NOT_FOUND', ['circuit', 'report', 'name'], 'report', report.name, known, config.path) });
    } else {
      try {
        const span = await files.compartmentReport(config, report.name);
        return { problems, report: { end: span.endTime, source: span.path, frames: { count: span.frameCount, start: span.startTime, dt: span.dt } } };
      } catch (error) {
        problems.push({ ...unreadable(error, ['circuit', 'report', 'name']), code: 'REPORT_NOT_FOUND', hint: `the BBP loader reads report \`${report.name}\` from OutputRoot of ${config.path} (${report.name}.bbp for Format Binary, ${report.name}.h5 for HDF5/SONATA)` });
      }
    }
  }
  return { problems };
}

async function checkSonata(circuit: CircuitSpec, files: CircuitFiles): Promise<{ problems: Problem[]; report?: ReportSpan }> {
  let config;
  try {
    config = await files.sonataConfig(circuit.path);
  } catch (error) {
    return { problems: [unreadable(error)] };
  }
  const problems: Problem[] = [];
  const populations = [...config.populations.keys()];
  let nodeSets: string[] | null | undefined;
  const present: string[] = [];
  for (const [i, target] of (circuit.targets ?? []).entries()) {
    const colon = target.indexOf(':');
    const population = colon < 0 ? target : target.slice(0, colon);
    if (!config.populations.has(population)) {
      problems.push(unknownName('UNKNOWN_POPULATION', [...TARGETS, i], 'node population', population, populations, config.circuitPath));
      continue;
    }
    present.push(population);
    if (colon < 0) continue;
    const set = target.slice(colon + 1);
    try {
      nodeSets ??= await files.nodeSetNames(config.nodeSetsFiles);
    } catch (error) {
      problems.push(unreadable(error, [...TARGETS, i]));
      continue;
    }
    if (nodeSets === null) {
      problems.push({ code: 'UNKNOWN_NODE_SET', path: [...TARGETS, i], message: `node set \`${set}\` cannot exist: ${config.path} names no node_sets_file`, found: `\`${set}\``, hint: `load the whole population with \`${population}\`, or add a node_sets_file to the config` });
    } else if (!nodeSets.includes(set)) {
      problems.push(unknownName('UNKNOWN_NODE_SET', [...TARGETS, i], 'node set', set, nodeSets, config.nodeSetsFiles.join(', ')));
    }
  }
  const [only] = present;
  if (circuit.gids !== null && present.length === 1 && only !== undefined) {
    const entry = config.populations.get(only);
    try {
      const count = entry ? await files.populationSize(entry.nodesFile, only) : undefined;
      if (count !== undefined) {
        circuit.gids.forEach((id, i) => {
          if (id < count) return;
          problems.push({ code: 'GID_OUT_OF_RANGE', path: [...GIDS, i], message: `node id ${id} is past the last node of population \`${only}\` (${count} nodes)`, expected: `a node id from 0 to ${count - 1}`, found: String(id), hint: 'SONATA node ids are 0-based' });
        });
      }
    } catch (error) {
      problems.push(unreadable(error, GIDS));
    }
  }
  if (circuit.morphology !== null) {
    for (const population of new Set(present)) {
      try {
        await files.sonataMorphologyDir(config, population);
      } catch (error) {
        problems.push({ code: 'MORPHOLOGY_NOT_FOUND', path: ['circuit', 'morphology'], message: reason(error), hint: 'remove `morphology` to draw one sphere per node, or fix morphologies_dir in the circuit config' });
      }
    }
  }
  const report = circuit.report;
  if (report.type === 'spikes') {
    if (config.spikesPath === null) {
      problems.push({ code: 'REPORT_NOT_FOUND', path: ['circuit', 'report', 'type'], message: `spikes come from a simulation, but ${circuit.path} is a circuit config`, expected: 'a simulation_config.json (its output names the spikes file)', found: 'a circuit config', hint: 'point `circuit.path` at the simulation_config.json, or use `report: {type: none}`' });
    } else {
      try {
        const range = await files.spikeRange(config.spikesPath, only ?? null);
        return { problems, report: { end: range.end, source: config.spikesPath } };
      } catch (error) {
        problems.push({ ...unreadable(error, ['circuit', 'report', 'type']), code: 'REPORT_NOT_FOUND', hint: 'check output.output_dir and output.spikes_file of the simulation config' });
      }
    }
  } else if (report.type === 'compartment') {
    try {
      const names = await files.sonataReportNames(circuit.path);
      if (names === null || !names.includes(report.name)) {
        problems.push(unknownName('REPORT_NOT_FOUND', ['circuit', 'report', 'name'], 'report', report.name, names ?? [], circuit.path));
      } else {
        const file = config.reports.get(report.name);
        if (file !== undefined) {
          const span = await files.sonataReport(file, present.length === 1 ? (only ?? null) : null);
          return { problems, report: { end: span.endTime, source: span.path, frames: { count: span.frameCount, start: span.startTime, dt: span.dt } } };
        }
      }
    } catch (error) {
      problems.push({ ...unreadable(error, ['circuit', 'report', 'name']), code: 'REPORT_NOT_FOUND' });
    }
  }
  return { problems };
}

function checkFrames(item: RawRecipe, report: ReportSpan, options: CheckOptions): Problem[] {
  const frames = expandFrames(item.frames);
  const last = frames.reduce((a, b) => Math.max(a, b), 0);
  let beyond: number;
  let end: string;
  let expected: string;
  let found: string;
  if (report.frames) {
    const { count, start, dt } = report.frames;
    beyond = frames.filter((f) => f > count - 1).length;
    end = `its last frame, ${count - 1} at ${round(start + (count - 1) * dt)} ms, ${report.source}`;
    expected = `frames up to ${count - 1} (the report has ${count} frames, ${round(dt)} ms apart)`;
    found = `frame ${last}`;
  } else {
    // Frames are 0.01 ms apart; a frame within half a step of the end still shows the end.
    beyond = frames.filter((f) => frameTime(f) > report.end + 0.005).length;
    end = `${report.end} ms, ${report.source}`;
    expected = `frames up to ${Math.floor(report.end * 100 + 1e-6)} (${report.end} ms)`;
    found = `frame ${last} (${frameTime(last)} ms)`;
  }
  if (beyond === 0) return [];
  return [{
    code: 'FRAMES_BEYOND_REPORT',
    severity: options.allowFramesBeyondReport ? 'warning' : 'error',
    path: ['frames'],
    message: `${beyond} of ${frames.length} frames are after the end of the report (${end}): they would show the last state`,
    expected,
    found,
    hint: options.allowFramesBeyondReport ? 'rendered anyway (--allow-frames-beyond-report)' : 'shorten the frame range, or pass --allow-frames-beyond-report to render them anyway',
  }];
}

/** A time for a message: no binary noise (0.30000000000000004). */
function round(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}
