import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv/dist/2020.js';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Problem } from './diagnostics.js';
import { ajvErrorsToProblems } from './ajv-errors.js';
import { recipeSchema } from './schema.js';

/**
 * One ajv instance for the recipe schema. `allErrors` so every bad field is reported in one run;
 * `verbose` so each error carries its schema node (titles, bounds and allowed keys for messages).
 */
let ajv: Ajv2020 | undefined;
const require = createRequire(import.meta.url);
let validateRoot: ValidateFunction | undefined;
const branchValidators = new Map<string, ValidateFunction>();

function instance(): { ajv: Ajv2020; id: string } {
  const schema = recipeSchema();
  if (!ajv) {
    // ajv itself (a few hundred milliseconds of start-up) is required only here, to explain an
    // invalid recipe: a valid one is settled by the build-time check without it.
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof AjvModule;
    ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    ajv.addSchema(schema);
  }
  return { ajv, id: schema.$id as string };
}

/**
 * The schema compiled at build time (scripts/compile-recipe-schema.js) into a standalone module
 * beside the compiled code: it answers valid/invalid without ajv compiling the schema at start-up.
 * Absent when running from the TypeScript sources (tests), where the full validator does the work.
 */
let quickCheck: ((value: unknown) => boolean) | null | undefined;

function standaloneCheck(): ((value: unknown) => boolean) | null {
  if (quickCheck === undefined) {
    try {
      quickCheck = require('./recipe-schema-check.cjs') as (value: unknown) => boolean;
    } catch {
      quickCheck = null;
    }
  }
  return quickCheck;
}

/** True when the build-time check accepts `value` (false when it does not, or is absent): no ajv compile. */
export function schemaAccepts(value: unknown): boolean {
  return standaloneCheck()?.(value) === true;
}

export function validateAgainstSchema(value: unknown): Problem[] {
  // A valid recipe is settled by the standalone check; an invalid one is explained by the full
  // validator (all errors, verbose), which is compiled only then.
  if (standaloneCheck()?.(value) === true) return [];
  const { ajv: a, id } = instance();
  validateRoot ??= a.getSchema(id);
  if (!validateRoot) throw new Error('recipe schema failed to compile');
  if (validateRoot(value)) return [];
  return ajvErrorsToProblems(validateRoot.errors ?? [], branchValidator);
}

/**
 * The validator of one branch of an `anyOf`: a failing `anyOf` is explained by re-checking the
 * value against each branch on its own. ajv's `schemaPath` restarts inside `$ref`s, so branches
 * are found by the identity of the `anyOf` array (ajv's verbose errors carry the schema node itself).
 */
function branchValidator(anyOf: unknown, index: number): (value: unknown) => ErrorObject[] {
  const { ajv: a, id } = instance();
  const pointer = anyOfPointers().get(anyOf);
  if (pointer === undefined) throw new Error('anyOf error from outside the recipe schema');
  const schemaPath = `${pointer}/${index}`;
  let validate = branchValidators.get(schemaPath);
  if (!validate) {
    validate = a.compile({ $ref: `${id}#${schemaPath}` });
    branchValidators.set(schemaPath, validate);
  }
  const v = validate;
  return (value) => (v(value) ? [] : [...(v.errors ?? [])]);
}

let pointers: Map<unknown, string> | undefined;

function anyOfPointers(): Map<unknown, string> {
  if (pointers) return pointers;
  const found = new Map<unknown, string>();
  const walk = (node: unknown, pointer: string): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${pointer}/${i}`));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const childPointer = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === 'anyOf') found.set(child, childPointer);
      if (key !== 'examples' && key !== 'default') walk(child, childPointer);
    }
  };
  walk(recipeSchema(), '');
  pointers = found;
  return found;
}
