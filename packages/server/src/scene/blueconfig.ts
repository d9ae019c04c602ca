import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { circuitError } from './circuit-error.js';

/**
 * BlueConfig / CircuitConfig files: `<SectionType> <name> { Key value ... }` blocks with `#`
 * comments. Only the first `Run` section matters to the BBP loader; `Report` sections are kept for
 * compartment reports; every other section type is read and ignored.
 */

export interface ConfigSection {
  type: string;
  name: string;
  /** Key -> value (the rest of the line after the key, trimmed). */
  values: Map<string, string>;
}

export function parseConfigSections(text: string): ConfigSection[] {
  const withoutComments = text.replace(/#[^\n]*/g, '');
  const sections: ConfigSection[] = [];
  const block = /([A-Za-z_][\w]*)\s+([^\s{}]+)\s*\{([^{}]*)\}/g;
  for (const match of withoutComments.matchAll(block)) {
    const values = new Map<string, string>();
    for (const line of (match[3] ?? '').split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const space = trimmed.search(/\s/);
      const key = space < 0 ? trimmed : trimmed.slice(0, space);
      const value = space < 0 ? '' : trimmed.slice(space).trim();
      // Brion keeps the first occurrence of a key.
      if (!values.has(key)) values.set(key, value);
    }
    sections.push({ type: match[1] ?? '', name: match[2] ?? '', values });
  }
  return sections;
}

/** The Run section keys the BBP loader uses, with paths resolved against the config's directory. */
export interface BlueConfig {
  path: string;
  runName: string;
  circuitPath: string | null;
  cellLibraryFile: string | null;
  nrnPath: string | null;
  morphologyPath: string | null;
  morphologyType: string | null;
  outputRoot: string | null;
  spikesPath: string | null;
  targetFile: string | null;
  /** Default target without its population prefix. */
  circuitTarget: string | null;
  /** `population` of a `population:target` CircuitTarget. */
  circuitPopulation: string | null;
  reports: Map<string, Map<string, string>>;
}

export async function readBlueConfig(path: string): Promise<BlueConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    if (!(await stat(absolute)).isFile()) throw new Error('not a file');
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw circuitError(`Cannot open BlueConfig file ${absolute}`, error);
  }
  return interpretBlueConfig(text, absolute);
}

export function interpretBlueConfig(text: string, absolutePath: string): BlueConfig {
  const sections = parseConfigSections(text);
  const run = sections.find((section) => section.type === 'Run');
  if (!run) {
    throw circuitError(
      `No Run section in BlueConfig file ${absolutePath}: expected a block like 'Run Default { CircuitPath ... }'`,
    );
  }
  const base = dirname(absolutePath);
  const pathOf = (key: string): string | null => {
    const value = run.values.get(key);
    if (value === undefined || value === '') return null;
    return isAbsolute(value) ? value : resolve(base, value);
  };
  const textOf = (key: string): string | null => {
    const value = run.values.get(key);
    return value === undefined || value === '' ? null : value;
  };
  const target = textOf('CircuitTarget');
  const colon = target === null ? -1 : target.indexOf(':');
  const reports = new Map<string, Map<string, string>>();
  for (const section of sections) if (section.type === 'Report') reports.set(section.name, section.values);
  return {
    path: absolutePath,
    runName: run.name,
    circuitPath: pathOf('CircuitPath'),
    cellLibraryFile: pathOf('CellLibraryFile'),
    nrnPath: pathOf('nrnPath'),
    morphologyPath: pathOf('MorphologyPath'),
    morphologyType: textOf('MorphologyType'),
    outputRoot: pathOf('OutputRoot'),
    spikesPath: pathOf('SpikesPath'),
    targetFile: pathOf('TargetFile'),
    circuitTarget: target === null ? null : target.slice(colon + 1),
    circuitPopulation: target === null || colon < 0 ? null : target.slice(0, colon),
    reports,
  };
}
