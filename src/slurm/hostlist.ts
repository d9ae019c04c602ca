import { RenderRecipesError } from '../errors.js';

/**
 * Slurm's compact list formats, expanded in TypeScript. The node list itself is expanded by
 * `scontrol show hostnames` when it is available (Slurm's own rules win); this expander is the
 * fallback and is cross-checked against scontrol in the tests.
 */

/** `node[01-03,07],gpu[1-2]-ib,login` -> every host name, in order. */
export function expandHostlist(list: string): string[] {
  const hosts: string[] = [];
  for (const item of splitTopLevel(list.trim())) {
    if (item === '') continue;
    hosts.push(...expandItem(item, list));
  }
  return hosts;
}

/**
 * `2(x3),1` (SLURM_TASKS_PER_NODE, SLURM_JOB_CPUS_PER_NODE) -> `[2, 2, 2, 1]`: one count per node,
 * in node-list order.
 */
export function expandCounts(value: string, variable: string): number[] {
  const counts: number[] = [];
  for (const part of value.split(',')) {
    const match = /^(\d+)(?:\(x(\d+)\))?$/.exec(part.trim());
    if (!match) {
      throw new RenderRecipesError('SLURM', `expected ${variable} to look like "2(x3),1", got ${JSON.stringify(value)}`);
    }
    const repeat = match[2] === undefined ? 1 : Number(match[2]);
    for (let i = 0; i < repeat; i++) counts.push(Number(match[1]));
  }
  return counts;
}

/** Splits on commas that are not inside brackets. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

/** One item, possibly with several bracket groups (`rack[1-2]-n[01-02]`): their cartesian product. */
function expandItem(item: string, list: string): string[] {
  const open = item.indexOf('[');
  if (open < 0) {
    if (item.includes(']')) throw badList(list);
    return [item];
  }
  const close = item.indexOf(']', open);
  if (close < 0) throw badList(list);
  const prefix = item.slice(0, open);
  const rest = expandItem(item.slice(close + 1), list);
  const names: string[] = [];
  for (const value of expandRanges(item.slice(open + 1, close), list)) {
    for (const suffix of rest) names.push(`${prefix}${value}${suffix}`);
  }
  return names;
}

/** `01-03,7` -> `01 02 03 7`: zero padding follows the width of the range's first number. */
function expandRanges(ranges: string, list: string): string[] {
  const values: string[] = [];
  for (const range of ranges.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!match?.[1]) throw badList(list);
    const first = match[1];
    const last = match[2] ?? first;
    const from = Number(first);
    const to = Number(last);
    if (to < from) throw badList(list);
    for (let n = from; n <= to; n++) values.push(String(n).padStart(first.length, '0'));
  }
  return values;
}

function badList(list: string): RenderRecipesError {
  return new RenderRecipesError('SLURM', `cannot read the Slurm host list ${JSON.stringify(list)}`, {
    hint: 'expected names like node[01-04,07],login1 (as in SLURM_JOB_NODELIST)',
  });
}
