import type { RawCamera } from '../recipe/index.js';
import { normalizeView } from './normalize.js';
import type { CameraSpec, ViewSpec } from './types.js';

/** A recipe's `camera.path`, with defaults filled in. */
export type CameraPath =
  | { kind: 'orbit'; degrees: number; axis: 'x' | 'y' | 'z'; easing: Easing }
  | { kind: 'keyframes'; keyframes: { at: number; view: ViewSpec }[]; easing: Easing };

export type Easing = 'linear' | 'smooth';

export function normalizeCameraPath(camera: RawCamera | undefined): CameraPath | null {
  const path = camera?.path;
  if (!path) return null;
  const easing = path.easing ?? 'linear';
  if ('orbit' in path) return { kind: 'orbit', degrees: path.orbit.degrees ?? 360, axis: path.orbit.axis ?? 'y', easing };
  return { kind: 'keyframes', keyframes: path.keyframes.map((k) => ({ at: k.at, view: normalizeView(k.view) })), easing };
}

/** Where along the path frame `index` of `count` is: the first frame at 0, the last at 1. */
export function pathFraction(index: number, count: number): number {
  return count <= 1 ? 0 : index / (count - 1);
}

function ease(easing: Easing, t: number): number {
  // smoothstep: zero speed at both ends, so the camera starts and stops without a jolt.
  return easing === 'smooth' ? t * t * (3 - 2 * t) : t;
}

/**
 * The camera of one frame: the item's camera with its view replaced by the path's view at `t`.
 * Views that need the model bounds stay symbolic (`orbit`, `blend`) and are resolved by the client
 * like any other view, so a frame renders the same on any instance and in any shard.
 *
 * Orbit angles are reduced to [0, 360): a full turn lands exactly on the first frame's camera (same
 * JSON, same pixels) instead of a rotation by 2π that differs from it in the last bits. An angle of
 * 0, and a blend weight of 0 or 1, give the plain view, so those frames share task ids with stills.
 */
export function cameraAt(base: CameraSpec, path: CameraPath, t: number): CameraSpec {
  return { ...base, view: viewAt(base.view, path, t) };
}

function viewAt(base: ViewSpec, path: CameraPath, t: number): ViewSpec {
  if (path.kind === 'orbit') {
    const degrees = (((path.degrees * ease(path.easing, t)) % 360) + 360) % 360;
    return degrees === 0 ? base : { kind: 'orbit', around: base, axis: path.axis, degrees };
  }
  const frames = path.keyframes;
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (!first || !last) return base;
  if (t <= first.at) return first.view;
  if (t >= last.at) return last.view;
  for (let k = 0; k + 1 < frames.length; k++) {
    const from = frames[k] as (typeof frames)[number];
    const to = frames[k + 1] as (typeof frames)[number];
    if (t > to.at) continue;
    // Easing applies per segment: the camera slows into and out of every keyframe.
    const weight = ease(path.easing, (t - from.at) / (to.at - from.at));
    if (weight <= 0) return from.view;
    if (weight >= 1) return to.view;
    return { kind: 'blend', from: from.view, to: to.view, weight };
  }
  return last.view;
}
