import { readFile } from 'node:fs/promises';
import { circuitError, fsErrorCode } from '../circuit-error.js';
import type { NodeColumn } from './nodes.js';

type Rule = string[] | Record<string, unknown>;

/**
 * SONATA node sets: a JSON object of named sets. A basic set is an object whose keys all must
 * match: `population` (name or list), `node_id` (id or list) and any node attribute, with a value,
 * a list of accepted values, or an operator object (`$regex`, `$gt`, `$gte`, `$lt`, `$lte`). A
 * compound set is a list of set names (their union, recursively). Later files override earlier
 * names, as a simulation config's node sets extend the circuit's.
 */
export class NodeSets {
  private constructor(private readonly rules: Map<string, { rule: Rule; file: string }>) {}

  static async load(files: string[]): Promise<NodeSets | null> {
    if (files.length === 0) return null;
    const rules = new Map<string, { rule: Rule; file: string }>();
    for (const file of files) {
      for (const [name, rule] of Object.entries(await readSets(file))) rules.set(name, { rule, file });
    }
    return new NodeSets(rules);
  }

  has(name: string): boolean {
    return this.rules.has(name);
  }

  /** Every defined node set name, in file order. */
  names(): string[] {
    return [...this.rules.keys()];
  }

  /** Node attributes (other than population and node_id) the named sets filter on, recursively. */
  attributesUsed(names: string[]): Set<string> {
    const out = new Set<string>();
    this.walk(names, [], (rule) => {
      for (const key of Object.keys(rule)) if (key !== 'population' && key !== 'node_id') out.add(key);
    });
    return out;
  }

  /** Sorted node ids of `population` in the union of the named sets. */
  materialize(names: string[], population: string, count: number, attributes: Map<string, NodeColumn>): number[] {
    const selected = new Uint8Array(count);
    this.walk(names, [], (rule, file) => {
      for (let id = 0; id < count; id++) if (!selected[id] && matches(rule, id, population, attributes, file)) selected[id] = 1;
    });
    const ids: number[] = [];
    selected.forEach((on, id) => on && ids.push(id));
    return ids;
  }

  private walk(names: string[], stack: string[], visit: (rule: Record<string, unknown>, file: string) => void): void {
    for (const name of names) {
      const entry = this.rules.get(name);
      if (entry === undefined) {
        const within = stack.length > 0 ? ` (used by compound node set '${stack[stack.length - 1]}')` : '';
        throw circuitError(`Invalid node set: '${name}'${within}: no such node set; defined: ${[...this.rules.keys()].join(', ')}`);
      }
      if (stack.includes(name)) throw circuitError(`Node set '${name}' in ${entry.file} contains itself (${[...stack, name].join(' -> ')})`);
      if (Array.isArray(entry.rule)) this.walk(entry.rule, [...stack, name], visit);
      else visit(entry.rule, entry.file);
    }
  }
}

function matches(rule: Record<string, unknown>, id: number, population: string, attributes: Map<string, NodeColumn>, file: string): boolean {
  for (const [key, expected] of Object.entries(rule)) {
    if (key === 'population') {
      if (!asList(expected).includes(population)) return false;
    } else if (key === 'node_id') {
      if (!asList(expected).includes(id)) return false;
    } else {
      const value = attributes.get(key)?.[id];
      if (value === undefined || !accepts(expected, value, key, file)) return false;
    }
  }
  return true;
}

function accepts(expected: unknown, value: number | string, key: string, file: string): boolean {
  if (Array.isArray(expected)) return expected.some((option) => accepts(option, value, key, file));
  if (typeof expected === 'object' && expected !== null) {
    return Object.entries(expected).every(([operator, operand]) => compare(operator, operand, value, key, file));
  }
  return expected === value;
}

function compare(operator: string, operand: unknown, value: number | string, key: string, file: string): boolean {
  if (operator === '$regex' && typeof operand === 'string') return new RegExp(`^(?:${operand})$`).test(String(value));
  if (typeof operand === 'number' && typeof value === 'number') {
    switch (operator) {
      case '$gt':
        return value > operand;
      case '$gte':
        return value >= operand;
      case '$lt':
        return value < operand;
      case '$lte':
        return value <= operand;
    }
  }
  throw circuitError(`Invalid node set in ${file}: '${key}' uses ${operator} ${JSON.stringify(operand)}, expected $regex with a string or $gt/$gte/$lt/$lte with a number`);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

async function readSets(file: string): Promise<Record<string, Rule>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw circuitError(`Cannot read node sets file ${file}: ${fsErrorCode(error) === 'ENOENT' ? 'no such file' : (error as Error).message}`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw circuitError(`Cannot read node sets file ${file}: invalid JSON (${(error as Error).message})`, error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw circuitError(`Cannot read node sets file ${file}: expected a JSON object of named node sets`);
  for (const [name, rule] of Object.entries(json)) {
    const ok = Array.isArray(rule) ? rule.every((item) => typeof item === 'string') : typeof rule === 'object' && rule !== null;
    if (!ok) throw circuitError(`Cannot read node sets file ${file}: node set '${name}' must be an object of conditions or a list of node set names`);
  }
  return json as Record<string, Rule>;
}
