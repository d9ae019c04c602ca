#!/usr/bin/env node
// Build step: compiles schema/recipe.schema.json into a standalone validator module
// (dist/recipe/recipe-schema-check.cjs), so that checking a valid recipe does not pay for ajv
// compiling the schema at every start (about 250 ms). It answers valid/invalid only; the CLI explains
// an invalid recipe with the full ajv instance (src/recipe/validator.ts). Generated at build time from
// the schema, never committed, so it cannot drift from the schema file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const schema = JSON.parse(readFileSync(`${root}schema/recipe.schema.json`, 'utf8'));
// The same options as the explaining validator, except allErrors/verbose, which only shape errors.
const ajv = new Ajv2020({ strict: true, code: { source: true } });
const validate = ajv.compile(schema);
const code = standaloneCode(ajv, validate);
const dir = `${root}dist/recipe`;
mkdirSync(dir, { recursive: true });
const target = `${dir}/recipe-schema-check.cjs`;
writeFileSync(`${target}.tmp`, code);
renameSync(`${target}.tmp`, target);
