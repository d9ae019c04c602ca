import type { SceneLight } from '../scene/types.js';
import { QUAD_LIGHT, SPHERE_LIGHT } from './area-lights.js';
import type { CameraFrame } from './camera.js';

/** Lights flattened for the integrator: plain numbers, postable to workers. */
export interface Lighting {
  /** Sum of ambient colour * intensity. */
  ambient: [number, number, number];
  /**
   * 7 numbers per directional light: unit vector towards the light (the opposite of the direction
   * it travels), what a cosine of 1 adds to a white surface r, g, b (colour * intensity / pi for
   * scene lights), and 1 when it casts shadows.
   */
  directional: number[];
  /**
   * 14 numbers per quad or sphere light (area-lights.ts): kind, colour * intensity / pi (the
   * Lambert BRDF's 1 / pi folded in) r, g, b, position xyz, edge1 xyz, edge2 xyz, radius.
   */
  area: number[];
}

/**
 * Brayns has no default light, and an unlit OSPRay scene is black; the seed's R1 snippet adds no
 * lights, so a faithful black frame would help nobody. With no lights at all we light the scene
 * like a viewer would: a headlight along the view direction (so every visible surface facing the
 * camera is lit and spheres read as spheres) plus a little ambient so grazing edges stay visible.
 * The headlight casts no shadows: seen from the camera they would be hidden behind their casters.
 * Black cells stay black under any light, as lighting only scales the cell colour.
 */
export const FALLBACK_AMBIENT = 0.15;
export const FALLBACK_HEADLIGHT = 0.85;

export function resolveLighting(lights: readonly SceneLight[], camera: CameraFrame): Lighting {
  if (lights.length === 0) {
    const [dx, dy, dz] = camera.dir;
    const h = FALLBACK_HEADLIGHT;
    return {
      ambient: [FALLBACK_AMBIENT, FALLBACK_AMBIENT, FALLBACK_AMBIENT],
      directional: [-dx, -dy, -dz, h, h, h, 0],
      area: [],
    };
  }
  const ambient: [number, number, number] = [0, 0, 0];
  const directional: number[] = [];
  const area: number[] = [];
  for (const light of lights) {
    const [r, g, b] = light.color;
    const i = light.intensity;
    if (light.type === 'quad' || light.type === 'sphere') {
      const k = i / Math.PI;
      const [e1, e2, radius] = light.type === 'quad' ? [light.edge1, light.edge2, 0] : [[0, 0, 0], [0, 0, 0], Math.abs(light.radius)];
      area.push(light.type === 'quad' ? QUAD_LIGHT : SPHERE_LIGHT, r * k, g * k, b * k, ...light.position, ...e1, ...e2, radius);
      continue;
    }
    if (light.type === 'ambient') {
      ambient[0] += r * i;
      ambient[1] += g * i;
      ambient[2] += b * i;
      continue;
    }
    const [x, y, z] = light.direction;
    const len = Math.hypot(x, y, z);
    // A zero direction lights nothing (Brayns would produce NaN shading); skip it.
    if (!(len > 0)) continue;
    // OSPRay takes a directional light's intensity as irradiance and shades with a Lambert BRDF
    // (albedo / pi), while ambient intensity is radiance, which the cosine-weighted hemisphere
    // integrates back to albedo * intensity (scivis surfaces.ispc: bsdf.diffuse = Kd / pi,
    // aoColorPi = ambient * pi; DirectionalLight.cpp, AmbientLight.cpp default quantities,
    // which Brayns never changes). The path tracer's Lambert BRDF is the same.
    const k = i / Math.PI;
    directional.push(-x / len, -y / len, -z / len, r * k, g * k, b * k, 1);
  }
  return { ambient, directional, area };
}
