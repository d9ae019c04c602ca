import { canonicalJson, sha256Hex } from '../canonical-json.js';
import { type PathSegment, type Problem, showValue } from './diagnostics.js';
import { schemaAt } from './schema.js';
import { closest } from './suggest.js';

/** Short matrix keys for the fields people sweep most; any dotted field path works too. */
export const MATRIX_ALIASES: Readonly<Record<string, readonly string[]>> = {
  density: ['circuit', 'cells', 'density'],
  targets: ['circuit', 'cells', 'targets'],
  gids: ['circuit', 'cells', 'gids'],
  report: ['circuit', 'report'],
  radius_multiplier: ['circuit', 'radius_multiplier'],
  morphology: ['circuit', 'morphology'],
  view: ['camera', 'view'],
  camera: ['camera', 'type'],
  fovy: ['camera', 'fovy'],
  renderer: ['renderer', 'type'],
  samples_per_pixel: ['renderer', 'samples_per_pixel'],
  background: ['renderer', 'background'],
  lights: ['lights'],
  resolution: ['resolution'],
  frame: ['frames'],
  frames: ['frames'],
  format: ['output', 'format'],
};

/** Fields that identify or assemble a recipe rather than describe a picture. */
const NOT_SWEEPABLE = new Set(['version', 'name', 'description', 'extends', 'matrix']);

export interface Axis {
  /** The key as written in `matrix` (also the placeholder name). */
  key: string;
  /** The recipe field it sets. */
  path: string[];
  values: unknown[];
}

export function resolveAxisPath(key: string): string[] | undefined {
  const path = MATRIX_ALIASES[key] ?? key.split('.');
  if (path.length === 0 || NOT_SWEEPABLE.has(path[0] ?? '')) return undefined;
  return schemaAt(path) ? [...path] : undefined;
}

let sweepable: string[] | undefined;

/** Every key the matrix accepts (aliases and dotted field paths), for "did you mean" hints. */
function sweepableKeys(): string[] {
  if (sweepable) return sweepable;
  const keys = new Set(Object.keys(MATRIX_ALIASES));
  const walk = (path: string[]): void => {
    const node = schemaAt(path);
    for (const key of Object.keys((node?.properties ?? {}))) {
      if (path.length === 0 && NOT_SWEEPABLE.has(key)) continue;
      keys.add([...path, key].join('.'));
      walk([...path, key]);
    }
  };
  walk([]);
  sweepable = [...keys];
  return sweepable;
}

/** Checks the matrix keys and values (paths relative to the recipe); returns the usable axes. */
export function checkMatrix(matrix: Record<string, unknown[]> | undefined): { axes: Axis[]; problems: Problem[] } {
  const axes: Axis[] = [];
  const problems: Problem[] = [];
  for (const [key, values] of Object.entries(matrix ?? {})) {
    const path = resolveAxisPath(key);
    if (!path) {
      const suggestion = closest(key, sweepableKeys());
      problems.push({
        code: 'MATRIX_UNKNOWN_FIELD',
        path: ['matrix', key],
        mark: 'key',
        message: `matrix key \`${key}\` is not a field a recipe can sweep`,
        expected: 'a short name (density, view, frames, ...) or a dotted field path (circuit.cells.density)',
        found: `\`${key}\``,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `short names: ${Object.keys(MATRIX_ALIASES).join(', ')}`,
      });
      continue;
    }
    const overlap = axes.find((a) => isPrefix(a.path, path) || isPrefix(path, a.path));
    if (overlap) {
      problems.push({
        code: 'MATRIX_CONFLICT',
        path: ['matrix', key],
        mark: 'key',
        message: `matrix keys \`${overlap.key}\` and \`${key}\` both set \`${(overlap.path.length <= path.length ? overlap.path : path).join('.')}\``,
        hint: `keep one of \`${overlap.key}\` and \`${key}\``,
      });
      continue;
    }
    const seen = new Map<string, number>();
    values.forEach((value, i) => {
      const canonical = canonicalJson(value);
      const first = seen.get(canonical);
      if (first === undefined) seen.set(canonical, i);
      else
        problems.push({
          code: 'MATRIX_DUPLICATE_VALUE',
          path: ['matrix', key, i],
          message: `matrix \`${key}\` lists ${showValue(value)} twice (items ${first} and ${i})`,
          hint: 'remove the repeated value',
        });
    });
    axes.push({ key, path, values });
  }
  return { axes, problems };
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((s, i) => s === b[i]);
}

export function itemCount(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Index tuples of every matrix item, cartesian product in key order (the last key varies fastest). */
export function* itemIndices(axes: readonly Axis[]): Generator<number[]> {
  if (axes.length === 0) {
    yield [];
    return;
  }
  const indices = axes.map(() => 0);
  for (;;) {
    yield [...indices];
    let k = axes.length - 1;
    while (k >= 0) {
      indices[k] = (indices[k] ?? 0) + 1;
      if ((indices[k] ?? 0) < (axes[k]?.values.length ?? 0)) break;
      indices[k] = 0;
      k -= 1;
    }
    if (k < 0) return;
  }
}

/** Length of matrix item ids: 12 hex digits (48 bits) keep `{item}` paths short with no practical collisions. */
export const ITEM_ID_LENGTH = 12;

/**
 * A matrix item's id: a hash of its own values keyed by the fields they set, so adding a value
 * (or reordering values) never renames another item, and `density` or `circuit.cells.density`
 * name the same item. '' when the recipe has no matrix.
 */
export function itemId(axes: readonly Axis[], indices: readonly number[]): string {
  return new ItemIds(axes).id(indices);
}

/**
 * `itemId` for many items of one matrix: the canonical JSON of each value is made once, so an
 * item id costs one concatenation and one hash (the same bytes as `canonicalJson` of the item's
 * `{field: value}` mapping).
 */
export class ItemIds {
  private readonly order: number[];
  private readonly parts: string[][];

  constructor(private readonly axes: readonly Axis[]) {
    const fields = axes.map((a) => a.path.join('.'));
    this.order = axes.map((_, k) => k).sort((a, b) => ((fields[a] ?? '') < (fields[b] ?? '') ? -1 : 1));
    this.parts = axes.map((axis, k) => axis.values.map((v) => `${JSON.stringify(fields[k])}:${canonicalJson(v)}`));
  }

  id(indices: readonly number[]): string {
    if (this.axes.length === 0) return '';
    let json = '{';
    for (const [n, k] of this.order.entries()) json += `${n === 0 ? '' : ','}${this.parts[k]?.[indices[k] ?? 0] ?? ''}`;
    return sha256Hex(`${json}}`).slice(0, ITEM_ID_LENGTH);
  }
}

/** A matrix value as shown in the plan: numbers and strings as they are, anything else as compact canonical JSON. */
export function displayValue(value: unknown): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  return canonicalJson(value);
}

/** A matrix value as an output path placeholder: structured values become a short stable hash. */
export function placeholderValue(value: unknown): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return `v${sha256Hex(canonicalJson(value)).slice(0, 8)}`;
}

/** A copy of `value` with `path` set, copying only the objects along the path (the rest is shared). */
export function setAt(value: Record<string, unknown>, path: readonly PathSegment[], leaf: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return leaf as Record<string, unknown>;
  const child = value[head];
  const childObject = child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  return { ...value, [head]: rest.length === 0 ? leaf : setAt(childObject, rest, leaf) };
}
