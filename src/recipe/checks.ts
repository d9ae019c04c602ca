import type { ImageFormat } from '../plan/types.js';
import type { Problem } from './diagnostics.js';
import { checkFrames } from './frames.js';
import type { Axis } from './matrix.js';
import type { RawRecipe, RawVec3 } from './recipe-types.generated.js';
import { didYouMean } from './suggest.js';
import { BUILTIN_PLACEHOLDERS, checkPlaceholders, escapeReason, parseTemplate, templateExtension } from './template.js';

export const DEFAULT_OUTPUT_PATH = '{name}/{item}/frame-{frame:05}.png';

const EXTENSIONS: Readonly<Record<string, ImageFormat>> = { png: 'png', jpg: 'jpg', jpeg: 'jpg', webp: 'webp', tif: 'tiff', tiff: 'tiff' };
/** Brayns encodes snapshots itself only as PNG or JPEG; other formats need the download path. */
const SERVER_FORMATS: ReadonlySet<ImageFormat> = new Set(['png', 'jpg']);

/** The image format of a schema-valid output, or undefined when it cannot be told (a problem is reported). */
export function imageFormat(template: string, format: ImageFormat | undefined): ImageFormat | undefined {
  const ext = templateExtension(template);
  return format ?? (ext ? EXTENSIONS[ext] : undefined);
}

/**
 * Problems the schema cannot express. Each check reads only its own fields and runs only when
 * those passed the schema (`valid`), so a typo elsewhere does not hide a bad output template.
 */
export function checkSemantics(recipe: RawRecipe, axes: readonly Axis[], valid: (field: string) => boolean = () => true): Problem[] {
  return [
    ...(valid('camera') ? checkCamera(recipe) : []),
    ...(valid('circuit') ? checkReport(recipe) : []),
    ...(valid('circuit') ? checkCells(recipe) : []),
    ...(valid('lights') ? checkLights(recipe) : []),
    ...(valid('frames') ? checkFrames(recipe.frames).map((p) => ({ ...p, path: ['frames', ...p.path] })) : []),
    ...(valid('output') ? checkOutput(recipe, axes) : []),
  ];
}

function notApplicable(path: string[], message: string, hint: string): Problem {
  return { code: 'FIELD_NOT_APPLICABLE', path, message, hint };
}

function checkCamera(recipe: RawRecipe): Problem[] {
  const camera = recipe.camera;
  const problems: Problem[] = [];
  if (!camera) return problems;
  const type = camera.type ?? 'perspective';
  if (type === 'orthographic' && camera.fovy !== undefined) {
    problems.push(notApplicable(['camera', 'fovy'], '`fovy` applies to perspective cameras only', 'remove `fovy`, or use `height` to size an orthographic view'));
  }
  if (type === 'perspective' && camera.height !== undefined) {
    problems.push(notApplicable(['camera', 'height'], '`height` applies to orthographic cameras only', 'remove `height`, or set `type: orthographic`'));
  }
  const view = camera.view;
  if (view && typeof view === 'object' && 'position' in view) {
    const forward = sub(view.target, view.position);
    if (isZero(forward)) {
      problems.push({ code: 'DEGENERATE_VECTOR', path: ['camera', 'view', 'target'], message: 'the camera `target` is its `position`: it looks nowhere', hint: 'move `target` to the point to look at' });
    } else if (view.up && (isZero(view.up) || isZero(cross(forward, view.up)))) {
      problems.push({
        code: 'DEGENERATE_VECTOR',
        path: ['camera', 'view', 'up'],
        message: isZero(view.up) ? 'the camera `up` is [0, 0, 0]' : 'the camera `up` points along the viewing direction, so the image has no defined up',
        hint: 'use an `up` perpendicular to target - position, e.g. [0, 1, 0] for a camera on the z axis',
      });
    }
  }
  return problems;
}

function checkReport(recipe: RawRecipe): Problem[] {
  const report = recipe.circuit.report;
  if (!report) return [];
  const problems: Problem[] = [];
  if (report.transition_time !== undefined && report.type !== 'spikes') {
    problems.push(notApplicable(['circuit', 'report', 'transition_time'], '`transition_time` applies to spike reports only', 'remove it, or set `type: spikes`'));
  }
  if (report.name !== undefined && report.type !== 'compartment') {
    problems.push(notApplicable(['circuit', 'report', 'name'], '`name` applies to compartment reports only', 'remove it, or set `type: compartment`'));
  }
  if (report.type === 'compartment' && report.name === undefined) {
    problems.push({ code: 'MISSING_FIELD', path: ['circuit', 'report'], message: 'a compartment report needs the report `name`', expected: '`name`', found: 'nothing', hint: 'add `name: soma` (the report name in the circuit)' });
  }
  return problems;
}

/** Cell selections the loaders reject whatever the circuit: found here, before any file is opened. */
function checkCells(recipe: RawRecipe): Problem[] {
  const { cells, loader = 'bbp' } = recipe.circuit;
  const problems: Problem[] = [];
  if (loader === 'bbp') {
    (cells?.gids ?? []).forEach((gid, i) => {
      if (gid !== 0) return;
      problems.push({ code: 'OUT_OF_RANGE', path: ['circuit', 'cells', 'gids', i], message: 'BBP GIDs start at 1: there is no cell 0', expected: 'an integer >= 1', found: '0', hint: 'GID n is row n of the circuit (1-based); SONATA node ids start at 0 with `loader: sonata`' });
    });
  }
  if (loader === 'sonata' && (cells?.targets ?? []).length === 0) {
    problems.push({
      code: 'MISSING_FIELD',
      path: cells === undefined ? ['circuit'] : ['circuit', 'cells'],
      message: 'the SONATA loader loads node populations: name them in `circuit.cells.targets`',
      expected: '`targets`',
      found: 'nothing',
      hint: 'add `cells: {targets: [<population>]}` or `[<population>:<node_set>]`; `render-recipes validate` lists the populations of the circuit',
    });
  }
  return problems;
}

function checkLights(recipe: RawRecipe): Problem[] {
  return (recipe.lights ?? []).flatMap((light, i): Problem[] =>
    light.type === 'directional' && isZero(light.direction)
      ? [{ code: 'DEGENERATE_VECTOR', path: ['lights', i, 'direction'], message: 'a directional light needs a non-zero `direction`', found: '[0, 0, 0]', hint: 'e.g. [0, -1, -1] shines down and away from the viewer' }]
      : [],
  );
}

function checkOutput(recipe: RawRecipe, axes: readonly Axis[]): Problem[] {
  const output = recipe.output ?? {};
  const template = output.path ?? DEFAULT_OUTPUT_PATH;
  const templatePath = ['output', 'path'];
  const problems: Problem[] = [];
  const parsed = parseTemplate(template);
  for (const e of parsed.errors) problems.push({ code: 'TEMPLATE_SYNTAX', path: templatePath, offset: e.offset, length: e.length, message: e.message, hint: 'placeholders look like `{name}` or `{frame:05}`' });
  const known = new Set<string>([...BUILTIN_PLACEHOLDERS, ...axes.map((a) => a.key)]);
  const numeric = new Set(axes.filter((a) => a.values.every((v) => Number.isInteger(v))).map((a) => a.key));
  for (const e of checkPlaceholders(parsed.parts, known, numeric)) {
    problems.push({
      code: e.unknown ? 'TEMPLATE_UNKNOWN_PLACEHOLDER' : 'TEMPLATE_SYNTAX',
      path: templatePath,
      offset: e.offset,
      length: e.length,
      message: e.message,
      ...(e.unknown ? { expected: [...known].map((k) => `{${k}}`).join(', '), found: `{${e.name}}` } : {}),
      hint: e.unknown ? (didYouMean(e.name, known) ?? `placeholders: ${[...known].join(', ')}`) : `write \`{${e.name}}\``,
    });
  }
  const escape = escapeReason(template);
  if (escape) {
    problems.push({ code: 'TEMPLATE_ESCAPES', path: templatePath, message: `the output path must stay inside the output directory, but ${escape}`, found: JSON.stringify(template), hint: 'write a relative path; choose the directory with `--out`' });
  }
  const ext = templateExtension(template);
  const fromExt = ext ? EXTENSIONS[ext] : undefined;
  const format = output.format ?? fromExt;
  if (output.format && ext && fromExt !== output.format) {
    problems.push({ code: 'OUTPUT_FORMAT', path: ['output', 'format'], message: `\`format: ${output.format}\` disagrees with the path's extension \`.${ext}\``, expected: `.${output.format}`, found: `.${ext}`, hint: `end the path with .${output.format}, or remove \`format\`` });
  } else if (!ext && !template.endsWith('{format}')) {
    problems.push({ code: 'OUTPUT_FORMAT', path: templatePath, message: 'the output path has no image extension', expected: '.png, .jpg, .webp or .tiff', hint: 'end the path with .png (or .{format})' });
  } else if (ext && !fromExt && !output.format) {
    problems.push({ code: 'OUTPUT_FORMAT', path: templatePath, message: `\`.${ext}\` is not an image format render-recipes writes`, expected: '.png, .jpg, .webp or .tiff', found: `.${ext}`, hint: 'use .png, .jpg, .webp or .tiff' });
  }
  if (output.transfer === 'server' && format && !SERVER_FORMATS.has(format)) {
    problems.push({ code: 'OUTPUT_TRANSFER', path: ['output', 'transfer'], message: `\`transfer: server\` cannot write ${format}: Brayns encodes only png and jpg`, expected: 'png or jpg', found: format, hint: 'use `transfer: download` (render-recipes converts the image), or a .png/.jpg path' });
  }
  if (output.quality !== undefined && format === 'png') {
    problems.push({ code: 'FIELD_NOT_APPLICABLE', severity: 'warning', path: ['output', 'quality'], message: '`quality` is ignored for png (lossless)', hint: 'remove `quality`, or write jpg/webp/tiff' });
  }
  return problems;
}

function sub(a: RawVec3, b: RawVec3): RawVec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function cross(a: RawVec3, b: RawVec3): RawVec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function isZero(v: RawVec3): boolean {
  return v[0] === 0 && v[1] === 0 && v[2] === 0;
}
