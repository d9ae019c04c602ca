import { canonicalHash, writeCanonicalJson } from '../canonical-json.js';
import type { Plan } from './types.js';

/** Task fields the compiler shares between the tasks of one matrix item (safe to cache by identity: plans are never mutated). */
const SHARED = new Set(['camera', 'renderer', 'lights', 'resolution', 'image']);

/**
 * Canonical JSON of a whole plan, streamed: byte for byte `canonicalJson(plan)`, with each distinct
 * camera, renderer, lights, resolution and image object serialised once.
 */
export function writePlanJson(plan: Omit<Plan, 'hash'> & { hash?: string }, write: (chunk: string) => void): void {
  writeCanonicalJson(plan, write, { shared: SHARED });
}

/**
 * The plan hash: sha256 of the canonical JSON of the plan without its `hash` field. `known` may
 * supply the canonical JSON of some objects (the compiler's tasks, from their templates) faster
 * than serialising them.
 */
export function planHash(plan: Omit<Plan, 'hash'> & { hash?: string }, known?: (value: object) => string | undefined): string {
  const { hash: _ignored, ...body } = plan;
  return canonicalHash(body, { shared: SHARED, ...(known ? { known } : {}) });
}
