import type { Group } from 'h5wasm/node';
import { circuitError } from '../circuit-error.js';
import { getGroup } from '../hdf5.js';

// What the full reader and the preflight span reader both check in a SONATA report file, with the
// same messages. Type-only h5wasm import: nothing here loads it.

export const SONATA_REPORT = 'SONATA compartment report';

export type ReportFail = (problem: string) => never;

export function reportFailure(path: string): ReportFail {
  return (problem) => {
    throw circuitError(`Cannot read ${SONATA_REPORT} ${path}: ${problem}`);
  };
}

/** The population group under `/report`: the one asked for, or the first when `population` is null. */
export function reportPopulation(file: Group, population: string | null, fail: ReportFail): { name: string; group: Group } {
  const report = getGroup(file, 'report') ?? fail("missing group '/report'");
  const populations = report.keys().filter((key) => getGroup(report, key) !== null);
  let name: string;
  if (population === null) name = populations[0] ?? fail("no population under '/report'");
  else if (populations.includes(population)) name = population;
  else return fail(`no population '${population}' under '/report' (it has: ${populations.join(', ') || 'none'})`);
  return { name, group: getGroup(report, name) ?? fail(`missing group '/report/${name}'`) };
}

/** `mapping/time` must be [start, end, dt] with dt > 0. */
export function checkReportTime(time: Float64Array, fail: ReportFail): void {
  if (time.length !== 3 || !((time[2] ?? 0) > 0)) fail(`mapping/time must be [start, end, dt] with dt > 0, found [${Array.from(time).join(', ')}]`);
}
