import type { CircuitSpec, Plan, PlanTask, ViewSpec } from './types.js';

/** What the runner will do with a task, and why ("up to date", "missing", "recipe changed", "forced"). */
export interface TaskStatus {
  action: 'render' | 'skip';
  reason: string;
}

export interface PlanSummaryOptions {
  /** Adds a status column and counts (the runner passes what it found on disk). */
  status?: ReadonlyMap<string, TaskStatus>;
  /** Rows shown per scene and matrix items per recipe before "... and N more" (default 20). */
  maxRows?: number;
  /** Where outputs go (shown in the header); default the current directory. */
  outDir?: string;
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The human view of a plan: recipes and what their matrix expanded to, scenes, and tasks per scene. */
export function formatPlanSummary(plan: Plan, options: PlanSummaryOptions = {}): string {
  const max = options.maxRows ?? 20;
  const status = options.status;
  const lines: string[] = [];
  lines.push(`plan ${plan.hash.slice(0, 16)}: ${plural(plan.recipes.length, 'recipe')}, ${plural(plan.scenes.length, 'scene')}, ${plural(plan.tasks.length, 'task')}`);
  if (options.outDir !== undefined) lines.push(`output directory: ${options.outDir}`);
  if (status) lines.push(statusCounts(plan.tasks, status));

  const tasksByRecipe = countBy(plan.tasks, (t) => t.recipe);
  lines.push('', 'recipes:');
  for (const recipe of plan.recipes) {
    const items = recipe.items.length === 1 && recipe.items[0]?.id === '' ? '' : `, matrix: ${plural(recipe.items.length, 'item')}`;
    lines.push(`  ${recipe.name} (${recipe.file}): ${plural(tasksByRecipe.get(recipe.name) ?? 0, 'task')}${items}`);
    if (items === '') continue;
    for (const item of recipe.items.slice(0, max)) {
      const values = Object.entries(item.values).map(([k, v]) => `${k}=${String(v)}`);
      lines.push(`    ${item.id}  ${values.join('  ')}`);
    }
    if (recipe.items.length > max) lines.push(`    ... and ${plural(recipe.items.length - max, 'more item')}`);
  }

  const tasksByScene = new Map<string, PlanTask[]>();
  for (const task of plan.tasks) {
    const list = tasksByScene.get(task.sceneId);
    if (list) list.push(task);
    else tasksByScene.set(task.sceneId, [task]);
  }
  lines.push('', 'scenes:');
  for (const scene of plan.scenes) {
    const tasks = tasksByScene.get(scene.id) ?? [];
    lines.push(`  ${scene.id}  ${describeCircuit(scene.circuit)}: ${plural(tasks.length, 'task')}`);
    for (const task of tasks.slice(0, max)) {
      const state = status?.get(task.id);
      const column = status ? `${(state ? `${state.action} (${state.reason})` : 'render').padEnd(24)} ` : '';
      lines.push(`    ${column}${task.id}  ${task.recipe}${task.item ? `/${task.item}` : ''}  frame ${task.frame}  ${describeTask(task)}  -> ${task.output.path}${task.output.transfer === 'server' ? ' (written by the server)' : ''}`);
    }
    if (tasks.length > max) lines.push(`    ... and ${plural(tasks.length - max, 'more task')} (--all shows every task, --json the full plan)`);
  }
  const movies = plan.movies ?? [];
  if (movies.length > 0) {
    lines.push('', 'movies (built with ffmpeg once all their frames are rendered):');
    for (const m of movies) {
      lines.push(`  ${m.id}  ${m.recipe}${m.item ? `/${m.item}` : ''}  ${plural(m.frames.length, 'frame')} ${m.size[0]}x${m.size[1]} at ${m.fps} fps, ${m.codec} crf ${m.crf}  -> ${m.path}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function statusCounts(tasks: readonly PlanTask[], status: ReadonlyMap<string, TaskStatus>): string {
  const counts = new Map<string, Map<string, number>>();
  for (const task of tasks) {
    const s = status.get(task.id) ?? { action: 'render', reason: 'missing' };
    const reasons = counts.get(s.action) ?? new Map<string, number>();
    reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    counts.set(s.action, reasons);
  }
  const part = (action: string): string => {
    const reasons = counts.get(action);
    if (!reasons) return `${action} 0`;
    const total = [...reasons.values()].reduce((a, b) => a + b, 0);
    return `${action} ${total} (${[...reasons.entries()].map(([r, n]) => `${r} ${n}`).join(', ')})`;
  };
  return `${part('render')}; ${part('skip')}`;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

function describeCircuit(c: CircuitSpec): string {
  const cells = [`density ${c.density}`, ...(c.targets ? [`targets ${c.targets.join(',')}`] : []), ...(c.gids ? [`${c.gids.length} gids`] : [])];
  const report = c.report.type === 'spikes' ? `spikes (${c.report.transitionTime} ms)` : c.report.type === 'compartment' ? `report ${c.report.name}` : 'no report';
  const shape = c.morphology ? `morphology ${Object.entries(c.morphology).filter(([, on]) => on).map(([k]) => k).join('+') || 'none'}` : 'soma spheres';
  return `${c.path} [${c.loader}, ${cells.join(', ')}, ${report}, radius x${c.radiusMultiplier}, ${shape}]`;
}

function describeView(view: ViewSpec): string {
  if (view.kind === 'full-screen') return 'full-screen';
  if (view.kind === 'direction') return view.distance === 1 ? view.direction : `${view.direction} x${view.distance}`;
  if (view.kind === 'orbit') return `${describeView(view.around)} turned ${round(view.degrees)}° about ${view.axis}`;
  if (view.kind === 'blend') return `${describeView(view.from)} -> ${describeView(view.to)} at ${round(view.weight)}`;
  return `from [${view.position.join(', ')}] to [${view.target.join(', ')}]`;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

function describeTask(t: PlanTask): string {
  const camera = t.camera.type === 'perspective' ? `perspective ${t.camera.fovy}°` : 'orthographic';
  return `${t.resolution[0]}x${t.resolution[1]} ${camera} ${describeView(t.camera.view)} ${t.renderer.type} ${t.renderer.samplesPerPixel}spp ${t.image.format}`;
}
