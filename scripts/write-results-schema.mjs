// Writes configs/results.schema.json, the JSON schema (draft-07) of results.json, from the TypeScript
// interfaces the engine writes (ResultsDocument in src/results/document.ts and the types it imports):
//
//     node scripts/write-results-schema.mjs            rewrite the file (`npm run schema` does this)
//     node scripts/write-results-schema.mjs --check    exit 1, with a summary of the differences, when the
//                                                      file is not what this would write
//
// ts-json-schema-generator (a devDependency: nothing under src/ imports it) reads the interfaces and
// their JSDoc: the comment text is a field's description, `@asType integer`, `@minimum` and `@maximum`
// narrow a number, `@title` names a type. Every object is closed (additionalProperties: false) and every
// non-optional property required, so a field added to an interface is in the schema as soon as this runs.
//
// What the interfaces cannot say is added here, after generation:
// - the top: draft-07 `$schema`, the `$id` below, and ResultsDocument's title and description;
// - `schema_version`: the pattern of the current major version, the current version as example and the
//   sentence that names it, all from RESULTS_SCHEMA_VERSION (its JSDoc's parenthesis says so and is
//   replaced);
// - `configuration` (BenchConfig) and a stage's `config` (StageConfig): the nodes of configs/schema.json
//   (the config schema, itself written from src/config/schema.ts), so that the config's descriptions,
//   limits and patterns live in one place. Every field is required since the loader applies the defaults
//   (the interfaces say which are optional), enums come from the interfaces' literal types (the alias
//   MlxIbv is resolved), hardware_plan may be empty and environment values are strings.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_SCHEMA_FILE = join(root, 'configs', 'results.schema.json');
const CONFIG_SCHEMA_FILE = join(root, 'configs', 'schema.json');
const DOCUMENT_FILE = join(root, 'src', 'results', 'document.ts');
const DEFINITIONS_FILE = join(root, 'src', 'metrics', 'definitions.ts');

/** Where the schema lives once published (the repository README names the action `exo/bench-action`). */
export const RESULTS_SCHEMA_ID =
  'https://raw.githubusercontent.com/exo/bench-action/main/configs/results.schema.json';

/** The generator's options: one place, so that the migration script generates exactly the same. */
export const GENERATOR_CONFIG = {
  path: DOCUMENT_FILE,
  tsconfig: join(root, 'tsconfig.json'),
  type: 'ResultsDocument',
  expose: 'export',
  topRef: false,
  jsDoc: 'extended',
  additionalProperties: false,
  sortProps: true,
  strictTuples: true,
  skipTypeCheck: true,
  encodeRefs: true,
};

/** The schema exactly as ts-json-schema-generator derives it from the interfaces. */
export function generatedSchema() {
  return createGenerator(GENERATOR_CONFIG).createSchema(GENERATOR_CONFIG.type);
}

/** RESULTS_SCHEMA_VERSION, read from the source (Node 20 cannot import TypeScript). */
export function resultsSchemaVersion() {
  const match = /export const RESULTS_SCHEMA_VERSION = '(\d+\.\d+\.\d+)';/.exec(
    readFileSync(DOCUMENT_FILE, 'utf8'),
  );
  if (!match) throw new Error(`${DOCUMENT_FILE} has no RESULTS_SCHEMA_VERSION = 'x.y.z'`);
  return match[1];
}

const definitionName = (ref) => decodeURIComponent(ref.replace(/^#\/definitions\//, ''));

/** A node with its `$ref` followed, when it has one. */
function resolved(schema, node) {
  if (node?.$ref === undefined) return node;
  const target = schema.definitions?.[definitionName(node.$ref)];
  if (target === undefined) throw new Error(`unresolved ${node.$ref}`);
  return resolved(schema, target);
}

/** Enum or const of a generated node (its `$ref` followed), or nothing. */
function literals(schema, node) {
  const target = resolved(schema, node);
  if (target?.enum !== undefined) return { enum: target.enum };
  if (target?.const !== undefined) return { const: target.const };
  return {};
}

const withoutKeys = (node, ...keys) =>
  Object.fromEntries(Object.entries(node).filter(([key]) => !keys.includes(key)));

/**
 * An object node of the loaded config: the config schema's property nodes, the interface's required
 * list and literal types. A property in one and not the other is an error: the two must say the same.
 */
function loadedObject(schema, generated, configProperties, { title, description, overrides = {} }, where) {
  const generatedProperties = generated.properties ?? {};
  const inConfig = Object.keys(configProperties);
  const inType = Object.keys(generatedProperties);
  const missing = [
    ...inConfig.filter((key) => !inType.includes(key)),
    ...inType.filter((key) => !inConfig.includes(key)),
  ];
  if (missing.length > 0) {
    throw new Error(`${where}: the config schema and the interface disagree on ${missing.join(', ')}`);
  }
  const properties = {};
  for (const key of inConfig) {
    const override = overrides[key];
    const node = { ...configProperties[key], ...literals(schema, generatedProperties[key]) };
    properties[key] = typeof override === 'function' ? override(node) : { ...node, ...override };
  }
  return {
    ...(title !== undefined ? { title } : {}),
    description,
    type: 'object',
    additionalProperties: false,
    required: inConfig.filter((key) => (generated.required ?? []).includes(key)),
    properties,
  };
}

const absentWhenNone = (node) => ({
  ...node,
  description: `${node.description ?? ''} Absent when none.`.trim(),
});

/** The loaded config's `target`: `{kind: exo}` alone, or an openai target with its defaults applied. */
function loadedTarget(schema, configTarget) {
  const alternatives = resolved(schema, { $ref: '#/definitions/TargetConfig' }).anyOf ?? [];
  const descriptions = {
    exo: 'An EXO cluster orchestrated by exo-bench.',
    openai: 'An OpenAI-compatible server; the API key itself is never written.',
  };
  return {
    title: configTarget.title,
    description: configTarget.description,
    oneOf: alternatives.map((alternative) => {
      const kind = alternative.properties?.kind?.const;
      if (!(kind in descriptions)) throw new Error(`TargetConfig: an alternative of unknown kind ${kind}`);
      const configProperties = Object.fromEntries(
        Object.keys(alternative.properties).map((key) => [key, configTarget.properties[key]]),
      );
      return loadedObject(
        schema,
        alternative,
        configProperties,
        {
          description: descriptions[kind],
          overrides: {
            kind: (node) => ({ description: node.description, type: 'string', const: kind }),
            base_url: { description: 'The server root, without user info.' },
          },
        },
        `target ${kind}`,
      );
    }),
  };
}

/** Replaces BenchConfig and StageConfig by the config schema's nodes (see the header). */
function spliceConfiguration(schema) {
  const config = JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8'));
  const configStage = config.properties.stages.items;
  const benchConfig = schema.definitions.BenchConfig;
  const stageConfig = schema.definitions.StageConfig;
  if (benchConfig === undefined || stageConfig === undefined) {
    throw new Error('the generated schema has no BenchConfig or StageConfig definition');
  }
  schema.definitions.StageConfig = loadedObject(
    schema,
    stageConfig,
    configStage.properties,
    {
      title: 'stage config',
      description:
        'One stage of the config as loaded: its fields as in configs/schema.json, every default applied (no_overlap inherits the top-level value).',
      overrides: {
        no_overlap: { description: 'Run requests one at a time (inherits the top-level value).' },
        thresholds: absentWhenNone,
        arrival: {
          description:
            'Since 1.5: the open-loop arrival process (always written by the loader; absent = constant).',
        },
        burstiness: {
          description:
            'Since 1.5: the gamma shape factor; present only with arrival gamma (default 1 applied).',
        },
        concurrency: {
          description:
            'Since 1.5: closed loop, requests kept in flight; absent for an open-loop stage. A concurrency search sets it on its probes.',
        },
        ramp_to_rate: {
          description:
            'Since 1.5: the rate (requests/s) a linear ramp reaches at the last request; absent without a ramp.',
        },
        trace: {
          description:
            'Since 1.5: the trace replayed, as written (relative to the config file). Absent in other stages. In a trace stage, iterations is the number of requests replayed, prompt_length and generation_length the rounded means of their input_length and output_length, and time_between_requests their mean gap (seconds, after trace_speed); each request had its own.',
        },
        trace_speed: {
          description: 'Since 1.5: the time scale of the replay (default 1 applied). Trace stages only.',
        },
        trace_block_tokens: {
          description: 'Since 1.5: tokens of one hash_ids block (default 512 applied). Trace stages only.',
        },
        shared_prefix: (node) => ({
          ...node,
          description: `Since 1.5: ${node.description ?? ''} Absent when not configured; groups is always set (default 1).`,
          required: ['tokens', 'groups'],
        }),
        search: {
          description:
            'Since 1.5: the stage is a capacity search (configs/README.md), every default applied (probe_requests resolved). Its iterations is then the most requests the search may send (max_probes × probe_requests) and time_between_requests 0: each probe sets its own load.',
        },
      },
    },
    'StageConfig',
  );
  schema.definitions.BenchConfig = loadedObject(
    schema,
    benchConfig,
    config.properties,
    {
      title: 'configuration',
      description:
        'The config as loaded: validated, every default applied. Its fields are those of configs/schema.json (configs/README.md documents them).',
      overrides: {
        hardware_plan: (node) => ({
          ...withoutKeys(node, 'minProperties'),
          description:
            'Runner label → number of nodes with that label, in config order. Empty for an openai target without one.',
        }),
        environment: (node) => ({
          ...withoutKeys(node, 'examples'),
          description: 'Variables set on every node, already converted to strings.',
          additionalProperties: { type: 'string' },
        }),
        model_ids: {
          description:
            'One instance per entry; repeats mean several instances of one model. An openai target: [target.model].',
        },
        stages: (node) => ({ ...node, items: { $ref: '#/definitions/StageConfig' } }),
        seed: (node) => ({ ...node, description: `Since 1.5: ${node.description ?? ''}` }),
        all_nodes_start_delay_seconds: (node) => ({
          ...node,
          description: `Since 1.7: ${node.description ?? ''} Present (default applied) only with load_from: all_nodes and an openai target.`,
        }),
        all_nodes_drain_seconds: (node) => ({
          ...node,
          description: `Since 1.7: ${node.description ?? ''} Present (default applied) only with load_from: all_nodes and an openai target.`,
        }),
        instance_meta: {
          description: 'EXO instance kind (the alias MlxIbv is already resolved to MlxJaccl).',
        },
        target: () => loadedTarget(schema, config.properties.target),
        thresholds: absentWhenNone,
        regression: (node) => ({
          ...node,
          description: `${node.description ?? ''} Absent: the default set (src/config/regression.ts).`,
        }),
      },
    },
    'BenchConfig',
  );
}

/** Every `$ref` under a node. */
function references(node, found = new Set()) {
  if (Array.isArray(node)) for (const child of node) references(child, found);
  else if (node !== null && typeof node === 'object') {
    if (typeof node.$ref === 'string') found.add(definitionName(node.$ref));
    for (const [key, child] of Object.entries(node)) if (key !== 'definitions') references(child, found);
  }
  return found;
}

/** Drops the definitions nothing refers to any more (the config's enums, once spliced). */
function pruneDefinitions(schema) {
  const reachable = new Set();
  const pending = [...references(withoutKeys(schema, 'definitions'))];
  while (pending.length > 0) {
    const name = pending.pop();
    if (reachable.has(name)) continue;
    reachable.add(name);
    pending.push(...references(schema.definitions[name]));
  }
  schema.definitions = Object.fromEntries(
    Object.entries(schema.definitions).filter(([name]) => reachable.has(name)),
  );
}

/** The schema of results.json, as configs/results.schema.json holds it. */
/**
 * METRIC_DEFINITIONS of src/metrics/definitions.ts, read from its source (a plain literal: strings
 * only, which this checks) since Node 20 cannot import TypeScript.
 */
export function metricDefinitions() {
  const source = ts.createSourceFile(
    DEFINITIONS_FILE,
    readFileSync(DEFINITIONS_FILE, 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const fail = (node, why) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    throw new Error(
      `src/metrics/definitions.ts:${line + 1}: ${why} (keep METRIC_DEFINITIONS a plain literal)`,
    );
  };
  const text = (node) => {
    if (!ts.isStringLiteral(node) && !ts.isNoSubstitutionTemplateLiteral(node))
      fail(node, 'expected a string');
    return node.text;
  };
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (declaration.name.getText(source) !== 'METRIC_DEFINITIONS') continue;
      const list = declaration.initializer;
      if (!list || !ts.isArrayLiteralExpression(list)) fail(declaration, 'expected an array');
      return list.elements.map((element) => {
        if (!ts.isObjectLiteralExpression(element)) fail(element, 'expected an object');
        const entry = {};
        for (const property of element.properties) {
          if (!ts.isPropertyAssignment(property)) fail(property, 'expected `key: value`');
          const key = property.name.getText(source);
          if (key === 'fields') {
            if (!ts.isArrayLiteralExpression(property.initializer)) fail(property, 'expected an array');
            entry.fields = property.initializer.elements.map(text);
          } else entry[key] = text(property.initializer);
        }
        return entry;
      });
    }
  }
  throw new Error('src/metrics/definitions.ts has no METRIC_DEFINITIONS');
}

/**
 * Each field a metric definition names gets `<name>: <formula>.` as its description, followed by what
 * its own JSDoc adds (unit, version): the definitions are written once, in src/metrics/definitions.ts.
 */
function describeMetricFields(schema) {
  for (const { name, formula, fields } of metricDefinitions()) {
    for (const field of fields) {
      const [definition, property] = field.split('.');
      const node = schema.definitions?.[definition]?.properties?.[property];
      if (node === undefined) {
        throw new Error(`METRIC_DEFINITIONS: ${name} names ${field}, which the results schema does not have`);
      }
      node.description = `${name}: ${formula}.${node.description ? ` ${node.description}` : ''}`;
    }
  }
}

export function resultsSchema() {
  const generated = generatedSchema();
  describeMetricFields(generated);
  spliceConfiguration(generated);
  pruneDefinitions(generated);
  const { $schema: _generatorsDraft, title, description, definitions, ...document } = generated;
  const version = resultsSchemaVersion();
  const major = version.split('.')[0];
  const schemaVersion = document.properties?.schema_version;
  if (schemaVersion === undefined) throw new Error('ResultsDocument has no schema_version');
  const stated = /^(.*?)\s*\(The generated schema adds[^)]*\)\s*$/s.exec(schemaVersion.description ?? '');
  document.properties.schema_version = {
    ...schemaVersion,
    description:
      `${stated?.[1] ?? schemaVersion.description ?? ''} This schema describes ${version} documents; one from an earlier ${major}.x lacks the fields added since (e.g. 1.2.0 added invalid_events), and any ${major}.x reader can still read it.`.trim(),
    pattern: `^${major}\\.[0-9]+\\.[0-9]+$`,
    examples: [version],
  };
  if (title === undefined || description === undefined) {
    throw new Error('ResultsDocument needs a @title and a description in its JSDoc');
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: RESULTS_SCHEMA_ID,
    title,
    description,
    ...document,
    definitions,
  };
}

export const renderResultsSchema = (schema = resultsSchema()) => `${JSON.stringify(schema, null, 2)}\n`;

/** JSON paths where two values differ, at most `limit` of them. */
function differences(a, b, path = '#', found = [], limit = 20) {
  if (found.length >= limit) return found;
  const isObject = (value) => value !== null && typeof value === 'object';
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a)) found.push(`${path}/${key}: only in the generated schema`);
      else if (!(key in b)) found.push(`${path}/${key}: only in the file`);
      else differences(a[key], b[key], `${path}/${key}`, found, limit);
      if (found.length >= limit) break;
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    found.push(
      `${path}: the file has ${JSON.stringify(a)?.slice(0, 80)}, the generator ${JSON.stringify(b)?.slice(0, 80)}`,
    );
  }
  return found;
}

function main(argv) {
  const text = renderResultsSchema();
  const relative = 'configs/results.schema.json';
  if (argv.includes('--check')) {
    let onDisk = '';
    try {
      onDisk = readFileSync(RESULTS_SCHEMA_FILE, 'utf8');
    } catch {
      console.error(`${relative} is missing: run npm run schema`);
      return 1;
    }
    if (onDisk === text) {
      console.log(`${relative} is up to date`);
      return 0;
    }
    let found;
    try {
      found = differences(JSON.parse(onDisk), JSON.parse(text));
    } catch {
      found = ['the file is not JSON'];
    }
    if (found.length === 0) found = ['same JSON, other layout (key order or spacing)'];
    console.error(`${relative} is stale: npm run schema rewrites it. Differences (at most 20):`);
    for (const line of found) console.error(`  ${line}`);
    return 1;
  }
  writeFileSync(RESULTS_SCHEMA_FILE, text);
  console.log(`wrote ${relative}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exitCode = main(process.argv.slice(2));
