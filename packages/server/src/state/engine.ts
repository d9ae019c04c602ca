import type { View } from '@render-recipes/protocol';
import type { Rgba } from '@render-recipes/protocol';

/** Camera, renderer and application settings shared by every client, with Brayns' defaults. */

export interface PerspectiveParams {
  fovy: number;
  aperture_radius: number;
  focus_distance: number;
}

export interface OrthographicParams {
  height: number;
}

export type CameraObject = { type: 'perspective'; params: PerspectiveParams } | { type: 'orthographic'; params: OrthographicParams };

export interface CameraState {
  object: CameraObject;
  view: View;
  /** R3 `set-camera-near-clip`; Brayns and OSPRay default to 1e-6 (engine/camera/Camera.h@3.10.1). */
  nearClip: number;
  /** R3 `set-camera-region`, wire convention (y from the bottom); Brayns' default flips y. */
  region: CameraRegion;
}

export interface CameraRegion {
  image_start: [number, number];
  image_end: [number, number];
}

export interface InteractiveParams {
  samples_per_pixel: number;
  max_ray_bounces: number;
  background_color: Rgba;
  enable_shadows: boolean;
  ao_samples: number;
}

export interface ProductionParams {
  samples_per_pixel: number;
  max_ray_bounces: number;
  background_color: Rgba;
}

export type RendererObject = { type: 'interactive'; params: InteractiveParams } | { type: 'production'; params: ProductionParams };

export const defaultPerspective = (): PerspectiveParams => ({ fovy: 45, aperture_radius: 0, focus_distance: 1 });
export const defaultOrthographic = (): OrthographicParams => ({ height: 1 });

/** Brayns' default camera: perspective at the origin looking down +z (engine/Camera.h). */
export function defaultCamera(): CameraState {
  return {
    object: { type: 'perspective', params: defaultPerspective() },
    view: { position: [0, 0, 0], target: [0, 0, 1], up: [0, 1, 0] },
    nearClip: 1e-6,
    region: { image_start: [0, 1], image_end: [1, 0] },
  };
}

export interface ApplicationState {
  viewport: [number, number];
  /** R1 only: quality of the viewport JPEG stream. */
  jpegQuality: number;
  plugins: string[];
}

export function defaultApplication(): ApplicationState {
  return { viewport: [800, 600], jpegQuality: 90, plugins: ['braynsCircuitExplorer'] };
}
