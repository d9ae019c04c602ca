import { describe, expect, it } from 'vitest';
import { directionView, fullScreenView, resolveCamera, resolveLights } from '../../src/brayns/framing.js';
import type { Bounds, View } from '../../src/brayns/types.js';
import type { Vec3, ViewDirection } from '../../src/plan/types.js';

const EXAMPLE: Bounds = { min: [0, -100, 50], max: [400, 1900, 450] };
const WIDE: Bounds = { min: [0, 0, 0], max: [4000, 1000, 100] };
const t = Math.tan((22.5 * Math.PI) / 180);

function close(actual: number[], expected: number[], digits = 4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

describe('fullScreenView (the 3.x rule)', () => {
  it('reproduces the protocol reference example: position (200, 900, 2864.2136)', () => {
    const { view, camera } = fullScreenView(EXAMPLE, { type: 'perspective', fovy: 45 }, 1920 / 1080);
    close(view.position, [200, 900, 2864.2136]);
    expect(view.target).toEqual([200, 900, 250]);
    expect(view.up).toEqual([0, 1, 0]);
    expect(camera).toEqual({ type: 'perspective', fovy: 45 });
  });

  it('frames a wide model by width / aspect where R1 would crop it', () => {
    const aspect = 16 / 9;
    const { view } = fullScreenView(WIDE, { type: 'perspective', fovy: 45 }, aspect);
    const height = 4000 / aspect; // 2250 > 1000
    close(view.position, [2000, 500, 50 + height / 2 / t + 50]);
  });

  it('gives orthographic cameras height\' as projection height and stands depth / 2 in front of the center', () => {
    const { view, camera } = fullScreenView(WIDE, { type: 'orthographic' }, 16 / 9);
    expect(camera).toEqual({ type: 'orthographic', height: 2250 });
    close(view.position, [2000, 500, 100]);
  });

  it('refuses empty bounds (R1 reports an empty scene as +FLT_MAX..-FLT_MAX) with a clear error', () => {
    const empty: Bounds = { min: [3.4e38, 3.4e38, 3.4e38], max: [-3.4e38, -3.4e38, -3.4e38] };
    expect(() => fullScreenView(empty, { type: 'perspective', fovy: 45 }, 1)).toThrow(expect.objectContaining({ code: 'RENDER_FAILED' }));
  });
});

/** Projects a world point with a perspective camera into normalised image coordinates (|x|,|y| <= 1 = visible). */
function project(point: Vec3, view: View, fovy: number, aspect: number): [number, number] {
  const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const norm = (a: Vec3): Vec3 => { const l = Math.hypot(...a); return [a[0] / l, a[1] / l, a[2] / l]; };
  const forward = norm(sub(view.target, view.position));
  const right = norm(cross(forward, view.up));
  const up = cross(right, forward);
  const d = sub(point, view.position);
  const depth = dot(d, forward);
  const tan = Math.tan(((fovy / 2) * Math.PI) / 180);
  return [dot(d, right) / (depth * tan * aspect), dot(d, up) / (depth * tan)];
}

function corners(b: Bounds): Vec3[] {
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [(i & 1 ? b.max : b.min)[0], (i & 2 ? b.max : b.min)[1], (i & 4 ? b.max : b.min)[2]]);
}

describe('directionView', () => {
  const directions: ViewDirection[] = ['front', 'back', 'left', 'right', 'top', 'bottom'];

  it.each(directions.flatMap((d) => [[d, 16 / 9], [d, 1], [d, 0.5]] as const))('%s at aspect %d keeps every corner in the image and touches an edge', (direction, aspect) => {
    const { view } = directionView(EXAMPLE, { type: 'perspective', fovy: 45 }, aspect, direction);
    const projected = corners(EXAMPLE).map((c) => project(c, view, 45, aspect));
    const extent = Math.max(...projected.flatMap(([x, y]) => [Math.abs(x), Math.abs(y)]));
    expect(extent).toBeCloseTo(1, 6);
  });

  it.each([
    ['front', [200, 900, 250 + 2614.2136], [0, 1, 0]],
    ['back', [200, 900, 250 - 2614.2136], [0, 1, 0]],
    ['left', [200 - (1000 / t + 200), 900, 250], [0, 1, 0]],
    ['right', [200 + (1000 / t + 200), 900, 250], [0, 1, 0]],
    ['top', [200, 900 + (200 / t + 1000), 250], [0, 0, -1]],
    ['bottom', [200, 900 - (200 / t + 1000), 250], [0, 0, 1]],
  ] as const)('places the camera for %s', (direction, position, up) => {
    const { view } = directionView(EXAMPLE, { type: 'perspective', fovy: 45 }, 1, direction);
    close(view.position, [...position]);
    expect(view.up).toEqual(up);
    expect(view.target).toEqual([200, 900, 250]);
  });

  it('scales the distance to the center by the distance factor', () => {
    const { view } = directionView(EXAMPLE, { type: 'perspective', fovy: 45 }, 16 / 9, 'front', 2);
    close(view.position, [200, 900, 250 + 2 * (1000 / t + 200)]);
  });
});

describe('resolveCamera', () => {
  it('keeps an explicit view and frames an orthographic height from the bounds seen along it', () => {
    const view = { position: [200, 900, 5000] as Vec3, target: [200, 900, 250] as Vec3, up: [0, 1, 0] as Vec3 };
    const framed = resolveCamera({ type: 'orthographic', height: null, view: { kind: 'explicit', ...view } }, EXAMPLE, 1);
    expect(framed).toEqual({ view, camera: { type: 'orthographic', height: 2000 } });
  });

  it('uses a given orthographic height as is', () => {
    const framed = resolveCamera({ type: 'orthographic', height: 42, view: { kind: 'full-screen' } }, EXAMPLE, 1);
    expect(framed.camera).toEqual({ type: 'orthographic', height: 42 });
  });

  it('needs no bounds for a perspective camera with an explicit view', () => {
    const empty: Bounds = { min: [1, 1, 1], max: [-1, -1, -1] };
    const framed = resolveCamera({ type: 'perspective', fovy: 30, view: { kind: 'explicit', position: [0, 0, 10], target: [0, 0, 0], up: [0, 1, 0] } }, empty, 1);
    expect(framed.camera).toEqual({ type: 'perspective', fovy: 30 });
  });
});

describe('resolveLights', () => {
  const right = directionView(EXAMPLE, { type: 'perspective', fovy: 45 }, 1, 'right').view;

  it('turns camera-space directions (x right, y up, z towards the viewer) into world space', () => {
    const [key, fill] = resolveLights(
      [
        { type: 'directional', color: [1, 1, 1], intensity: 1, direction: [0, 0, -1], space: 'camera' },
        { type: 'directional', color: [1, 1, 1], intensity: 0.5, direction: [1, 0, 0], space: 'camera' },
      ],
      right,
    );
    // Seen from +x, "into the screen" is -x and "screen right" is -z.
    close((key as { direction: number[] }).direction, [-1, 0, 0]);
    close((fill as { direction: number[] }).direction, [0, 0, -1]);
  });

  it('passes world-space and ambient lights through', () => {
    const lights = resolveLights(
      [
        { type: 'ambient', color: [1, 1, 1], intensity: 0.3 },
        { type: 'directional', color: [1, 0, 0], intensity: 1, direction: [0, -1, 0], space: 'world' },
      ],
      right,
    );
    expect(lights).toEqual([
      { type: 'ambient', color: [1, 1, 1], intensity: 0.3 },
      { type: 'directional', color: [1, 0, 0], intensity: 1, direction: [0, -1, 0] },
    ]);
  });
});
