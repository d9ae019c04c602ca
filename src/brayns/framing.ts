import { RenderRecipesError } from '../errors.js';
import type { CameraSpec, LightSpec, Vec3, ViewDirection, ViewSpec } from '../plan/index.js';
import type { Bounds, ResolvedLight, SnapshotCamera, View } from './types.js';

/**
 * Camera framing from model bounds, the Brayns 3.x Python client's rule:
 *   the box is rotated into the camera frame (width along the camera's right, height along its up,
 *   depth along its view axis), then
 *   height'  = max(height, width / aspect)
 *   distance = height' / 2 / tan(fovy / 2) + depth / 2      (orthographic: 0 + depth / 2)
 *   position = center + distance * back,  up as given; orthographic projection height = height'.
 *
 * Where R1's Python client differs (core/camera/perspective_camera.py at 938284d1f): it only uses the
 * box height, ignoring width and the image aspect ratio, so a wide model gets cropped; and its
 * orthographic camera sits at center + depth (not depth / 2) with height = box height. render-recipes
 * uses the 3.x rule on every revision so the same recipe frames the same way everywhere.
 */
export type FramingCamera = { type: 'perspective'; fovy: number } | { type: 'orthographic' };

export interface FramedView {
  view: View;
  /** The camera to send: perspective as given, orthographic with height = height'. */
  camera: SnapshotCamera;
}

interface Basis {
  /** Unit vector from the target towards the camera. */
  back: Vec3;
  up: Vec3;
}

/** Camera placements for named directions; `front` is the full-screen view (looking down -z). */
const DIRECTIONS: Record<ViewDirection, Basis> = {
  front: { back: [0, 0, 1], up: [0, 1, 0] },
  back: { back: [0, 0, -1], up: [0, 1, 0] },
  left: { back: [-1, 0, 0], up: [0, 1, 0] },
  right: { back: [1, 0, 0], up: [0, 1, 0] },
  top: { back: [0, 1, 0], up: [0, 0, -1] },
  bottom: { back: [0, -1, 0], up: [0, 0, 1] },
};

export function fullScreenView(bounds: Bounds, camera: FramingCamera, aspect: number): FramedView {
  return directionView(bounds, camera, aspect, 'front', 1);
}

/** Frames the box from a named side; `distanceFactor` scales the camera's distance to the center. */
export function directionView(
  bounds: Bounds,
  camera: FramingCamera,
  aspect: number,
  direction: ViewDirection,
  distanceFactor = 1,
): FramedView {
  return frameAlong(bounds, DIRECTIONS[direction], camera, aspect, distanceFactor);
}

/**
 * Resolves a plan camera into the view and camera a snapshot sends. `full-screen` and `direction`
 * need the loaded bounds; an explicit view keeps its placement, and an orthographic camera without a
 * height gets the height' that frames the box seen along that view.
 */
export function resolveCamera(spec: CameraSpec, bounds: Bounds, aspect: number): FramedView {
  const framing: FramingCamera = spec.type === 'perspective' ? { type: 'perspective', fovy: spec.fovy } : { type: 'orthographic' };
  const framed = resolveViewSpec(spec.view, bounds, framing, aspect);
  if (spec.type === 'orthographic' && spec.height !== null) {
    return { view: framed.view, camera: { type: 'orthographic', height: spec.height } };
  }
  return framed;
}

function resolveViewSpec(spec: ViewSpec, bounds: Bounds, camera: FramingCamera, aspect: number): FramedView {
  switch (spec.kind) {
    case 'full-screen':
      return fullScreenView(bounds, camera, aspect);
    case 'direction':
      return directionView(bounds, camera, aspect, spec.direction, spec.distance);
    case 'explicit': {
      const view: View = { position: spec.position, target: spec.target, up: spec.up };
      if (camera.type === 'perspective') return { view, camera: { type: 'perspective', fovy: camera.fovy } };
      const basis: Basis = { back: normalize(sub(spec.position, spec.target)), up: spec.up };
      return { view, camera: frameAlong(bounds, basis, camera, aspect, 1).camera };
    }
    case 'orbit': {
      const framed = resolveViewSpec(spec.around, bounds, camera, aspect);
      return { view: orbitView(framed.view, spec.axis, spec.degrees), camera: framed.camera };
    }
    case 'blend': {
      const from = resolveViewSpec(spec.from, bounds, camera, aspect);
      const to = resolveViewSpec(spec.to, bounds, camera, aspect);
      return { view: blendViews(from.view, to.view, spec.weight), camera: blendCameras(from.camera, to.camera, spec.weight) };
    }
  }
}

const AXES: Record<'x' | 'y' | 'z', Vec3> = { x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1] };

/** The view turned `degrees` about a world axis through its target (right-handed). */
export function orbitView(view: View, axis: 'x' | 'y' | 'z', degrees: number): View {
  const k = AXES[axis];
  const radians = (degrees * Math.PI) / 180;
  const offset = rotate(sub(view.position, view.target), k, radians);
  return { position: add(view.target, offset), target: view.target, up: rotate(view.up, k, radians) };
}

/**
 * A view between two others: the target moves in a straight line, the direction from target to
 * camera turns on the great circle between the two (so the camera swings around the model rather
 * than cutting through it), the distance and the up vector change gradually.
 */
export function blendViews(a: View, b: View, w: number): View {
  const target = lerp(a.target, b.target, w);
  const da = sub(a.position, a.target);
  const db = sub(b.position, b.target);
  const distance = length(da) * (1 - w) + length(db) * w;
  const direction = slerp(normalize(da), normalize(db), w, normalize(a.up));
  const up = slerp(normalize(a.up), normalize(b.up), w, direction);
  // Keep up perpendicular to the viewing direction so the image does not shear.
  const right = cross(up, direction);
  const straightUp = length(right) < 1e-9 ? a.up : cross(direction, normalize(right));
  return { position: add(target, scale(direction, distance)), target, up: straightUp };
}

function blendCameras(a: SnapshotCamera, b: SnapshotCamera, w: number): SnapshotCamera {
  if (a.type === 'orthographic' && b.type === 'orthographic') return { type: 'orthographic', height: a.height * (1 - w) + b.height * w };
  return a;
}

/** Rodrigues' rotation of `v` about the unit axis `k`. */
function rotate(v: Vec3, k: Vec3, radians: number): Vec3 {
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const kv = cross(k, v);
  const dot = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
  return add(add(scale(v, cos), scale(kv, sin)), scale(k, dot * (1 - cos)));
}

/** Spherical interpolation of unit vectors; opposite vectors turn about `pivot`, the half-way choice being otherwise arbitrary. */
function slerp(a: Vec3, b: Vec3, w: number, pivot: Vec3): Vec3 {
  const dot = Math.max(-1, Math.min(1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]));
  const angle = Math.acos(dot);
  if (angle < 1e-9) return a;
  const axisRaw = cross(a, b);
  const axis = length(axisRaw) < 1e-9 ? normalize(sub(pivot, scale(a, a[0] * pivot[0] + a[1] * pivot[1] + a[2] * pivot[2]))) : normalize(axisRaw);
  return rotate(a, axis, angle * w);
}

const lerp = (a: Vec3, b: Vec3, w: number): Vec3 => [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w, a[2] + (b[2] - a[2]) * w];
const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);

function frameAlong(bounds: Bounds, basis: Basis, camera: FramingCamera, aspect: number, factor: number): FramedView {
  assertFramable(bounds, aspect);
  const size = sub(bounds.max, bounds.min);
  const center = scale(add(bounds.min, bounds.max), 0.5);
  const back = normalize(basis.back);
  const right = normalize(cross(basis.up, back));
  const up = cross(back, right);
  // Extents of the axis-aligned box seen in the camera frame (exact for the six named directions).
  const extent = (axis: Vec3): number => Math.abs(axis[0]) * size[0] + Math.abs(axis[1]) * size[1] + Math.abs(axis[2]) * size[2];
  const width = extent(right);
  const height = Math.max(extent(up), width / aspect);
  const depth = extent(back);
  const reach = camera.type === 'perspective' ? height / 2 / Math.tan(((camera.fovy * Math.PI) / 180) / 2) : 0;
  const distance = (reach + depth / 2) * factor;
  const view: View = { position: add(center, scale(back, distance)), target: center, up: basis.up };
  const resolved: SnapshotCamera = camera.type === 'perspective' ? { type: 'perspective', fovy: camera.fovy } : { type: 'orthographic', height };
  return { view, camera: resolved };
}

function assertFramable(bounds: Bounds, aspect: number): void {
  if (!(aspect > 0) || !Number.isFinite(aspect)) {
    throw new RenderRecipesError('INTERNAL', `framing needs a positive image aspect ratio, got ${aspect}`);
  }
  const finite = [...bounds.min, ...bounds.max].every(Number.isFinite);
  // R1 reports an empty scene as min = +FLT_MAX, max = -FLT_MAX.
  if (!finite || bounds.min.some((v, i) => v > (bounds.max[i] ?? -Infinity))) {
    throw new RenderRecipesError('RENDER_FAILED', `cannot frame the camera: the scene bounds are empty (${JSON.stringify(bounds)})`, {
      hint: 'the circuit loaded no geometry: check its targets, gids and density',
    });
  }
}

/**
 * Camera-space light directions (x right, y up, z towards the viewer) turned into world space for
 * the given view; world-space lights and ambient lights pass through.
 */
export function resolveLights(lights: LightSpec[], view: View): ResolvedLight[] {
  const back = normalize(sub(view.position, view.target));
  const right = normalize(cross(view.up, back));
  const up = cross(back, right);
  return lights.map((light): ResolvedLight => {
    if (light.type === 'ambient') return { type: 'ambient', color: light.color, intensity: light.intensity };
    const [x, y, z] = light.direction;
    const direction = light.space === 'world' ? light.direction : add(add(scale(right, x), scale(up, y)), scale(back, z));
    return { type: 'directional', color: light.color, intensity: light.intensity, direction };
  });
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

function normalize(a: Vec3): Vec3 {
  const length = Math.hypot(a[0], a[1], a[2]);
  if (length === 0) throw new RenderRecipesError('USAGE', 'a camera view needs distinct position and target, and an up vector not along the view');
  return scale(a, 1 / length);
}
