import { resolveCamera, resolveLights, type Bounds, type BraynsClient, type FramedView, type ResolvedLight, type SnapshotRequest } from '../brayns/index.js';
import { RenderRecipesError } from '../errors.js';
import type { PlanTask } from '../plan/index.js';

/** What one instance currently has: the loaded scene's bounds and the lights last sent. */
export interface InstanceScene {
  sceneId: string;
  bounds: Bounds;
  /** Canonical form of the lights the server has now (null = unknown, e.g. after a reconnect). */
  lightsKey: string | null;
  /** Resolved views per camera/aspect; tasks of one scene share a handful of them. */
  framing: Map<string, FramedView>;
  /** Resolved camera + lights, shared by every task that asks for the same (and kept per task in the results). */
  resolved: Map<string, Resolved>;
}

export interface Resolved {
  framed: FramedView;
  lights: ResolvedLight[];
}

export interface RenderRequestOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** Absolute output path for `transfer: server` (the server writes it). */
  serverPath: string | null;
  /** Each progress notification of the snapshot (a working server, not a stalled one). */
  onProgress?: () => void;
}

/** Frames the camera from the loaded bounds (aspect from the resolution) and resolves the lights. */
export function resolveTask(task: PlanTask, scene: InstanceScene): Resolved {
  const aspect = task.resolution[0] / task.resolution[1];
  const key = `${JSON.stringify(task.camera)}|${aspect}`;
  let framed = scene.framing.get(key);
  if (!framed) {
    framed = resolveCamera(task.camera, scene.bounds, aspect);
    scene.framing.set(key, framed);
  }
  const fullKey = `${key}|${JSON.stringify(task.lights)}`;
  let resolved = scene.resolved.get(fullKey);
  if (!resolved) {
    resolved = { framed, lights: resolveLights(task.lights, framed.view) };
    scene.resolved.set(fullKey, resolved);
  }
  return resolved;
}

/**
 * Sends one task to an instance that has its scene loaded: lights only when they differ from what
 * the server has (3.x servers keep lights across snapshots), then one snapshot carrying camera,
 * view, renderer and frame. Resolves once the snapshot request is on the wire, with the pending
 * reply (PNG bytes, or null when the server wrote the file): the caller may send the next task
 * meanwhile, which the server queues behind this one, so it never idles between two renders.
 */
export async function sendTask(
  client: BraynsClient,
  task: PlanTask,
  scene: InstanceScene,
  resolved: Resolved,
  options: RenderRequestOptions,
): Promise<{ reply: Promise<Buffer | null> }> {
  const request = { signal: options.signal, timeoutMs: options.timeoutMs, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  const lightsKey = JSON.stringify(resolved.lights);
  if (lightsKey !== scene.lightsKey) {
    scene.lightsKey = null; // unknown until every light is in
    await client.clearLights(request);
    for (const light of resolved.lights) await client.addLight(light, request);
    scene.lightsKey = lightsKey;
  }
  const snapshot: SnapshotRequest = {
    size: task.resolution,
    format: 'png',
    camera: resolved.framed.camera,
    view: resolved.framed.view,
    renderer: task.renderer,
    frame: task.frame,
  };
  if (options.serverPath !== null) {
    const format = task.image.format;
    if (format !== 'png' && format !== 'jpg') {
      throw new RenderRecipesError('USAGE', `\`transfer: server\` can write png or jpg only (Brayns encodes the file), got ${format} for ${task.output.path}`, {
        hint: 'use `transfer: download` for webp and tiff: render-recipes transcodes them',
      });
    }
    snapshot.format = format;
    if (task.image.quality !== null) snapshot.quality = task.image.quality;
    snapshot.filePath = options.serverPath;
  }
  const reply = client.snapshot(snapshot, request).then((bytes) => {
    if (options.serverPath === null && bytes === null) {
      throw new RenderRecipesError('PROTOCOL', `${client.uri} answered a snapshot without image data`);
    }
    return bytes;
  });
  // Awaited by the caller later; until then a rejection must not count as unhandled.
  reply.catch(() => undefined);
  return { reply };
}
