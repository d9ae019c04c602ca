/**
 * A problem found in a recipe: plain data, so the library never prints. The CLI renders it with
 * `formatDiagnostics`; tests assert `code`, `line` and `col`, never the prose.
 */
export type DiagnosticCode =
  // Files and YAML
  | 'FILE_NOT_FOUND' // a given path does not exist or cannot be read
  | 'NO_RECIPES' // a folder holds no *.yaml/*.yml recipe
  | 'YAML_TOO_LARGE' // the file is over the size limit
  | 'YAML_SYNTAX' // malformed YAML
  | 'YAML_DUPLICATE_KEY'
  | 'YAML_TAG' // a custom or unknown tag (`!foo`, `!!binary`)
  | 'YAML_ALIAS_LIMIT' // too many alias expansions (alias bomb)
  | 'NOT_A_MAPPING' // the document is empty or not a key/value mapping
  // Schema
  | 'VERSION_UNSUPPORTED' // `version` newer than this render-recipes
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'WRONG_TYPE'
  | 'OUT_OF_RANGE'
  | 'BAD_VALUE' // not one of the allowed values, or a bad pattern
  | 'WRONG_LENGTH' // a list with too few or too many items
  | 'DUPLICATE_ITEM' // a list that must hold distinct items
  | 'WRONG_SHAPE' // none of the accepted shapes of a field matches
  // Reuse
  | 'EXTENDS_NOT_FOUND'
  | 'EXTENDS_CYCLE'
  | 'MATRIX_UNKNOWN_FIELD'
  | 'MATRIX_DUPLICATE_VALUE'
  | 'MATRIX_CONFLICT' // a matrix key and a field it overlaps (density and circuit.cells.density)
  // Semantics
  | 'DUPLICATE_NAME' // two recipes with the same name
  | 'FRAMES_ORDER' // frames not strictly increasing, or a range ending before it starts
  | 'FRAMES_TIME_GRID' // a time that is not a multiple of 0.01 ms
  | 'FIELD_NOT_APPLICABLE' // fovy on an orthographic camera, transition_time without spikes, ...
  | 'DEGENERATE_VECTOR' // a zero direction, a camera looking at its own position, up along the view
  | 'TOO_MANY_TASKS' // a recipe expanding beyond the plan size limit
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_UNKNOWN_PLACEHOLDER'
  | 'TEMPLATE_ESCAPES' // the output path is absolute or leaves the output directory
  | 'OUTPUT_FORMAT' // no or inconsistent image format
  | 'OUTPUT_TRANSFER' // transfer: server with a format Brayns cannot encode
  | 'OUTPUT_DUPLICATE' // two tasks write the same file
  | 'KEYFRAMES_ORDER' // camera keyframes whose `at` does not increase
  | 'MOVIE_SETTINGS' // a movie container that cannot hold the codec, a crf out of the codec's range, {frame} in a movie path
  | 'MOVIE_ODD_SIZE' // a movie resolution with an odd width or height (yuv420p needs even sizes)
  | 'FFMPEG_MISSING' // a recipe asks for a movie and ffmpeg is not installed
  // Preflight: what the circuit's files say (src/preflight)
  | 'CIRCUIT_NOT_FOUND' // the circuit config, or a file it names, does not exist
  | 'CIRCUIT_KIND' // a SONATA config given to the BBP loader, or a BlueConfig to the SONATA loader
  | 'CIRCUIT_UNREADABLE' // a circuit file exists but cannot be read as what it should be
  | 'UNKNOWN_TARGET' // a BBP target not defined by the circuit's target files
  | 'UNKNOWN_POPULATION' // a SONATA node population the circuit does not have
  | 'UNKNOWN_NODE_SET' // a SONATA node set not in the circuit's node sets files
  | 'GID_OUT_OF_RANGE' // a cell id past the circuit's last cell
  | 'REPORT_NOT_FOUND' // the spike/compartment report is not where the circuit says
  | 'FRAMES_BEYOND_REPORT' // a frame after the end of the report
  | 'MORPHOLOGY_NOT_FOUND' // morphologies asked for, but the circuit's morphology folder is missing
  | 'COLORS_HIDDEN'; // the background has the colour of resting or peak cells (a warning)

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** The file, relative to the working directory when inside it, '/' separated. */
  file: string;
  /** 1-based; 0 when the problem has no position (a missing file). */
  line: number;
  /** 1-based column (UTF-16 code units); 0 when the problem has no position. */
  col: number;
  /** JSON path of the field (`$.circuit.cells.density`); '' when not about a field. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
  /** The text of line `line`, for the caret display. */
  sourceLine?: string;
  /** Width of the marked span on `sourceLine` (at least 1). */
  span?: number;
}

export type PathSegment = string | number;

/** `['lights', 0, 'type']` -> `$.lights[0].type`; keys that are not identifiers are quoted. */
export function jsonPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for reports: by file, then position, then code. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** Drops exact repeats (the same problem found through two matrix items or two recipes sharing a base). */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A short display form of a value for messages: `1.5`, `"abc"`, `[1, 2]`, `a mapping`. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) {
    const text = JSON.stringify(value).replaceAll(',', ', ');
    return text.length <= 40 ? text : `a list of ${value.length} items`;
  }
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    return text.length <= 40 ? text.replaceAll(',', ', ').replaceAll(':', ': ') : 'a mapping';
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/**
 * A problem found in recipe data, before it is given a file position: `path` is a path in the
 * recipe being checked, and the loader maps it to the layer (recipe, base or matrix value) that
 * wrote it.
 */
export interface Problem {
  code: DiagnosticCode;
  severity?: Severity;
  path: PathSegment[];
  /** Mark the key (unknown fields) rather than the value. */
  mark?: 'key' | 'value';
  /** Offset of the marked part inside a plain or quoted string value (a template placeholder). */
  offset?: number;
  length?: number;
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
}

/** `$.circuit.cells.density` without the `$.`, for messages. */
export function fieldName(path: readonly PathSegment[]): string {
  const full = jsonPath(path);
  return full === '$' ? 'the recipe' : full.replace(/^\$\.?/, '');
}
