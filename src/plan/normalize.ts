import { normalizeColormap, toRgba, type RawCamera, type RawCircuit, type RawLight, type RawRecipe, type RawRenderer, type RawView } from '../recipe/index.js';
import type { CameraSpec, CircuitSpec, LightSpec, RendererSpec, ReportSpec, ViewSpec } from './types.js';

/**
 * Turns checked raw recipe sections into plan specs with every default filled in, so the plan
 * says exactly what is rendered. Defaults follow Brayns' own (InteractiveRenderer.default(),
 * ProductionRenderer.default(), PerspectiveCamera) so a recipe renders like the Python client would.
 */
export const RESOLUTION_PRESETS: Readonly<Record<string, [number, number]>> = {
  hd: [1280, 720],
  'full-hd': [1920, 1080],
  '4k': [3840, 2160],
  '8k': [7680, 4320],
};

export const DEFAULT_BACKGROUND: [number, number, number, number] = [0.004, 0.016, 0.102, 0];

const RENDERER_DEFAULTS = {
  interactive: { samplesPerPixel: 1, maxRayBounces: 3 },
  production: { samplesPerPixel: 128, maxRayBounces: 7 },
} as const;

/** 3.x servers start with no light, so a recipe without `lights` gets this rig: fill plus a key light that follows the camera. */
export const DEFAULT_LIGHTS: readonly LightSpec[] = [
  { type: 'ambient', color: [1, 1, 1], intensity: 0.4 },
  { type: 'directional', color: [1, 1, 1], intensity: 0.9, direction: [0.5, -0.5, -1], space: 'camera' },
];

export function normalizeCircuit(circuit: RawCircuit): CircuitSpec {
  const report = circuit.report;
  let reportSpec: ReportSpec = { type: 'none' };
  if (report?.type === 'spikes' || report?.type === 'compartment') {
    const colormap = normalizeColormap(report.colormap, report.type);
    reportSpec = report.type === 'spikes' ? { type: 'spikes', transitionTime: report.transition_time ?? 1 } : { type: 'compartment', name: report.name ?? '' };
    if (colormap) reportSpec.colormap = colormap;
  }
  const morphology = circuit.morphology;
  return {
    path: circuit.path,
    loader: circuit.loader ?? 'bbp',
    density: circuit.cells?.density ?? 1,
    targets: circuit.cells?.targets ?? null,
    gids: circuit.cells?.gids ?? null,
    report: reportSpec,
    radiusMultiplier: circuit.radius_multiplier ?? 1,
    morphology: morphology ? { soma: morphology.soma ?? true, axon: morphology.axon ?? false, dendrites: morphology.dendrites ?? false } : null,
  };
}

export function normalizeView(view: RawView | undefined): ViewSpec {
  if (view === undefined || view === 'full-screen') return { kind: 'full-screen' };
  if (typeof view === 'string') return { kind: 'direction', direction: view, distance: 1 };
  if ('direction' in view) return { kind: 'direction', direction: view.direction, distance: view.distance ?? 1 };
  return { kind: 'explicit', position: view.position, target: view.target, up: view.up ?? [0, 1, 0] };
}

export function normalizeCamera(camera: RawCamera | undefined): CameraSpec {
  const view = normalizeView(camera?.view);
  if (camera?.type === 'orthographic') return { type: 'orthographic', height: camera.height ?? null, view };
  return { type: 'perspective', fovy: camera?.fovy ?? 45, view };
}

export function normalizeRenderer(renderer: RawRenderer | undefined): RendererSpec {
  const type = renderer?.type ?? 'interactive';
  const defaults = RENDERER_DEFAULTS[type];
  return {
    type,
    samplesPerPixel: renderer?.samples_per_pixel ?? defaults.samplesPerPixel,
    maxRayBounces: renderer?.max_ray_bounces ?? defaults.maxRayBounces,
    background: renderer?.background === undefined ? [...DEFAULT_BACKGROUND] : toRgba(renderer.background),
    shadows: renderer?.shadows ?? true,
    aoSamples: renderer?.ao_samples ?? 0,
  };
}

export function normalizeLights(lights: RawLight[] | undefined): LightSpec[] {
  if (lights === undefined) return DEFAULT_LIGHTS.map((l) => ({ ...l }));
  return lights.map((light): LightSpec => {
    const [r, g, b] = light.color === undefined ? [1, 1, 1] : toRgba(light.color);
    const color: [number, number, number] = [r, g, b];
    const intensity = light.intensity ?? 1;
    if (light.type === 'ambient') return { type: 'ambient', color, intensity };
    return { type: 'directional', color, intensity, direction: light.direction, space: light.space ?? 'camera' };
  });
}

export function normalizeResolution(resolution: RawRecipe['resolution']): [number, number] {
  if (resolution === undefined) return [...(RESOLUTION_PRESETS['full-hd'] ?? [1920, 1080])];
  if (typeof resolution === 'string') return [...(RESOLUTION_PRESETS[resolution] ?? [1920, 1080])];
  return [resolution[0], resolution[1]];
}

/** How a view is named in output paths (`{view}`): its name, or a short hash for explicit views. */
export function viewLabel(view: ViewSpec, explicitId: () => string): string {
  if (view.kind === 'full-screen') return 'full-screen';
  if (view.kind === 'direction') return view.distance === 1 ? view.direction : `${view.direction}-x${view.distance}`;
  return `view-${explicitId()}`;
}
