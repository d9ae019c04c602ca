import { resolve } from 'node:path';
import { EXIT } from '../../errors.js';
import { moviesStatus, type MoviesStatus } from '../../movie/index.js';
import { outputStatus, type OutputStatus } from '../../output/index.js';
import type { RegisterCommand } from '../context.js';
import { print } from '../io.js';

const LIST_LIMIT = 20;

/** `render-recipes status <out dirs...>`: what is done, failed and missing, across all shards. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('status')
    .description('Show what runs rendered into output directories: done, failed, missing (all shards merged).')
    .argument('[dirs...]', 'output directories of `render-recipes run`', ['renders'])
    .option('--json', 'print the merged state as JSON')
    .action(async (dirs, options) => {
      const states: OutputStatus[] = [];
      const movies: MoviesStatus[] = [];
      for (const dir of dirs) {
        states.push(await outputStatus(resolve(ctx.io.cwd, dir)));
        movies.push(await moviesStatus(resolve(ctx.io.cwd, dir)));
      }
      if (options.json) {
        const brief = states.map((s, i) => ({
          dir: s.dir,
          manifests: s.manifests,
          planHashes: s.planHashes,
          missingShards: s.missingShards,
          done: s.done.length,
          failed: s.failed.map((t) => ({ id: t.id, output: t.output.path, error: t.error })),
          missing: s.missing.map((m) => ({ id: m.task.id, output: m.task.output.path, why: m.why })),
          problems: s.problems,
          movies: movies[i]?.movies ?? [],
        }));
        print(ctx.io.stdout, JSON.stringify(brief, null, 2));
      } else {
        states.forEach((s, i) => print(ctx.io.stdout, [describe(s), ...describeMovies(movies[i])].join('\n')));
      }
      const incomplete =
        states.some((s) => s.manifests.length === 0 || s.failed.length > 0 || s.missing.length > 0 || s.missingShards !== null) || movies.some((m) => m.movies.some((x) => !x.done));
      // A manifest that cannot be read means the counts are not the truth: never exit 0 on it.
      if (states.some((s) => s.problems.length > 0)) ctx.setExitCode(EXIT.invalidInput);
      else ctx.setExitCode(incomplete ? EXIT.renderFailed : EXIT.ok);
    });
};

function describe(s: OutputStatus): string {
  if (s.manifests.length === 0) return `${s.dir}: no manifest (nothing rendered here yet)`;
  const total = s.done.length + s.failed.length + s.missing.length;
  const lines = [
    `${s.dir}: ${s.manifests.length} manifest(s), plan ${s.planHashes.map((h) => h.slice(0, 12)).join(', ') || '(none readable)'}`,
    `  done ${s.done.length}, failed ${s.failed.length}, missing ${s.missing.length} (of ${total} tasks${s.problems.length > 0 ? ` in the readable manifests; ${s.problems.length} cannot be read` : ''})`,
  ];
  if (s.planHashes.length > 1) lines.push('  note: the manifests come from different plans (other recipes, or a recipe changed between runs); each file counts once, by its latest run');
  if (s.missingShards) lines.push(`  shards never run: ${s.missingShards.indices.join(', ')} of ${s.missingShards.count} (their tasks are not counted)`);
  for (const t of s.failed.slice(0, LIST_LIMIT)) lines.push(`  FAILED  ${t.output.path}: ${t.error?.message ?? 'unknown error'}`);
  for (const m of s.missing.slice(0, LIST_LIMIT)) lines.push(`  missing ${m.task.output.path} (${m.why})`);
  const hidden = Math.max(0, s.failed.length - LIST_LIMIT) + Math.max(0, s.missing.length - LIST_LIMIT);
  if (hidden > 0) lines.push(`  ... and ${hidden} more (--json lists all)`);
  for (const p of s.problems) lines.push(`  error: ${p}`);
  return lines.join('\n');
}

function describeMovies(m: MoviesStatus | undefined): string[] {
  if (!m) return [];
  const lines = m.movies.map((x) => `  movie ${x.path}: ${x.summary}`);
  for (const p of m.problems) lines.push(`  problem: ${p}`);
  return lines;
}
