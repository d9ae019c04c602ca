import type { BraynsClient } from '../brayns/index.js';
import type { ErrorCode } from '../errors.js';
import { PROVENANCE_FORMAT, type FileStamp, type ManifestTask, type Provenance } from '../output/index.js';
import type { Plan, PlanScene, PlanTask } from '../plan/index.js';
import { VERSION } from '../version.js';
import type { Resolved } from './render-task.js';

/**
 * The outcome of each task, kept small (one object per task, the resolved view shared between the
 * tasks that used it) because a plan may hold 100,000 tasks. Images themselves are never kept.
 */
export interface TaskRecord {
  status: 'rendered' | 'failed';
  instance: number;
  resolved: Resolved | null;
  renderMs: number;
  postMs: number;
  attempts: number;
  sha256: string | null;
  bytes: number | null;
  /** Size and times of the file right after it was written (for the output index); null when not seen here. */
  stamp: FileStamp | null;
  error: { code: ErrorCode; message: string } | null;
}

export interface InstanceIdentity {
  uri: string;
  version: string | null;
  revision: string | null;
}

export function versionString(client: Pick<BraynsClient, 'version'>): string {
  const { major, minor, patch } = client.version;
  return `${major}.${minor}.${patch}`;
}

export function buildProvenance(plan: Plan, task: PlanTask, scene: PlanScene, resolved: Resolved, instance: InstanceIdentity): Provenance {
  const recipe = plan.recipes.find((r) => r.name === task.recipe);
  const provenance: Provenance = {
    format: PROVENANCE_FORMAT,
    tool: { name: 'render-recipes', version: VERSION },
    taskHash: task.id,
    planHash: plan.hash,
    recipe: { name: task.recipe, file: recipe?.file ?? null, item: task.item, values: task.values },
    scene: { id: scene.id, circuit: scene.circuit },
    frame: task.frame,
    camera: task.camera,
    resolved: { view: resolved.framed.view, camera: resolved.framed.camera, lights: resolved.lights },
    lights: task.lights,
    renderer: task.renderer,
    resolution: task.resolution,
    image: task.image,
    output: task.output,
    brayns: { version: instance.version ?? 'unknown', revision: instance.revision ?? 'unknown' },
  };
  if (task.overlay) provenance.overlay = task.overlay;
  return provenance;
}

/** The manifest entry of one task, from this run's record or the earlier run's entry. */
export function manifestEntry(
  task: PlanTask,
  record: TaskRecord | undefined,
  instances: readonly InstanceIdentity[],
  earlier: ManifestTask | undefined,
  skipped: { sha256?: string; bytes?: number } | undefined,
): ManifestTask {
  const base = { id: task.id, sceneId: task.sceneId, recipe: task.recipe, item: task.item, frame: task.frame };
  if (!record) {
    if (skipped) {
      if (earlier) {
        // The file's bytes decide: an entry recording another sha256 (an older render of the same task put back) takes the file's.
        const moved = skipped.sha256 !== undefined && earlier.output?.sha256 !== skipped.sha256;
        return { ...earlier, ...base, status: 'up to date', ...(moved ? { output: { ...earlier.output, sha256: skipped.sha256 ?? null, bytes: skipped.bytes ?? null } } : {}) };
      }
      return {
        ...base,
        status: 'up to date',
        output: { path: task.output.path, transfer: task.output.transfer, sha256: skipped.sha256 ?? null, bytes: skipped.bytes ?? null },
        resolved: null,
        instance: null,
        timings: null,
        error: null,
      };
    }
    return { ...base, status: 'pending', output: { ...task.output, sha256: null, bytes: null }, resolved: null, instance: null, timings: null, error: null };
  }
  const instance = instances[record.instance];
  return {
    ...base,
    status: record.status,
    output: { path: task.output.path, transfer: task.output.transfer, sha256: record.sha256, bytes: record.bytes },
    resolved: record.resolved && {
      camera: record.resolved.framed.camera,
      view: record.resolved.framed.view,
      lights: record.resolved.lights,
      renderer: task.renderer,
      resolution: task.resolution,
      image: task.image,
    },
    instance: instance ? { uri: instance.uri, version: instance.version ?? 'unknown', revision: instance.revision ?? 'unknown' } : null,
    timings: { renderMs: round(record.renderMs), postMs: round(record.postMs), attempts: record.attempts },
    error: record.error,
  };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
