import { readFile, stat } from 'node:fs/promises';
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { type Diagnostic, type DiagnosticCode, jsonPath, type PathSegment } from './diagnostics.js';

/** Recipes are small; a bigger file is a mistake (or an attack) and is refused before parsing. */
export const MAX_RECIPE_BYTES = 1024 * 1024;
/**
 * Alias expansions allowed when converting a document to data. Real recipes use a handful of
 * anchors; a "billion laughs" document needs exponentially many and is stopped at once.
 */
export const MAX_ALIAS_COUNT = 100;

/** A parsed recipe file with what is needed to turn a JSON path back into `line:col`. */
export interface SourceFile {
  abs: string;
  /** As shown in diagnostics (relative to the working directory when inside it). */
  display: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export interface ParsedSource {
  source?: SourceFile;
  /** The document as plain data (a mapping), when it parsed cleanly. */
  value?: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

export async function readSource(abs: string, display: string): Promise<ParsedSource> {
  const fail = (code: DiagnosticCode, message: string, hint?: string): ParsedSource => ({
    diagnostics: [{ code, severity: 'error', file: display, line: 0, col: 0, path: '', message, ...(hint ? { hint } : {}) }],
  });
  let text: string;
  try {
    const info = await stat(abs);
    if (!info.isFile()) return fail('FILE_NOT_FOUND', `\`${display}\` is not a file`);
    if (info.size > MAX_RECIPE_BYTES) {
      return fail('YAML_TOO_LARGE', `recipe file is ${info.size} bytes, over the ${MAX_RECIPE_BYTES}-byte limit`, 'split it into several recipes that `extends` a shared base');
    }
    text = await readFile(abs, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    return fail('FILE_NOT_FOUND', `\`${display}\` ${reason}`);
  }
  return parseSource(abs, display, text);
}

export function parseSource(abs: string, display: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  // Plain YAML 1.2 core schema: no custom tags, no merge keys, duplicate keys are errors.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    version: '1.2',
    schema: 'core',
    customTags: [],
    merge: false,
  });
  const source: SourceFile = { abs, display, text, doc, lineCounter };
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const code: DiagnosticCode = error.code === 'DUPLICATE_KEY' ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX';
    let message = firstLine(error.message);
    if (code === 'YAML_DUPLICATE_KEY') message = `duplicate key \`${(text.slice(error.pos[0]).split(/[:\n]/)[0] ?? '').trim()}\`: YAML mappings take each key once`;
    if (error.code === 'MULTIPLE_DOCS') message = 'a recipe file holds one YAML document, but this one has several (`---` separators)';
    const hint = code === 'YAML_DUPLICATE_KEY' ? 'remove one of the two keys' : syntaxHint(error.code);
    diagnostics.push(at(source, error.pos[0], error.pos[1], code, message, [], hint));
  }
  for (const warning of doc.warnings) {
    if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
    const tag = /(![^\s]*)/.exec(warning.message)?.[1] ?? 'tag';
    diagnostics.push(
      at(source, warning.pos[0], warning.pos[1], 'YAML_TAG', `unsupported YAML tag \`${tag}\`: recipes are plain YAML without custom tags`, [], 'remove the tag and write the value itself'),
    );
  }
  if (diagnostics.length > 0) return { source, diagnostics };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      const alias = firstAlias(doc);
      const range = alias?.range ?? [0, 1];
      return {
        source,
        diagnostics: [
          at(source, range[0], range[1], 'YAML_ALIAS_LIMIT', `too many alias expansions (more than ${MAX_ALIAS_COUNT}): this looks like an alias bomb`, [], 'write the values out, or use fewer nested `*aliases`'),
        ],
      };
    }
    throw error;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = value === null || value === undefined ? 'an empty document' : Array.isArray(value) ? 'a list' : `${JSON.stringify(value)}`;
    const range = doc.contents?.range ?? [0, 1];
    return {
      source,
      diagnostics: [
        {
          ...at(source, range[0], range[1], 'NOT_A_MAPPING', `expected the recipe to be a mapping of fields (version, name, circuit, ...), found ${found}`, []),
          expected: 'a mapping',
          found,
          hint: 'start from recipes/seed.yaml',
        },
      ],
    };
  }
  return { source, value: value as Record<string, unknown>, diagnostics };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

function syntaxHint(code: string): string | undefined {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'put one recipe per file (remove the `---` separator)';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the `:` after each key';
    default:
      return undefined;
  }
}

function firstAlias(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** A diagnostic at a character range of a source. */
export function at(source: SourceFile, start: number, end: number, code: DiagnosticCode, message: string, path: readonly PathSegment[], hint?: string): Diagnostic {
  const { line, col } = source.lineCounter.linePos(start);
  const lineStart = source.lineCounter.lineStarts[line - 1] ?? 0;
  const lineEnd = source.text.indexOf('\n', lineStart);
  const sourceLine = source.text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  const span = Math.max(1, Math.min(end, lineStart + sourceLine.length) - start);
  return { code, severity: 'error', file: source.display, line, col, path: path.length > 0 ? jsonPath(path) : '', message, sourceLine, span, ...(hint ? { hint } : {}) };
}

export interface Located {
  start: number;
  end: number;
  /** How many path segments exist in the document (the rest is missing). */
  depth: number;
}

/**
 * Finds the text range for a JSON path in a document. `key` marks the key of the last segment
 * (unknown-field errors); otherwise the value, except that a block mapping or list is marked by
 * the key that introduces it (its own range would start at its first child). A path that does not
 * exist in this document is located at its deepest existing ancestor.
 */
export function locate(source: SourceFile, path: readonly PathSegment[], mark: 'key' | 'value' = 'value'): Located {
  const doc = source.doc;
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair) {
        next = pair.value;
        nextKey = pair.key as Node;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined && nextKey === undefined) break;
    node = next;
    keyNode = nextKey;
    depth += 1;
  }
  const complete = depth === path.length;
  const value = node as Node | null | undefined;
  const useKey = keyNode?.range && (mark === 'key' ? complete : !value?.range || (isCollection(value) && !value.flow) || !complete);
  const range = useKey ? keyNode?.range : value?.range;
  const [start, end] = range ?? [0, 1];
  return { start, end: end > start ? end : start + 1, depth };
}

/** Whether the document spells out the given path (a value may come from a base file instead). */
export function hasPath(source: SourceFile, path: readonly PathSegment[]): boolean {
  return locate(source, path).depth === path.length;
}
