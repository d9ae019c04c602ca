/**
 * The geometry and protocol types both sides of the wire share: the render-recipes client (which
 * sends them) and the built-in server (which honours them). Revision-neutral; each revision's wire
 * spelling lives in the client's adapters and the server's personas.
 */
export type Vec3 = [number, number, number];
export type Rgb = [number, number, number];
export type Rgba = [number, number, number, number];

/** The three Brayns protocol generations in use (see PROTOCOL.md). */
export type Revision = 'R1' | 'R2' | 'R3';

export interface BraynsVersion {
  major: number;
  minor: number;
  patch: number;
  revision: string;
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export interface View {
  position: Vec3;
  target: Vec3;
  up: Vec3;
}

export type ResolvedLight =
  | { type: 'ambient'; color: Rgb; intensity: number }
  | { type: 'directional'; color: Rgb; intensity: number; direction: Vec3 };

export interface RendererSpec {
  type: 'interactive' | 'production';
  samplesPerPixel: number;
  maxRayBounces: number;
  /** Linear RGBA in [0, 1]; alpha 0 gives a transparent PNG background. */
  background: Rgba;
  shadows: boolean;
  aoSamples: number;
}

/** A camera as sent with a snapshot (the view is already resolved); the provenance and overlays record it too. */
export type SnapshotCamera =
  | { type: 'perspective'; fovy: number }
  | { type: 'orthographic'; height: number };
