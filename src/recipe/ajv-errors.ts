import type { ErrorObject } from 'ajv/dist/2020.js';
import { fieldName, kindOf, showValue, type PathSegment, type Problem } from './diagnostics.js';
import { didYouMean } from './suggest.js';

type Branch = (anyOf: unknown, index: number) => (value: unknown) => ErrorObject[];
type Schema = Record<string, unknown>;

/** `/lights/0/type` -> `['lights', 0, 'type']`. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/**
 * Turns ajv's errors into one problem per real mistake. ajv reports a failing `anyOf` as the
 * errors of every branch followed by the `anyOf` error itself; those branch errors are dropped and
 * the value is re-checked against each branch alone, keeping the branch the value was evidently
 * meant for (see `explainAnyOf`).
 */
export function ajvErrorsToProblems(errors: readonly ErrorObject[], branch: Branch, base: PathSegment[] = []): Problem[] {
  const out: { pointer: string; problems: Problem[] }[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf') {
      // The branch noise of this anyOf is the tail of what was collected, all under its path.
      while (out.length > 0 && isUnder(out[out.length - 1]?.pointer ?? '', error.instancePath)) out.pop();
      out.push({ pointer: error.instancePath, problems: explainAnyOf(error, branch, [...base, ...pointerToPath(error.instancePath)]) });
      continue;
    }
    out.push({ pointer: error.instancePath, problems: errorToProblems(error, [...base, ...pointerToPath(error.instancePath)]) });
  }
  const problems = out.flatMap((o) => o.problems);
  // A value of the wrong type also fails its `const`/`enum`; the type is the one to report.
  const wrongType = new Set(problems.filter((p) => p.code === 'WRONG_TYPE').map((p) => JSON.stringify(p.path)));
  return problems.filter((p) => p.code === 'WRONG_TYPE' || p.code === 'MISSING_FIELD' || !wrongType.has(JSON.stringify(p.path)));
}

function isUnder(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

/**
 * Picks the branch of an `anyOf` the value was meant for: branches whose type does not match, or
 * whose discriminator (`type: ambient`) differs, are out; of the rest, the one with the fewest
 * problems at the value itself (missing or unknown keys) wins. When nothing fits, one problem says
 * which shapes are accepted.
 */
function explainAnyOf(error: ErrorObject, branch: Branch, path: PathSegment[]): Problem[] {
  const branches = error.schema as Schema[];
  const candidates: { problems: Problem[]; atValue: number }[] = [];
  const discriminators = new Map<string, unknown[]>();
  branches.forEach((_branch, i) => {
    const errors = branch(error.schema, i)(error.data);
    const typeMismatch = errors.some((e) => e.instancePath === '' && e.keyword === 'type');
    const discriminator = errors.find((e) => e.keyword === 'const' && pointerToPath(e.instancePath).length === 1);
    if (discriminator) {
      const key = String(pointerToPath(discriminator.instancePath)[0]);
      discriminators.set(key, [...(discriminators.get(key) ?? []), (discriminator.params as { allowedValue: unknown }).allowedValue]);
    }
    if (typeMismatch || discriminator) return;
    const problems = ajvErrorsToProblems(errors, branch, path);
    const atValue = errors.filter((e) => e.instancePath === '').length;
    candidates.push({ problems, atValue });
  });
  candidates.sort((a, b) => a.atValue - b.atValue || a.problems.length - b.problems.length);
  const best = candidates[0];
  const second = candidates[1];
  if (best && (!second || second.atValue > best.atValue || best.atValue === 0)) return best.problems;

  const data = error.data;
  // Every object branch was ruled out by the same discriminator: say what it may be.
  if (candidates.length === 0 && discriminators.size === 1 && data && typeof data === 'object' && !Array.isArray(data)) {
    const [key, allowed] = [...discriminators.entries()][0] ?? ['type', []];
    const found = (data as Record<string, unknown>)[key];
    const names = allowed.map((v) => `\`${String(v)}\``);
    return [
      {
        code: found === undefined ? 'MISSING_FIELD' : 'BAD_VALUE',
        path: found === undefined ? path : [...path, key],
        message:
          found === undefined
            ? `missing required field \`${key}\` in \`${fieldName(path)}\` (${names.join(' or ')})`
            : `expected \`${fieldName([...path, key])}\` to be ${names.join(' or ')}, found ${showValue(found)}`,
        expected: names.join(' or '),
        found: showValue(found),
        ...(typeof found === 'string' ? hintFor(didYouMean(found, allowed.map(String))) : {}),
      },
    ];
  }
  const titles = branches.map((b) => (typeof b.title === 'string' ? b.title : 'another shape'));
  const parent = error.parentSchema;
  const expected = typeof parent?.title === 'string' ? parent.title : titles.join(', or ');
  return [
    {
      code: 'WRONG_SHAPE',
      path,
      message: `expected \`${fieldName(path)}\` to be ${expected}; found ${showValue(data)} (${kindOf(data)})`,
      expected,
      found: showValue(data),
      hint: `accepted shapes: ${titles.join('; ')}`,
    },
  ];
}

function hintFor(hint: string | undefined): { hint?: string } {
  return hint ? { hint } : {};
}

/** ajv types the schema node as `any`; recipe schema nodes are plain objects. */
function parentOf(error: ErrorObject): Schema | undefined {
  return error.parentSchema;
}

function title(error: ErrorObject): string | undefined {
  const t = parentOf(error)?.title;
  return typeof t === 'string' ? t : undefined;
}

function errorToProblems(error: ErrorObject, path: PathSegment[]): Problem[] {
  const data: unknown = error.data;
  const field = fieldName(path);
  const params = error.params as Record<string, unknown>;
  const found = showValue(data);
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const properties = ((error.parentSchema)?.properties ?? {}) as Record<string, Schema>;
      const example = (properties[missing]?.examples as unknown[] | undefined)?.[0];
      const where = path.length === 0 ? 'the recipe' : `\`${field}\``;
      return [
        {
          code: 'MISSING_FIELD',
          path,
          message: `missing required field \`${missing}\` in ${where}`,
          expected: `\`${missing}\``,
          found: 'nothing',
          hint: example === undefined ? `add \`${missing}:\`` : `add \`${missing}: ${JSON.stringify(example)}\``,
        },
      ];
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parentOf(error)?.properties ?? {});
      const where = path.length === 0 ? 'the recipe' : `\`${field}\``;
      return [
        {
          code: 'UNKNOWN_FIELD',
          path: [...path, key],
          mark: 'key',
          message: `unknown field \`${key}\` in ${where}`,
          expected: allowed.map((k) => `\`${k}\``).join(', '),
          found: `\`${key}\``,
          hint: didYouMean(key, allowed) ?? `allowed fields: ${allowed.join(', ')}`,
        },
      ];
    }
    case 'type': {
      const expected = title(error) ?? `${String(params.type)}`;
      return [{ code: 'WRONG_TYPE', path, message: `expected \`${field}\` to be ${expected}, found ${found} (${kindOf(data)})`, expected, found }];
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const expected = title(error) ?? `${String(params.comparison)} ${String(params.limit)}`;
      return [{ code: 'OUT_OF_RANGE', path, message: `expected \`${field}\` to be ${expected}, found ${found}`, expected, found }];
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const expected = `one of ${allowed.map((v) => `\`${v}\``).join(', ')}`;
      const hint = typeof data === 'string' ? didYouMean(data, allowed) : undefined;
      return [{ code: 'BAD_VALUE', path, message: `expected \`${field}\` to be ${expected}, found ${found}`, expected, found, ...hintFor(hint) }];
    }
    case 'const': {
      const expected = JSON.stringify(params.allowedValue);
      return [{ code: 'BAD_VALUE', path, message: `expected \`${field}\` to be ${expected}, found ${found}`, expected, found }];
    }
    case 'pattern':
    case 'minLength':
    case 'maxLength': {
      if (error.propertyName !== undefined) return []; // matrix keys: checked with better messages by the matrix
      const expected = title(error) ?? (error.keyword === 'minLength' ? 'a non-empty string' : `a string matching ${String(params.pattern)}`);
      const hint = path.length === 1 && path[0] === 'name' && typeof data === 'string' ? slugHint(data) : undefined;
      return [{ code: 'BAD_VALUE', path, message: `expected \`${field}\` to be ${expected}, found ${found}`, expected, found, ...hintFor(hint) }];
    }
    case 'minItems':
    case 'maxItems': {
      const schema = error.parentSchema as Schema;
      const min = schema.minItems as number | undefined;
      const max = schema.maxItems as number | undefined;
      const count = min !== undefined && min === max ? `exactly ${min}` : error.keyword === 'minItems' ? `at least ${String(min)}` : `at most ${String(max)}`;
      const expected = `${count} item${count.endsWith(' 1') ? '' : 's'}${title(error) ? ` (${title(error)})` : ''}`;
      const n = Array.isArray(data) ? data.length : 0;
      return [{ code: 'WRONG_LENGTH', path, message: `expected \`${field}\` to have ${expected}, found ${n}`, expected, found: String(n) }];
    }
    case 'uniqueItems': {
      const i = Number(params.i);
      const j = Number(params.j);
      const value = Array.isArray(data) ? showValue(data[i]) : '?';
      return [{ code: 'DUPLICATE_ITEM', path: [...path, i], message: `\`${field}\` lists ${value} twice (items ${j} and ${i})`, expected: 'distinct items', found: value, hint: 'remove the repeated item' }];
    }
    case 'propertyNames':
      return [];
    default:
      return [{ code: 'BAD_VALUE', path, message: `\`${field}\` ${error.message ?? 'is invalid'}, found ${found}`, found }];
  }
}

function slugHint(name: string): string | undefined {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug ? `try \`${slug}\`` : undefined;
}
