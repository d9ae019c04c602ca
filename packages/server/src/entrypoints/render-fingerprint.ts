import { createHash } from 'node:crypto';
import type { RenderRequest } from '../scene/types.js';

/**
 * What decides whether the engine framebuffer must start over: Brayns clears it when a commit
 * changed the camera, renderer, framebuffer size or scene, and a commit only happens when a value
 * actually changed (ModifiedFlag). The same comparison here is on the render request itself, so
 * anything that reaches the renderer (models, colours, lights, materials, clipping...) counts,
 * including what later entrypoints add to it. Loaded circuits are immutable and compared by
 * identity (hashing millions of positions per image would cost more than the render); typed
 * arrays (per-cell colours) by content. One difference: Brayns flags every change, so setting a
 * value and setting it back between two renders clears its framebuffer; here the two renders
 * compare equal and the accumulation goes on.
 */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

function identity(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

export function renderFingerprint(request: RenderRequest): string {
  const text = JSON.stringify(request, (key, value: unknown) => {
    if (key === 'circuit' && typeof value === 'object' && value !== null) return `circuit#${identity(value)}`;
    if (ArrayBuffer.isView(value)) {
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      return `${value.constructor.name}:${createHash('sha1').update(bytes).digest('hex')}`;
    }
    // JSON has no Infinity or NaN: keep them apart from null.
    if (typeof value === 'number' && !Number.isFinite(value)) return `number:${value}`;
    return value;
  });
  return createHash('sha1').update(text).digest('hex');
}
