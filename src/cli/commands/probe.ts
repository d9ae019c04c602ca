import { Option } from '@commander-js/extra-typings';
import { probe, type ProbeReport } from '../../brayns/index.js';
import { EXIT, type ExitCode } from '../../errors.js';
import type { Writable } from 'node:stream';
import type { RegisterCommand } from '../context.js';
import { integerOption } from '../integer-option.js';
import { print } from '../io.js';
import { loadPlan } from '../load-plan.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `render-recipes probe <uri...>`: is each Brayns server reachable, which revision, can recipes run there? */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('probe')
    .description('Check Brayns servers: version, protocol revision, the methods and loaders recipes need.')
    .argument('<uri...>', 'servers as host:port, ws://host:port or wss://host:port')
    .option('--json', 'print one JSON report per server (an array)')
    .option('--timeout <ms>', 'per connection attempt and get-version reply', integerOption('--timeout', 0), 10_000)
    .option('--retries <n>', 'further connection attempts, with backoff', integerOption('--retries', 0), 1)
    .option('--ca-file <pem>', 'CA certificate that signed a wss:// server certificate')
    .addOption(new Option('--loader <name>', 'the circuit loader your recipes use').choices(['bbp', 'sonata'] as const))
    .option('--recipe <file>', "recipes (files or folders) whose loads each server's loaders and schemas must accept, as `run` checks them; repeatable", collect)
    .action(async (uris, options) => {
      // The recipes' own files are not opened: probe is about the servers (validate checks the files).
      const plan = options.recipe ? await loadPlan(options.recipe, undefined, ctx.io, false) : null;
      const circuits = plan?.scenes.map((s) => s.circuit);
      const reports: ProbeReport[] = [];
      for (const uri of uris) {
        reports.push(
          await probe(uri, {
            timeoutMs: options.timeout,
            retries: options.retries,
            signal: ctx.io.signal,
            ...(options.loader !== undefined ? { loader: options.loader } : {}),
            ...(circuits ? { circuits } : {}),
            ...(options.caFile !== undefined ? { caFile: options.caFile } : {}),
          }),
        );
      }
      if (options.json) print(ctx.io.stdout, JSON.stringify(reports, null, 2));
      else for (const report of reports) printReport(report, ctx.io.stdout, ctx.io.stderr);
      ctx.setExitCode(worst(reports.map((r) => r.exitCode)));
    });
};

function printReport(report: ProbeReport, out: Writable, err: Writable): void {
  if (report.version === undefined) {
    print(err, `${report.uri}: ${report.error?.message ?? 'unreachable'}`);
    if (report.error?.hint) print(err, `  hint: ${report.error.hint}`);
    return;
  }
  const methods = report.methods ?? [];
  const present = methods.filter((m) => m.present).length;
  const lines = [
    `${report.uri}`,
    `  version:   Brayns ${report.version} (protocol ${report.revision})`,
    `  methods:   ${present}/${methods.length} of those recipes use are present`,
    ...wrap(methods.filter((m) => m.present).map((m) => m.name), '             '),
    ...methods.filter((m) => !m.present).map((m) => `             missing: ${m.name}`),
    `  loaders:   ${(report.loaders ?? []).map((l) => l.name).join(', ') || '(none)'}`,
    `  BBP loader (circuit explorer plugin): ${report.bbpLoader ? 'yes' : 'no'}`,
    `  SONATA loader: ${report.sonataLoader ? 'yes' : 'no'}`,
    report.ok ? '  ready for recipes' : `  NOT ready for recipes:\n${report.problems.map((p) => `    - ${p}`).join('\n')}`,
    ...[...new Set((report.loadProblems ?? []).flatMap((p) => (p.hint ? [`  hint: ${p.hint}`] : [])))],
  ];
  print(out, lines.join('\n'));
}

function wrap(words: string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && indent.length + line.length + word.length + 2 > width) {
      lines.push(`${indent}${line},`);
      line = '';
    }
    line = line ? `${line}, ${word}` : word;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}

/** A capability problem outranks unreachability: it is the more specific answer for a fleet. */
function worst(codes: ExitCode[]): ExitCode {
  const order: ExitCode[] = [EXIT.internal, EXIT.capability, EXIT.unreachable, EXIT.invalidInput];
  return order.find((code) => codes.includes(code)) ?? (codes.find((c) => c !== EXIT.ok) ?? EXIT.ok);
}

