import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Plan, PlanTask } from './types.js';

/**
 * Canonical JSON of a whole plan, streamed. Byte for byte the same as `canonicalJson(plan)`, but
 * fast for 100,000 tasks: the camera, renderer, lights, resolution and image objects of a task are
 * shared by every task of its matrix item (the compiler reuses them), so each distinct object is
 * serialised once and its text reused by identity.
 */
export function writePlanJson(plan: Omit<Plan, 'hash'> & { hash?: string }, write: (chunk: string) => void): void {
  const { tasks, ...rest } = plan;
  const head = canonicalJson(rest);
  // `tasks` sorts last among the plan's keys (format, hash, recipes, scenes, tasks): splice it in before the final brace.
  if (Object.keys(rest).some((k) => k > 'tasks')) throw new Error('plan keys changed: update writePlanJson');
  write(head === '{}' ? '{"tasks":[' : `${head.slice(0, -1)},"tasks":[`);
  const shared = new Map<object, string>();
  const keyText = new Map<string, string>();
  const keys: KeyOrder = { raw: [], sorted: [] };
  const nested = new Map<string, KeyOrder>();
  let buffer = '';
  tasks.forEach((task, i) => {
    buffer += i === 0 ? '' : ',';
    buffer += taskJson(task, shared, keyText, keys, nested);
    if (buffer.length >= 1 << 16) {
      write(buffer);
      buffer = '';
    }
  });
  write(`${buffer}]}`);
}

/** The sorted keys of the previous task: tasks built by the compiler all have the same keys in the same order. */
interface KeyOrder {
  raw: string[];
  sorted: string[];
}

function sortedKeys(record: Record<string, unknown>, cache: KeyOrder): string[] {
  const raw = Object.keys(record);
  if (raw.length !== cache.raw.length || raw.some((k, i) => k !== cache.raw[i])) {
    cache.raw = raw;
    cache.sorted = [...raw].sort();
  }
  return cache.sorted;
}

function taskJson(task: PlanTask, shared: Map<object, string>, keyText: Map<string, string>, order: KeyOrder, order_: Map<string, KeyOrder>): string {
  const record = task as unknown as Record<string, unknown>;
  let out = '{';
  let i = 0;
  for (const key of sortedKeys(record, order)) {
    if (record[key] === undefined) continue;
    let name = keyText.get(key);
    if (name === undefined) {
      name = `${JSON.stringify(key)}:`;
      keyText.set(key, name);
    }
    const value = record[key];
    let text: string | undefined;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      text = JSON.stringify(value);
    } else if (value !== null && typeof value === 'object' && SHARED.has(key)) {
      text = shared.get(value);
      if (text === undefined) {
        text = canonicalJson(value);
        shared.set(value, text);
      }
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      let order = order_.get(key);
      if (!order) order_.set(key, (order = { raw: [], sorted: [] }));
      text = flatJson(value as Record<string, unknown>, order);
    } else {
      text = canonicalJson(value);
    }
    out += `${i === 0 ? '' : ','}${name}${text}`;
    i += 1;
  }
  return `${out}}`;
}

/** Canonical JSON of a per-task mapping (`output`, `values`): same bytes as `canonicalJson`, keys sorted once per shape. */
function flatJson(record: Record<string, unknown>, order: KeyOrder): string {
  let out = '{';
  let first = true;
  for (const key of sortedKeys(record, order)) {
    const value = record[key];
    if (value === undefined) continue;
    const text = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? JSON.stringify(value) : canonicalJson(value);
    out += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}

/** Task fields the compiler shares between tasks of one matrix item (safe to cache by identity: plans are never mutated). */
const SHARED = new Set(['camera', 'renderer', 'lights', 'resolution', 'image']);

/**
 * The plan hash: sha256 of the canonical JSON of the plan without its `hash` field. `taskText`
 * may supply each task's canonical JSON faster than serialising it (the compiler's pieces).
 */
export function planHash(plan: Omit<Plan, 'hash'> & { hash?: string }, taskText?: (index: number) => string): string {
  const { hash: _ignored, ...body } = plan;
  const hash = createHash('sha256');
  if (!taskText) {
    writePlanJson(body, (chunk) => hash.update(chunk));
    return hash.digest('hex');
  }
  const { tasks, ...rest } = body;
  const head = canonicalJson(rest);
  let buffer = `${head.slice(0, -1)},"tasks":[`;
  for (let i = 0; i < tasks.length; i++) {
    buffer += (i === 0 ? '' : ',') + taskText(i);
    if (buffer.length >= 1 << 16) {
      hash.update(buffer);
      buffer = '';
    }
  }
  hash.update(`${buffer}]}`);
  return hash.digest('hex');
}
