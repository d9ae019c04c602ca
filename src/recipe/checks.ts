import type { ImageFormat, MovieCodec } from './types.js';
import type { Problem } from './diagnostics.js';
import { checkFigures } from './figure-checks.js';
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
    ...(valid('output') ? checkMovie(recipe, axes) : []),
    ...(valid('output') && valid('resolution') ? checkMovieSize(recipe) : []),
    ...checkFigures(recipe, valid),
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
  const path = camera.path;
  if (path && 'keyframes' in path) {
    path.keyframes.forEach((k, i) => {
      const before = path.keyframes[i - 1];
      if (before && k.at <= before.at) {
        problems.push({ code: 'KEYFRAMES_ORDER', path: ['camera', 'path', 'keyframes', i, 'at'], message: `keyframe ${i} is \`at: ${k.at}\`, not after the one before it (\`at: ${before.at}\`)`, expected: `a fraction > ${before.at}`, found: String(k.at), hint: 'list keyframes in movie order, each `at` larger than the one before' });
      }
    });
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
  // Millisecond frames are converted at 0.01 ms per frame (spike reports); a compartment report's
  // frames follow the time step written in the report file, which only the server knows.
  const frames = recipe.frames;
  if (report.type === 'compartment' && typeof frames === 'object' && !Array.isArray(frames) && ('times_ms' in frames || 'start_ms' in frames)) {
    problems.push(
      notApplicable(
        ['frames', 'times_ms' in frames ? 'times_ms' : 'start_ms'],
        'frame times in ms count 0.01 ms per frame (spike reports); a compartment report advances by the time step in its own file',
        'give frame indices instead (frames: [0, 100, 200]); frame n is at the report start + n x its dt',
      ),
    );
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

/** Containers each codec may be written into (what ffmpeg's muxers accept for them). */
const MOVIE_CONTAINERS: Readonly<Record<MovieCodec, readonly string[]>> = { h264: ['mp4', 'mkv', 'mov'], h265: ['mp4', 'mkv', 'mov'], vp9: ['webm', 'mkv'] };
const MAX_CRF: Readonly<Record<MovieCodec, number>> = { h264: 51, h265: 51, vp9: 63 };

function checkMovie(recipe: RawRecipe, axes: readonly Axis[]): Problem[] {
  const movie = recipe.output?.movie;
  if (!movie) return [];
  const problems: Problem[] = [];
  const templatePath = ['output', 'movie', 'path'];
  const parsed = parseTemplate(movie.path);
  for (const e of parsed.errors) problems.push({ code: 'TEMPLATE_SYNTAX', path: templatePath, offset: e.offset, length: e.length, message: e.message, hint: 'placeholders look like `{name}` or `{view}`' });
  const known = new Set<string>([...BUILTIN_PLACEHOLDERS, ...axes.map((a) => a.key)].filter((k) => k !== 'frame' && k !== 'time'));
  const numeric = new Set(axes.filter((a) => a.values.every((v) => Number.isInteger(v))).map((a) => a.key));
  for (const e of checkPlaceholders(parsed.parts, known, numeric)) {
    const perFrame = e.name === 'frame' || e.name === 'time';
    problems.push({
      code: perFrame ? 'MOVIE_SETTINGS' : e.unknown ? 'TEMPLATE_UNKNOWN_PLACEHOLDER' : 'TEMPLATE_SYNTAX',
      path: templatePath,
      offset: e.offset,
      length: e.length,
      message: perFrame ? `\`{${e.name}}\` differs from frame to frame, but one movie holds all the frames` : e.message.replace('output path', 'movie path'),
      ...(e.unknown ? { expected: [...known].map((k) => `{${k}}`).join(', '), found: `{${e.name}}` } : {}),
      hint: perFrame ? 'remove it from `output.movie.path`; {name}, {item} and {view} tell movies apart' : e.unknown ? (didYouMean(e.name, known) ?? `placeholders: ${[...known].join(', ')}`) : `write \`{${e.name}}\``,
    });
  }
  const escape = escapeReason(movie.path);
  if (escape) problems.push({ code: 'TEMPLATE_ESCAPES', path: templatePath, message: `the movie path must stay inside the output directory, but ${escape}`, found: JSON.stringify(movie.path), hint: 'write a relative path; choose the directory with `--out`' });
  const ext = templateExtension(movie.path);
  const codec: MovieCodec = movie.codec ?? (ext === 'webm' ? 'vp9' : 'h264');
  const containers = MOVIE_CONTAINERS[codec];
  if (!ext || !Object.values(MOVIE_CONTAINERS).some((c) => c.includes(ext))) {
    problems.push({ code: 'MOVIE_SETTINGS', path: templatePath, message: ext ? `\`.${ext}\` is not a movie container render-recipes writes` : 'the movie path has no extension', expected: '.mp4, .mkv, .mov or .webm', ...(ext ? { found: `.${ext}` } : {}), hint: 'end the path with .mp4 (h264, h265) or .webm (vp9)' });
  } else if (!containers.includes(ext)) {
    problems.push({ code: 'MOVIE_SETTINGS', path: movie.codec ? ['output', 'movie', 'codec'] : templatePath, message: `${codec} cannot be written into a .${ext} file`, expected: containers.map((c) => `.${c}`).join(', '), found: `.${ext}`, hint: codec === 'vp9' ? 'end the path with .webm' : 'end the path with .mp4, or use `codec: vp9` for .webm' });
  }
  if (movie.crf !== undefined && movie.crf > MAX_CRF[codec]) {
    problems.push({ code: 'MOVIE_SETTINGS', path: ['output', 'movie', 'crf'], message: `crf ${movie.crf} is out of range for ${codec}`, expected: `an integer in [0, ${MAX_CRF[codec]}]`, found: String(movie.crf), hint: `${codec} takes crf 0 to ${MAX_CRF[codec]}; 18 to 28 is usual` });
  }
  return problems;
}

/** yuv420p stores colour at half resolution in both directions, so the encoders refuse odd sizes. */
function checkMovieSize(recipe: RawRecipe): Problem[] {
  if (!recipe.output?.movie || !Array.isArray(recipe.resolution)) return [];
  const [width, height] = recipe.resolution;
  if (width % 2 === 0 && height % 2 === 0) return [];
  const even = (n: number): number => (n % 2 === 0 ? n : n + 1);
  return [{ code: 'MOVIE_ODD_SIZE', path: ['resolution'], message: `a movie needs an even width and height (yuv420p), got ${width}x${height}`, expected: 'even numbers', found: `[${width}, ${height}]`, hint: `use [${even(width)}, ${even(height)}]` }];
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
