import * as path from 'node:path';
import type { Diagnostic, PathSegment, Problem } from './diagnostics.js';
import { displayPath } from './discover.js';
import { resolveAxisPath } from './matrix.js';
import { at, hasPath, locate, readSource, type ParsedSource, type SourceFile } from './source.js';

/** The only recipe format version this render-recipes reads. */
export const RECIPE_FORMAT_VERSION = 1;

/** Each file is read and parsed once per run, however many recipes extend it. */
export class SourceCache {
  private readonly sources = new Map<string, Promise<ParsedSource>>();
  constructor(readonly cwd: string) {}

  get(abs: string): Promise<ParsedSource> {
    let parsed = this.sources.get(abs);
    if (!parsed) {
      parsed = readSource(abs, displayPath(abs, this.cwd));
      this.sources.set(abs, parsed);
    }
    return parsed;
  }
}

export interface Resolved {
  /** The recipe file and its bases, most derived first (the order in which a field is looked up). */
  layers: SourceFile[];
  /** The merged recipe, with relative circuit paths made absolute against the file that wrote them. */
  value?: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

/** Loads a recipe file and its `extends` chain, merged (mappings key by key, everything else replaced). */
export async function resolveRecipe(abs: string, cache: SourceCache, stack: readonly string[] = []): Promise<Resolved> {
  const parsed = await cache.get(abs);
  const source = parsed.source;
  if (!parsed.value || !source) return { layers: source ? [source] : [], diagnostics: parsed.diagnostics };
  const own = parsed.value;
  const newer = versionProblem(own);
  if (newer) return { layers: [source], diagnostics: [problemAt([source], newer)] };

  const diagnostics: Diagnostic[] = [];
  let merged: Record<string, unknown> = {};
  let baseLayers: SourceFile[] = [];
  const bases = typeof own.extends === 'string' ? [own.extends] : Array.isArray(own.extends) ? own.extends : [];
  for (const [i, base] of bases.entries()) {
    if (typeof base !== 'string' || base === '') continue; // the schema reports it
    const where: PathSegment[] = typeof own.extends === 'string' ? ['extends'] : ['extends', i];
    const baseAbs = path.resolve(path.dirname(abs), base);
    const chain = [...stack, abs];
    if (chain.includes(baseAbs)) {
      const cycle = [...chain.slice(chain.indexOf(baseAbs)), baseAbs].map((f) => path.basename(f)).join(' -> ');
      diagnostics.push(problemAt([source], { code: 'EXTENDS_CYCLE', path: where, message: `\`extends\` cycle: ${cycle}`, hint: 'a recipe cannot extend itself, directly or through its bases' }));
      continue;
    }
    const sub = await resolveRecipe(baseAbs, cache, chain);
    if (sub.diagnostics.some((d) => d.code === 'FILE_NOT_FOUND')) {
      diagnostics.push(
        problemAt([source], { code: 'EXTENDS_NOT_FOUND', path: where, message: `base recipe \`${base}\` not found (looked for ${displayPath(baseAbs, cache.cwd)})`, hint: 'paths in `extends` are relative to this file' }),
      );
      continue;
    }
    diagnostics.push(...sub.diagnostics);
    if (!sub.value) continue;
    merged = deepMerge(merged, sub.value);
    baseLayers = [...sub.layers, ...baseLayers];
  }
  merged = deepMerge(merged, absolutize(own, path.dirname(abs)));
  return { layers: [source, ...baseLayers], value: merged, diagnostics };
}

function versionProblem(value: Record<string, unknown>): Problem | undefined {
  const version = value.version;
  if (typeof version !== 'number' || version <= RECIPE_FORMAT_VERSION) return undefined;
  return {
    code: 'VERSION_UNSUPPORTED',
    path: ['version'],
    message: `recipe format version ${version} is newer than this render-recipes reads (version ${RECIPE_FORMAT_VERSION})`,
    expected: String(RECIPE_FORMAT_VERSION),
    found: String(version),
    hint: 'upgrade render-recipes (npm install -g render-recipes@latest)',
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * Relative circuit paths are relative to the file that wrote them (a base in another folder
 * keeps working), so they are made absolute before merging; so are matrix values that set them.
 */
function absolutize(value: Record<string, unknown>, dir: string): Record<string, unknown> {
  const fix = (p: unknown): unknown => (typeof p === 'string' && p !== '' && !path.isAbsolute(p) ? path.resolve(dir, p) : p);
  const fixCircuit = (c: unknown): unknown => (isPlainObject(c) && 'path' in c ? { ...c, path: fix(c.path) } : c);
  let out = value;
  if (isPlainObject(value.circuit)) out = { ...out, circuit: fixCircuit(value.circuit) };
  if (isPlainObject(value.matrix)) {
    const matrix: Record<string, unknown> = {};
    for (const [key, values] of Object.entries(value.matrix)) {
      const target = resolveAxisPath(key)?.join('.');
      const fixer = target === 'circuit.path' ? fix : target === 'circuit' ? fixCircuit : undefined;
      matrix[key] = fixer && Array.isArray(values) ? values.map(fixer) : values;
    }
    out = { ...out, matrix };
  }
  return out;
}

/**
 * Positions a problem in the layer that wrote the field: the most derived layer that has the
 * whole path, else the one that has the longest part of it.
 */
export function problemAt(layers: readonly SourceFile[], problem: Problem): Diagnostic {
  let best: SourceFile | undefined;
  let bestDepth = -1;
  for (const layer of layers) {
    const depth = locate(layer, problem.path).depth;
    if (depth > bestDepth) {
      best = layer;
      bestDepth = depth;
    }
  }
  const layer = best ?? layers[0];
  if (!layer) throw new Error('a problem without a source');
  const located = locate(layer, problem.path, problem.mark ?? 'value');
  let start = located.start;
  let end = located.end;
  if (problem.offset !== undefined && located.depth === problem.path.length && hasPath(layer, problem.path)) {
    // Point inside a string at the placeholder, when the string is written without escapes.
    const raw = layer.text.slice(start, end);
    const quote = raw.startsWith('"') || raw.startsWith("'") ? 1 : 0;
    if (!raw.includes('\\') && !raw.includes('\n')) {
      start += quote + problem.offset;
      end = start + (problem.length ?? 1);
    }
  }
  const diagnostic = at(layer, start, end, problem.code, problem.message, problem.path, problem.hint);
  return {
    ...diagnostic,
    severity: problem.severity ?? 'error',
    ...(problem.expected !== undefined ? { expected: problem.expected } : {}),
    ...(problem.found !== undefined ? { found: problem.found } : {}),
  };
}
