// The config schema's validator as code (ajv "standalone" output), so that validating a config does not
// compile the schema at every start: compiling it cost 70–90 ms of CPU per run, a tenth of what a light
// benchmark's client spends in all (issue #17). src/config/validate.ts imports the generated file.
//
// `npm run schema` (the config schema test in its update mode) rewrites
// src/config/schema-validator.generated.ts with renderConfigValidator(configSchema); the same test fails
// when the file is not what this would write, so a schema change cannot ship with a stale validator.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';

const require = createRequire(import.meta.url);
const standaloneCode = standalone.default ?? standalone;

/** The ajv options of the config's validation; the generated code is compiled with exactly these. */
export const CONFIG_AJV_OPTIONS = {
  allErrors: true,
  // Fills in `default`s, so they live in the schema only.
  useDefaults: true,
  // YAML `.inf` and `.nan` are numbers to JavaScript; they must not pass `type: number`.
  strictNumbers: true,
  // `environment` values are string | number | boolean.
  allowUnionTypes: true,
};

/** The one runtime helper ajv's code for this schema requires (`maxLength` counts code points), inlined. */
const RUNTIME_HELPER = 'require("ajv/dist/runtime/ucs2length").default';

/** The TypeScript module src/config/schema-validator.generated.ts for `schema`. */
export function renderConfigValidator(schema) {
  const ajv = new Ajv({ ...CONFIG_AJV_OPTIONS, code: { source: true, esm: true } });
  let code = standaloneCode(ajv, ajv.compile(schema)).replace(/^"use strict";/, '');
  const helper = readFileSync(require.resolve('ajv/dist/runtime/ucs2length.js'), 'utf8');
  const body = helper.slice(helper.indexOf('function ucs2length'), helper.indexOf('exports.default'));
  code = code.split(RUNTIME_HELPER).join('ucs2length');
  const leftover = code.match(/require\([^)]*\)/);
  if (leftover)
    throw new Error(`ajv's standalone code needs ${leftover[0]}: inline it in scripts/config-validator.mjs`);
  return [
    '/* eslint-disable */',
    '// Generated from src/config/schema.ts by scripts/config-validator.mjs (`npm run schema`): do not edit.',
    "// ajv's standalone validator of the config schema (options: CONFIG_AJV_OPTIONS there).",
    '// @ts-nocheck',
    `// ucs2length: ajv/dist/runtime/ucs2length.js (MIT, ajv ${ajvVersion()}).`,
    body.trim(),
    code.trim(),
    '',
  ].join('\n');
}

function ajvVersion() {
  return JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')).version;
}
