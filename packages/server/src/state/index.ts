import { defaultApplication, defaultCamera, type ApplicationState, type CameraState, type RendererObject } from './engine.js';
import { staticFramebuffer, type FramebufferMode } from './framebuffer-mode.js';
import { SceneState } from './scene.js';
import { defaultSimulation, type SimulationState } from './simulation.js';

/** Everything the entrypoints share: one scene, camera, renderer and simulation per server. */
export interface ServerState {
  scene: SceneState;
  camera: CameraState;
  renderer: RendererObject;
  application: ApplicationState;
  simulation: SimulationState;
  /** R3 `set-framebuffer-static` / `set-framebuffer-progressive`. */
  framebuffer: FramebufferMode;
}

export function createState(renderer: RendererObject): ServerState {
  return {
    scene: new SceneState(),
    camera: defaultCamera(),
    renderer,
    application: defaultApplication(),
    simulation: defaultSimulation(),
    framebuffer: staticFramebuffer(),
  };
}
