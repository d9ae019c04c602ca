import type { Issue, ValidationStyle } from '../protocol/validator.js';

/**
 * Validation message wording. R1/R2 (`json/JsonSchemaValidator.cpp`) name the path inside each
 * message; R3 (`json/JsonValidator.cpp`) prefixes `path: ` and reads like a sentence in lower case.
 */

const json = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function v2Message(issue: Issue): string {
  const at = issue.path ? ` at '${issue.path}'` : '';
  switch (issue.kind) {
    case 'missing':
      return `Missing property: '${issue.path}'`;
    case 'unknown':
      return `Unknown property: '${issue.path}'`;
    case 'readOnly':
      return `Read-only property: '${issue.path}'`;
    case 'type':
      return `Invalid type${at}: expected '${issue.expected}' got '${issue.actual}'`;
    case 'minimum':
      return `'${issue.path}' ${json(issue.value)} is below minimum value '${issue.limit}'`;
    case 'maximum':
      return `'${issue.path}' ${json(issue.value)} is above maximum value '${issue.limit}'`;
    case 'enum':
      return `Invalid enum${at}: '${json(issue.value)}' not in [${issue.allowed.map(json).join(', ')}]`;
    case 'minItems':
      return `Invalid size${at}: ${json(issue.value)} items is below minimum '${issue.limit}'`;
    case 'maxItems':
      return `Invalid size${at}: ${json(issue.value)} items is above maximum '${issue.limit}'`;
    case 'oneOf':
      return `Invalid oneOf${at}: value matches none of the allowed types`;
    default:
      return `Invalid value${at}`;
  }
}

/** R1 and R2: read-only properties are accepted and ignored. */
export const v2Validation: ValidationStyle = { rejectReadOnly: false, format: v2Message };

function v3Message(issue: Issue): string {
  const prefix = (path: string): string => (path ? `${path}: ` : '');
  switch (issue.kind) {
    case 'missing':
      return `${prefix(issue.parent)}missing required property '${issue.property}'`;
    case 'unknown':
      return `${prefix(issue.parent)}unknown property '${issue.property}'`;
    case 'readOnly':
      return `${prefix(issue.parent)}read only property '${issue.property}'`;
    case 'type':
      return `${prefix(issue.path)}invalid type, expected ${issue.expected} got ${issue.actual}`;
    case 'minimum':
      return `${prefix(issue.path)}value below minimum ${json(issue.value)} < ${issue.limit}`;
    case 'maximum':
      return `${prefix(issue.path)}value above maximum ${json(issue.value)} > ${issue.limit}`;
    case 'enum':
      return `${prefix(issue.path)}invalid enum '${json(issue.value)}' not in [${issue.allowed.map((v) => `'${json(v)}'`).join(', ')}]`;
    case 'minItems':
      return `${prefix(issue.path)}item count below minimum ${json(issue.value)} < ${issue.limit}`;
    case 'maxItems':
      return `${prefix(issue.path)}item count above maximum ${json(issue.value)} > ${issue.limit}`;
    case 'oneOf':
      return `${prefix(issue.path)}invalid oneOf, no schema matches`;
    default:
      return `${prefix(issue.path)}invalid value`;
  }
}

/** R3: read-only properties in input are errors. */
export const v3Validation: ValidationStyle = { rejectReadOnly: true, format: v3Message };
