#!/usr/bin/env node
// Runs every bench/*.bench.js in its own process (so peak memory is per benchmark), in name order.
// Each benchmark prints a markdown table with the command that reproduces it.
// Usage: node bench/run-all.js [--quick|--smoke] [name ...]: size flags are passed to every
// benchmark (bench/mode.js); names select the benchmarks whose file name contains one of them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const sizeFlags = args.filter((a) => a === '--quick' || a === '--smoke');
const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const failed = [];
for (const file of files) {
  process.stdout.write(`\n## ${file}\n\n`);
  if (sizeFlags.includes('--smoke')) process.stdout.write('(smoke run: tiny sizes, the figures are not measurements)\n\n');
  const result = spawnSync(process.execPath, ['--expose-gc', `${dir}/${file}`, ...sizeFlags], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${file} (${result.signal ?? `exit ${result.status}`})`);
}
if (failed.length > 0) process.stderr.write(`\nFailed: ${failed.join(', ')}\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
