import { readFile } from 'node:fs/promises';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { RenderRecipesError } from '../errors.js';
import { PLAN_FORMAT, type Plan } from './types.js';

const SCHEMA_URL = new URL('../../schema/plan.schema.json', import.meta.url);
const MAX_SHOWN = 8;

let validator: ValidateFunction | undefined;

async function planValidator(): Promise<ValidateFunction> {
  if (!validator) {
    // discriminator: a camera/light/view with a bad `type` gets one error naming it, not one per branch.
    // ajv loads with the first plan file read (run --plan), not with the plan stage.
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
    validator = ajv.compile(JSON.parse(await readFile(SCHEMA_URL, 'utf8')) as object);
  }
  return validator;
}

/**
 * Reads a plan written by `render-recipes plan --json` (for `run --plan FILE`). Everything the
 * runner relies on is checked here, against schema/plan.schema.json and for tasks naming scenes
 * that exist, so a hand-edited or truncated plan is a USAGE error with JSON paths, never a crash
 * in the middle of a run.
 */
export async function readPlanFile(path: string): Promise<Plan> {
  const hint = 'make one with `render-recipes plan <recipes> --json > plan.json`';
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RenderRecipesError('USAGE', `cannot read the plan ${path}: ${(error as Error).message}`, { hint });
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== PLAN_FORMAT) {
    throw new RenderRecipesError('USAGE', `${path} is not a render-recipes plan (expected format ${PLAN_FORMAT}, got ${JSON.stringify(format) ?? 'none'})`, { hint });
  }
  const validate = await planValidator();
  const problems = validate(data) ? [] : (validate.errors ?? []).map(describe);
  if (problems.length === 0) {
    const plan = data as Plan;
    const scenes = new Set(plan.scenes.map((s) => s.id));
    plan.tasks.forEach((task, i) => {
      if (!scenes.has(task.sceneId)) problems.push(`/tasks/${i}/sceneId: '${task.sceneId}' names no scene of the plan`);
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_SHOWN).map((p) => `  ${p}`);
    if (problems.length > MAX_SHOWN) shown.push(`  ... and ${problems.length - MAX_SHOWN} more`);
    throw new RenderRecipesError('USAGE', `${path} is not a valid plan (schema/plan.schema.json):\n${shown.join('\n')}`, {
      hint: `${hint}; a plan is not meant to be edited by hand`,
    });
  }
  return data as Plan;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as { allowedValues?: unknown[]; additionalProperty?: string; tagValue?: unknown; allowedValue?: unknown };
  let detail = error.message ?? 'is invalid';
  if (params.allowedValues) detail += ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
  else if (params.allowedValue !== undefined) detail += ` ${JSON.stringify(params.allowedValue)}`;
  else if (params.additionalProperty) detail += ` ('${params.additionalProperty}')`;
  else if (params.tagValue !== undefined) detail += `, got ${JSON.stringify(params.tagValue)}`;
  return `${at}: ${detail}`;
}
