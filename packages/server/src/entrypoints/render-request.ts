import type { View } from '@render-recipes/protocol';
import type { RendererSpec } from '@render-recipes/protocol';
import type { RenderCamera, RenderModel, RenderRequest } from '../scene/types.js';
import type { CameraObject, CameraRegion, RendererObject } from '../state/engine.js';
import { transformCircuit } from '../state/transform.js';
import { renderClipping } from './clipping.js';
import type { ServerContext } from './types.js';
import { colorPipeline } from '../render/color-pipeline.js';
import { braynsFirstSample } from '../render/pixel-sample.js';

/** What one snapshot renders, after the snapshot params were resolved against the main state. */
export interface SnapshotScene {
  width: number;
  height: number;
  camera: CameraObject;
  view: View;
  renderer: RendererObject;
  /** Simulation frame for this render only (the global `current` is left alone). */
  frame: number;
  /** Near clip distance (0 = none). */
  nearClip: number;
  /** R3 camera image region (wire convention, y from the bottom). */
  region: CameraRegion;
}

export function rendererSpec(renderer: RendererObject): RendererSpec {
  const p = renderer.params;
  return {
    type: renderer.type,
    samplesPerPixel: p.samples_per_pixel,
    maxRayBounces: p.max_ray_bounces,
    background: [...p.background_color],
    // The production renderer (a path tracer) always casts shadows and has no AO setting.
    shadows: 'enable_shadows' in p ? p.enable_shadows : true,
    aoSamples: 'ao_samples' in p ? p.ao_samples : 0,
  };
}

export function renderCamera(camera: CameraObject, view: View, nearClip: number, r: CameraRegion): RenderCamera {
  const clip = nearClip > 0 ? { nearClip } : {};
  const region = { x: [r.image_start[0], r.image_end[0]] as [number, number], yTop: [1 - r.image_start[1], 1 - r.image_end[1]] as [number, number] };
  return camera.type === 'perspective'
    ? { type: 'perspective', fovy: camera.params.fovy, view, region, ...clip }
    : { type: 'orthographic', height: camera.params.height, view, region, ...clip };
}

/** The scene-layer request: visible circuits in world space, coloured for `frame`, and the scene's lights. */
export function buildRenderRequest(server: ServerContext, scene: SnapshotScene): RenderRequest {
  const { persona, state } = server;
  const models: RenderModel[] = [];
  for (const model of state.scene.list()) {
    if (!model.visible || !model.circuit) continue;
    const circuit = model.circuit;
    const cells = circuit.colorCount ?? circuit.gids.length;
    const ramp = model.colorRamp && model.colorTable ? { table: model.colorTable, range: model.colorRamp.range } : undefined;
    const simulated =
      model.simulationEnabled && circuit.simulation
        ? circuit.colorsAt(persona.simulation.frameToTime(scene.frame, circuit.simulation), ramp)
        : null;
    let colors = simulated ?? model.colors ?? null;
    if (!colors) {
      colors = new Float32Array(cells * 4);
      for (let i = 0; i < cells; i += 1) colors.set(persona.models.defaultColor, i * 4);
    }
    models.push({ circuit: transformCircuit(circuit, model.transform), colors, ...(model.material ? { material: model.material } : {}) });
  }
  return {
    width: scene.width,
    height: scene.height,
    camera: renderCamera(scene.camera, scene.view, scene.nearClip, scene.region),
    renderer: rendererSpec(scene.renderer),
    colorPipeline: colorPipeline(persona.revision),
    pixelSample: braynsFirstSample(persona.revision),
    sampleSequence: persona.revision,
    // With no light in the scene the renderer supplies its own fallback look.
    lights: state.scene.lights(),
    models,
    clipping: renderClipping(state.scene.list()),
  };
}
