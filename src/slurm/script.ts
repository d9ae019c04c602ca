import { createHash } from 'node:crypto';
import { RenderRecipesError } from '../errors.js';
import { sbatchLine, sbatchPath, shellQuote } from './quote.js';
import { checkCommandTemplate } from '../server-command.js';

/**
 * The batch script `render-recipes slurm submit` hands to sbatch: plain data in, text out, so the
 * golden files pin it down exactly. The job runs `render-recipes run --slurm`, which starts one
 * server per allocated task and renders across all of them; resubmitting resumes (the run skips
 * every output that is up to date).
 */

export interface BatchScriptInput {
  /** Recipe files or folders, as the user gave them (resolved against `cwd` by the run). */
  recipes: string[];
  /** Absolute output directory; the job log goes to `<out>/.slurm/`. */
  out: string;
  /** Absolute directory the job starts in (where the user submitted from). */
  cwd: string;
  nodes: number;
  /** Servers per node; default 1. */
  tasksPerNode?: number;
  /** Number of array tasks; each renders shard `i/K` of the plan. */
  array?: number;
  /** At most this many array tasks run at once (`--array=0-9%2`). */
  arrayLimit?: number;
  partition?: string;
  time?: string;
  account?: string;
  /** Further sbatch options, one `--name` or `--name=value` each (e.g. `--exclusive`, `--qos=high`). */
  sbatchArgs?: string[];
  /** Template for starting a server, passed on to `run --brayns-cmd`. */
  braynsCmd?: string;
  /** Passed on to the run: frames after the report's end render (with a warning). */
  allowFramesBeyondReport?: boolean;
  /** argv that runs render-recipes on the compute node, e.g. `[node, /abs/bin/render-recipes.js]`. */
  command: string[];
  version: string;
}

const JOB_NAME = 'render-recipes';
const PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;
const ACCOUNT = /^[A-Za-z0-9_.-]+$/;
// Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or no limit.
const TIME = /^(\d+(:\d{1,2}){0,2}|\d+-\d{1,2}(:\d{1,2}){0,2}|UNLIMITED|INFINITE|infinite|unlimited)$/;

export function buildBatchScript(input: BatchScriptInput): string {
  if (input.recipes.length === 0) throw new RenderRecipesError('USAGE', 'expected at least one recipe file or folder');
  positive(input.nodes, 'nodes');
  const tasksPerNode = input.tasksPerNode ?? 1;
  positive(tasksPerNode, 'tasks-per-node');
  if (input.array !== undefined) positive(input.array, 'array');
  if (input.arrayLimit !== undefined) {
    positive(input.arrayLimit, 'array-limit');
    if (input.array === undefined) throw new RenderRecipesError('USAGE', '--array-limit needs --array K');
  }
  // Checked here so a bad template fails at submit time, not hours later when the job starts.
  if (input.braynsCmd !== undefined) checkCommandTemplate(input.braynsCmd);

  const header = [
    '#!/bin/bash',
    `# Written by render-recipes ${input.version} (render-recipes slurm submit). Submitting it again resumes:`,
    '# outputs that are already up to date are skipped.',
    `#SBATCH --job-name=${JOB_NAME}`,
    `#SBATCH --nodes=${input.nodes}`,
    `#SBATCH --ntasks-per-node=${tasksPerNode}`,
  ];
  if (input.array !== undefined) {
    header.push(`#SBATCH --array=0-${input.array - 1}${input.arrayLimit === undefined ? '' : `%${input.arrayLimit}`}`);
  }
  if (input.partition !== undefined) header.push(sbatchLine('partition', input.partition, PARTITION, 'a partition name (or a comma-separated list)'));
  if (input.time !== undefined) header.push(sbatchLine('time', input.time, TIME, 'a Slurm time limit like 30, 2:00:00 or 1-12:00:00'));
  if (input.account !== undefined) header.push(sbatchLine('account', input.account, ACCOUNT, 'an account name (letters, digits, _ . -)'));
  for (const arg of input.sbatchArgs ?? []) header.push(`#SBATCH ${sbatchArg(arg)}`);
  header.push(
    sbatchPath('output', `${input.out}/.slurm`, input.array === undefined ? 'job-%j.log' : 'job-%A_%a.log', 'out'),
    // A requeued job appends to its log instead of replacing it, and resumes its outputs.
    '#SBATCH --open-mode=append',
    '#SBATCH --requeue',
  );

  const run = [...input.command.map(shellQuote), 'run', '--slurm', '--out', shellQuote(input.out)];
  const lines = [`${run.join(' ')} \\`];
  if (input.array !== undefined) lines.push(`  --shard "\${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT}" \\`);
  if (input.braynsCmd !== undefined) lines.push(`  --brayns-cmd ${shellQuote(input.braynsCmd)} \\`);
  if (input.allowFramesBeyondReport === true) lines.push('  --allow-frames-beyond-report \\');
  // `--` so that a recipe named like an option is still read as a recipe.
  lines.push(`  -- ${input.recipes.map(shellQuote).join(' ')}`);

  const body = [
    'set -euo pipefail',
    `cd -- ${shellQuote(input.cwd)}`,
    'echo "render-recipes: job ${SLURM_JOB_ID} on ${SLURM_JOB_NODELIST}${SLURM_ARRAY_TASK_ID:+, array task ${SLURM_ARRAY_TASK_ID}}" >&2',
    input.array === undefined
      ? '# One server per allocated task, all rendering one plan; the job ends with the run\'s exit status.'
      : '# Each array task renders its own shard of the plan into the same --out, with its own manifest.',
    `exec ${lines.join('\n')}`,
  ];
  return `${header.join('\n')}\n\n${body.join('\n')}\n`;
}

/** Where a script is saved: named after its content, so resubmitting the same job reuses the file. */
export function scriptFileName(script: string): string {
  return `job-${createHash('sha256').update(script).digest('hex').slice(0, 12)}.sh`;
}

/**
 * One extra sbatch option, written as-is on its own #SBATCH line, so it must be one plain word:
 * sbatch splits the line on blanks and has no escapes. Options this script sets itself are refused
 * because a second value would silently win or break the job.
 */
function sbatchArg(arg: string): string {
  const name = /^--([a-z][a-z0-9-]*)(=[A-Za-z0-9_.,:/@%+=&|[\]*!()-]+)?$/.exec(arg)?.[1];
  if (name === undefined) {
    throw new RenderRecipesError('USAGE', `expected --sbatch-arg to be one option like --exclusive or --qos=high, got ${JSON.stringify(arg)}`, {
      hint: '#SBATCH lines are read by sbatch, not by a shell: no spaces, quotes or backslashes; give one option per --sbatch-arg',
    });
  }
  if (OWN_OPTIONS.has(name)) {
    throw new RenderRecipesError('USAGE', `--sbatch-arg ${arg} would override an option render-recipes sets itself`, {
      hint: `use the submit option instead (--nodes, --tasks-per-node, --array, --out...)`,
    });
  }
  return arg;
}

const OWN_OPTIONS = new Set(['nodes', 'ntasks', 'ntasks-per-node', 'array', 'output', 'error', 'open-mode', 'chdir', 'wrap', 'parsable']);

function positive(value: number, flag: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RenderRecipesError('USAGE', `expected --${flag} to be a whole number of at least 1, got ${value}`);
  }
}
