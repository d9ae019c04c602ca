import { open, readFile, stat } from 'node:fs/promises';
import type * as CircuitReaders from '@render-recipes/server/circuit';
import type { BlueConfig, ReportSpan, SonataConfig, SpikeTimeRange } from '@render-recipes/server/circuit';
import { FileCache } from './file-cache.js';

type Readers = typeof CircuitReaders;

/** What a circuit path is, from its first bytes: preflight tells the loaders' configs apart by it. */
export type ConfigKind = 'missing' | 'directory' | 'json' | 'text';

/**
 * The circuit files a recipe names, read through the built-in server's own readers (so preflight
 * and the loader agree on what a file says), headers and names only, each file once per run. The
 * readers (and h5wasm) load on first use: importing render-recipes stays light.
 */
export class CircuitFiles {
  private readers: Promise<Readers> | undefined;

  constructor(private readonly cache = new FileCache()) {}

  private lib(): Promise<Readers> {
    return (this.readers ??= import('@render-recipes/server/circuit'));
  }

  async kind(path: string): Promise<ConfigKind> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return 'missing';
    }
    if (info.isDirectory()) return 'directory';
    return this.cache.get(path, 'kind', async () => {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(512);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{') ? 'json' : 'text';
      } finally {
        await handle.close();
      }
    });
  }

  async blueConfig(path: string): Promise<BlueConfig> {
    const lib = await this.lib();
    return this.cache.get(path, 'blueconfig', () => lib.readBlueConfig(path));
  }

  /** The cell file the BBP loader would read, and how many cells it has. */
  async cellFile(config: BlueConfig): Promise<{ path: string; count: number }> {
    const lib = await this.lib();
    const { path, format } = await lib.locateCellFile(config);
    const count = await this.cache.get(path, `cells:${format}:${config.circuitPopulation ?? ''}`, () => lib.countCells(path, format, config.circuitPopulation));
    return { path, count };
  }

  /** Every target name the BBP loader can resolve, and the files that define them (names only). */
  async targets(config: BlueConfig): Promise<{ names: Set<string>; files: string[]; skipped: string[] }> {
    const lib = await this.lib();
    return this.cache.get(config.path, 'targets', () => lib.targetNames(config));
  }

  async spikeReport(config: BlueConfig): Promise<{ path: string; range: SpikeTimeRange }> {
    const lib = await this.lib();
    const path = await lib.locateSpikeReport(config);
    return { path, range: await this.spikeRange(path, config.circuitPopulation) };
  }

  async spikeRange(path: string, population: string | null): Promise<SpikeTimeRange> {
    const lib = await this.lib();
    return this.cache.get(path, `spikes:${population ?? ''}`, () => lib.spikeTimeRange(path, population));
  }

  /** A BlueConfig compartment report's file and time span, from the file's header. */
  async compartmentReport(config: BlueConfig, name: string): Promise<ReportSpan> {
    const lib = await this.lib();
    return this.cache.get(config.path, `report:${name}`, () => lib.compartmentReportSpan(config, name));
  }

  /** A SONATA compartment report's time span (the population's, or the first one's). */
  async sonataReport(path: string, population: string | null): Promise<ReportSpan> {
    const lib = await this.lib();
    return this.cache.get(path, `report-span:${population ?? ''}`, () => lib.readSonataReportSpan(path, population));
  }

  async sonataConfig(path: string): Promise<SonataConfig> {
    const lib = await this.lib();
    return this.cache.get(path, 'sonata', () => lib.readSonataConfig(path));
  }

  async nodeSetNames(files: string[]): Promise<string[] | null> {
    if (files.length === 0) return null;
    const lib = await this.lib();
    const [first = ''] = files;
    return this.cache.get(first, `node-sets:${files.join('\0')}`, async () => (await lib.NodeSets.load(files))?.names() ?? []);
  }

  async populationSize(nodesFile: string, population: string): Promise<number | undefined> {
    const lib = await this.lib();
    const sizes = await this.cache.get(nodesFile, 'populations', () => lib.nodePopulationSizes(nodesFile));
    return sizes.get(population);
  }

  async sonataMorphologyDir(config: SonataConfig, population: string): Promise<string> {
    const lib = await this.lib();
    const entry = config.populations.get(population);
    if (entry === undefined) throw new Error(`no population ${population}`);
    return (await lib.sonataMorphologyDir(entry, config.circuitPath)).dir;
  }

  /** The names of a SONATA simulation config's `reports`, or null for a circuit config. */
  async sonataReportNames(path: string): Promise<string[] | null> {
    return this.cache.get(path, 'sonata-reports', async () => {
      const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      const reports = json.reports;
      return typeof reports === 'object' && reports !== null && !Array.isArray(reports) ? Object.keys(reports) : null;
    });
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The message of a reader's error (its circuit errors name the file), without a stack. */
export function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return `no such file or directory: ${(error as { path?: string }).path ?? ''}`;
    return error.message;
  }
  return String(error);
}
