/**
 * Output path templates: `figures/{name}/{view}/frame-{frame:05}.png`. Parsed once per recipe and
 * rendered per task, so expanding 100,000 tasks is string concatenation only.
 */
export type TemplatePart = { literal: string } | { name: string; pad: number; offset: number; length: number };

export interface TemplateError {
  message: string;
  offset: number;
  length: number;
}

/** Placeholders every recipe has; matrix keys add their own. */
export const BUILTIN_PLACEHOLDERS = ['name', 'item', 'view', 'frame', 'time', 'width', 'height', 'resolution', 'camera', 'renderer', 'density', 'format'] as const;

/** Placeholders whose values are always integers (the only ones zero-padding makes sense for, besides numeric matrix keys). */
const NUMERIC = new Set(['frame', 'width', 'height']);

export function parseTemplate(template: string): { parts: TemplatePart[]; errors: TemplateError[] } {
  const parts: TemplatePart[] = [];
  const errors: TemplateError[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    const next = template[i + 1];
    if ((c === '{' && next === '{') || (c === '}' && next === '}')) {
      literal += c;
      i += 2;
      continue;
    }
    if (c === '}') {
      errors.push({ message: 'unmatched `}` in output path (write `}}` for a literal brace)', offset: i, length: 1 });
      i += 1;
      continue;
    }
    if (c !== '{') {
      literal += c;
      i += 1;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close === -1) {
      errors.push({ message: 'unclosed `{` in output path', offset: i, length: template.length - i });
      break;
    }
    const body = template.slice(i + 1, close);
    const match = /^([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)(?::(0\d+))?$/.exec(body);
    if (!match?.[1]) {
      errors.push({ message: `bad placeholder \`{${body}}\`: expected \`{name}\` or \`{name:05}\``, offset: i, length: close - i + 1 });
    } else {
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ name: match[1], pad: match[2] ? Number(match[2].slice(1)) : 0, offset: i, length: close - i + 1 });
    }
    i = close + 1;
  }
  if (literal) parts.push({ literal });
  return { parts, errors };
}

/** Placeholder problems of a parsed template given the names a recipe defines. */
export function checkPlaceholders(parts: readonly TemplatePart[], known: ReadonlySet<string>, numeric: ReadonlySet<string>): (TemplateError & { name: string; unknown: boolean })[] {
  const errors: (TemplateError & { name: string; unknown: boolean })[] = [];
  for (const part of parts) {
    if (!('name' in part)) continue;
    if (!known.has(part.name)) {
      errors.push({ name: part.name, unknown: true, message: `unknown placeholder \`{${part.name}}\` in output path`, offset: part.offset, length: part.length });
    } else if (part.pad > 0 && !NUMERIC.has(part.name) && !numeric.has(part.name)) {
      errors.push({ name: part.name, unknown: false, message: `zero-padding \`{${part.name}:0${part.pad}}\` applies to integers only, and \`${part.name}\` is not one`, offset: part.offset, length: part.length });
    }
  }
  return errors;
}

/**
 * A placeholder value made safe for one path segment: separators and characters that are not
 * portable in file names become `_`, so a value can never add a directory or climb out of one.
 */
export function safeSegment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._+=-]/g, '_');
  return safe === '.' || safe === '..' ? safe.replaceAll('.', '_') : safe;
}

function formatValue(part: { pad: number }, value: string | number): string {
  const text = typeof value === 'number' ? String(value) : safeSegment(value);
  return part.pad > 0 ? text.padStart(part.pad, '0') : text;
}

/**
 * Fills in the placeholders `values` knows (those that are the same for a whole matrix item),
 * leaving the others (frame, time) for `renderTemplate`: per task only those are formatted.
 */
export function bindTemplate(parts: readonly TemplatePart[], values: (name: string) => string | number | undefined): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const part of parts) {
    const value = 'name' in part ? values(part.name) : undefined;
    const literal = 'literal' in part ? part.literal : value === undefined ? undefined : formatValue(part, value);
    const last = out[out.length - 1];
    if (literal === undefined) out.push(part);
    else if (last && 'literal' in last) out[out.length - 1] = { literal: last.literal + literal };
    else out.push({ literal });
  }
  return out;
}

/** Renders a template. Empty segments (an empty `{item}`) are dropped, so `a/{item}/b` -> `a/b`. */
export function renderTemplate(parts: readonly TemplatePart[], values: (name: string) => string | number): string {
  let out = '';
  for (const part of parts) out += 'literal' in part ? part.literal : formatValue(part, values(part.name));
  if (!out.includes('//') && !out.startsWith('/') && !out.endsWith('/')) return out;
  return out
    .split('/')
    .filter((s) => s !== '')
    .join('/');
}

/**
 * Why a template's fixed text would put files outside the output directory, if it does: an
 * absolute path, a drive letter, a backslash or a `..` segment.
 */
export function escapeReason(template: string): string | undefined {
  if (template.startsWith('/')) return 'it is absolute';
  if (/^[A-Za-z]:/.test(template)) return 'it starts with a drive letter';
  if (template.includes('\\')) return 'it contains a backslash (use `/` between folders)';
  if (template.split('/').some((s) => s === '..')) return 'it climbs out with `..`';
  return undefined;
}

/** The file extension a template's fixed tail gives (`.png`), or undefined when a placeholder ends it. */
export function templateExtension(template: string): string | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(template);
  return match?.[1]?.toLowerCase();
}
