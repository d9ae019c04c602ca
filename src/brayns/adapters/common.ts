import { RenderRecipesError } from '../../errors.js';
import type { CircuitSpec, RendererSpec, Vec3 } from '../../plan/index.js';
import type { Bounds, ModelInfo, ResolvedLight, SimulationParameters, SnapshotCamera, SnapshotRequest, View } from '../types.js';
import type { Call } from './adapter.js';

/** Wire shapes every revision shares; each adapter composes these with its own differences. */

export const BBP_LOADER = 'BBP loader';
export const SONATA_LOADER = 'SONATA loader';

/** `{name, params}` for snapshots: params are always sent, R2/R3 fail without them. */
export function cameraObject(camera: SnapshotCamera): { name: string; params: Record<string, number> } {
  return { name: camera.type, params: cameraParams(camera) };
}

export function cameraParams(camera: SnapshotCamera): Record<string, number> {
  return camera.type === 'perspective' ? { fovy: camera.fovy, aperture_radius: 0, focus_distance: 1 } : { height: camera.height };
}

export function rendererObject(renderer: RendererSpec): { name: string; params: Record<string, unknown> } {
  return { name: renderer.type, params: rendererParams(renderer) };
}

export function rendererParams(renderer: RendererSpec): Record<string, unknown> {
  const common = {
    samples_per_pixel: renderer.samplesPerPixel,
    max_ray_bounces: renderer.maxRayBounces,
    background_color: [...renderer.background],
  };
  // The production (path tracer) renderer has no shadow or AO switches in any revision.
  if (renderer.type === 'production') return common;
  return { ...common, enable_shadows: renderer.shadows, ao_samples: renderer.aoSamples };
}

export function viewParams(view: View): { position: Vec3; target: Vec3; up: Vec3 } {
  return { position: [...view.position], target: [...view.target], up: [...view.up] };
}

export function lightCall(light: ResolvedLight): Call {
  if (light.type === 'ambient') return { method: 'add-light-ambient', params: { color: [...light.color], intensity: light.intensity } };
  return { method: 'add-light-directional', params: { color: [...light.color], intensity: light.intensity, direction: [...light.direction] } };
}

/** Snapshot keys valid in every revision, in the Python client's order. */
export function snapshotParams(request: SnapshotRequest, filePath: string | undefined): Record<string, unknown> {
  const imageSettings: Record<string, unknown> = { format: request.format, size: [...request.size] };
  // quality only matters to JPEG; Python sends it only then.
  if (request.format === 'jpg' && request.quality !== undefined) imageSettings.quality = request.quality;
  return {
    ...(filePath !== undefined ? { file_path: filePath } : {}),
    image_settings: imageSettings,
    ...(request.frame !== undefined ? { simulation_frame: request.frame } : {}),
    camera_view: viewParams(request.view),
    camera: cameraObject(request.camera),
    renderer: rendererObject(request.renderer),
  };
}

/** The server picks the written file's format from `filePath`'s extension (R2/R3) or appends it (R1). */
export function assertFileExtension(request: SnapshotRequest): void {
  if (request.filePath !== undefined && !request.filePath.toLowerCase().endsWith(`.${request.format}`)) {
    throw new RenderRecipesError('USAGE', `a server-written snapshot must end in .${request.format} to be encoded as ${request.format}, got ${request.filePath}`);
  }
}

export function bounds(raw: unknown): Bounds {
  const b = raw as { min?: unknown; max?: unknown } | undefined;
  return { min: vec3(b?.min), max: vec3(b?.max) };
}

function vec3(raw: unknown): Vec3 {
  return Array.isArray(raw) && raw.length === 3 ? [Number(raw[0]), Number(raw[1]), Number(raw[2])] : [0, 0, 0];
}

export function modelInfo(raw: unknown, metadata: unknown, type: unknown): ModelInfo {
  const m = raw as { model_id?: unknown; bounds?: unknown; is_visible?: unknown };
  if (typeof m?.model_id !== 'number') throw protocolError('a model object', raw);
  return {
    id: m.model_id,
    bounds: bounds(m.bounds),
    metadata: stringRecord(metadata),
    visible: m.is_visible !== false,
    ...(typeof type === 'string' ? { type } : {}),
  };
}

function stringRecord(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

export function simulation(raw: unknown): SimulationParameters {
  const s = raw as Record<string, unknown> | null;
  if (s === null || typeof s !== 'object') throw protocolError('simulation parameters', raw);
  return {
    startFrame: Number(s.start_frame ?? 0),
    endFrame: Number(s.end_frame ?? 0),
    current: Number(s.current ?? 0),
    dt: Number(s.dt ?? 0),
    unit: typeof s.unit === 'string' ? s.unit : 'ms',
  };
}

export function reportProperties(circuit: CircuitSpec): Record<string, unknown> {
  const report = circuit.report;
  switch (report.type) {
    case 'none':
      return { report_type: 'none' };
    case 'spikes':
      return { report_type: 'spikes', spike_transition_time: report.transitionTime };
    case 'compartment':
      return { report_type: 'compartment', report_name: report.name };
  }
}

/** Morphology sections, refusing the all-false set that means "spheres" only in R3. */
export function sections(circuit: CircuitSpec): { soma: boolean; axon: boolean; dendrites: boolean } | null {
  const m = circuit.morphology;
  if (m && !m.soma && !m.axon && !m.dendrites) {
    throw new RenderRecipesError('USAGE', `circuit ${circuit.path}: morphology loads no section (soma, axon and dendrites are all false)`, {
      hint: 'enable at least one section, or leave morphology unset for one sphere per soma',
    });
  }
  return m;
}

/**
 * The BBP loader's add-model call. Revisions differ only in how cells are selected and in which
 * soma flag means "one sphere per soma" (R1/R2: soma on; R3: every section off), so those come in.
 * Every section flag is always sent: R2 zero-fills the ones left out.
 */
export function bbpLoadCall(circuit: CircuitSpec, selection: Record<string, unknown>, sphereModeSoma: boolean): Call {
  const m = sections(circuit);
  return {
    method: 'add-model',
    params: {
      path: circuit.path,
      loader_name: BBP_LOADER,
      loader_properties: {
        ...selection,
        ...reportProperties(circuit),
        neuron_morphology_parameters: {
          radius_multiplier: circuit.radiusMultiplier,
          load_soma: m ? m.soma : sphereModeSoma,
          load_axon: m ? m.axon : false,
          load_dendrites: m ? m.dendrites : false,
        },
        load_afferent_synapses: false,
        load_efferent_synapses: false,
      },
    },
  };
}

export function nonEmpty<T>(list: T[] | null): T[] | undefined {
  return list !== null && list.length > 0 ? [...list] : undefined;
}

export function protocolError(expected: string, found: unknown): RenderRecipesError {
  return new RenderRecipesError('PROTOCOL', `expected ${expected} from Brayns, got ${JSON.stringify(found)?.slice(0, 200)}`);
}

export function unsupported(revision: string, what: string, hint: string): RenderRecipesError {
  return new RenderRecipesError('CAPABILITY', `${what} is not available on ${revision} servers`, { hint });
}
