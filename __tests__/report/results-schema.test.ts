/**
 * configs/results.schema.json is generated from the interfaces of results.json (ResultsDocument in
 * src/results/document.ts and the types it imports) by scripts/write-results-schema.mjs and must never
 * drift from them. To rewrite it after changing an interface or its JSDoc:
 *
 *     npm run schema            (or: node scripts/write-results-schema.mjs)
 *
 * Documents written by real runs (the engine against the in-process simulator, over real sockets) must
 * validate against the file: a pass with thresholds and a baseline, a secondary, an error, an openai
 * target. Each run is a handful of requests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { runNode, type NodeRunOptions, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import { RESULTS_SCHEMA_VERSION, type ResultsDocument } from '../../src/results/document.js';
import { DEFAULT_PROFILE, FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { readBaselineFiles } from '../../src/verdict/baseline.js';
import { readNodeFolder, runMerge } from '../../src/merge/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';
import { METRIC_DEFINITIONS } from '../../src/metrics/definitions.js';

const repositoryRoot = join(new URL('.', import.meta.url).pathname, '..', '..');
const schemaFile = join(repositoryRoot, 'configs', 'results.schema.json');
const generator = join(repositoryRoot, 'scripts', 'write-results-schema.mjs');

/** The parts of a JSON schema node this file looks at. */
interface JsonSchema {
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  definitions?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

const resultsSchema = JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema;

const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
const validate = ajv.compile(resultsSchema);

/** Validates and returns the errors in a form a failing expectation prints in full. */
function schemaErrors(document: unknown): Array<Pick<ErrorObject, 'instancePath' | 'message' | 'params'>> {
  if (validate(document)) return [];
  return (validate.errors ?? []).map(({ instancePath, message, params }) => ({
    instancePath,
    message,
    params,
  }));
}

/** results.json as written to disk (not the in-memory object: JSON turns undefined and NaN into gaps). */
const writtenDocument = (outcome: NodeRunOutcome): ResultsDocument =>
  JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as ResultsDocument;

/** Every property and definition of a schema, at any depth, with its path. */
function namedNodes(node: JsonSchema, path: string): Array<[string, JsonSchema]> {
  const named: Array<[string, JsonSchema]> = [
    ...Object.entries(node.properties ?? {}).map(([key, child]): [string, JsonSchema] => [
      `${path}.${key}`,
      child,
    ]),
    ...Object.entries(node.definitions ?? {}).map(([key, child]): [string, JsonSchema] => [
      `#/definitions/${key}`,
      child,
    ]),
  ];
  const unnamed: Array<[string, JsonSchema]> = [
    ...(node.items ? [[`${path}[]`, node.items] as [string, JsonSchema]] : []),
    ...(typeof node.additionalProperties === 'object'
      ? [[`${path}{}`, node.additionalProperties] as [string, JsonSchema]]
      : []),
    ...[...(node.oneOf ?? []), ...(node.anyOf ?? [])].map((child, index): [string, JsonSchema] => [
      `${path}|${index}`,
      child,
    ]),
  ];
  return [...named, ...[...named, ...unnamed].flatMap(([childPath, child]) => namedNodes(child, childPath))];
}

/** A node's description, else that of the definition it refers to (a property typed by a named type). */
function descriptionOf(node: JsonSchema): string | undefined {
  if (node.description) return node.description;
  if (node.$ref === undefined) return undefined;
  const target = resultsSchema.definitions?.[decodeURIComponent(node.$ref.replace('#/definitions/', ''))];
  return target ? descriptionOf(target) : undefined;
}

describe('configs/results.schema.json', () => {
  it('is exactly what scripts/write-results-schema.mjs generates from the interfaces', () => {
    // On failure: npm run schema. The generator prints where the file and the interfaces differ.
    let output = '';
    let status = 0;
    try {
      output = execFileSync(process.execPath, [generator, '--check'], {
        cwd: repositoryRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const failed = error as { status?: number; stdout?: string; stderr?: string };
      status = failed.status ?? 1;
      output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    }
    expect({ status, output }).toEqual({ status: 0, output: 'configs/results.schema.json is up to date\n' });
  }, 120_000);

  it('is a valid draft-07 schema that ajv compiles in strict mode', () => {
    const strict = new Ajv({ strict: true, allowUnionTypes: true });
    expect(strict.validateSchema(resultsSchema)).toBe(true);
    expect(() => strict.compile(resultsSchema)).not.toThrow();
  });

  it('has an id and a title, and accepts every version of the current major only', () => {
    expect(resultsSchema.$id).toMatch(/^https:\/\/.*\/configs\/results\.schema\.json$/);
    expect(resultsSchema.title).toBe('exo-bench results');
    const pattern = new RegExp(resultsSchema.properties?.schema_version?.pattern ?? '(no pattern)');
    const major = RESULTS_SCHEMA_VERSION.split('.')[0]!;
    expect(pattern.source.startsWith(`^${major}\\.`)).toBe(true);
    expect(pattern.test(RESULTS_SCHEMA_VERSION)).toBe(true);
    expect(pattern.test(`${major}.0.0`)).toBe(true);
    expect(pattern.test(`${Number(major) + 1}.0.0`)).toBe(false);
    expect(resultsSchema.properties?.schema_version?.description).toContain(
      `This schema describes ${RESULTS_SCHEMA_VERSION} documents`,
    );
  });

  it("takes each metric's description from the one table, src/metrics/definitions.ts", () => {
    const named = METRIC_DEFINITIONS.flatMap(({ name, formula, fields }) =>
      fields.map((field) => {
        const [definition = '', property = ''] = field.split('.');
        const description = resultsSchema.definitions?.[definition]?.properties?.[property]?.description;
        return { field, starts: description?.startsWith(`${name}: ${formula}.`) ?? false };
      }),
    );
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((entry) => !entry.starts)).toEqual([]);
  });

  it('describes every field', () => {
    const nodes = namedNodes(resultsSchema, '#');
    expect(nodes.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        '#/definitions/StageResults.itl_ms',
        '#/definitions/HistogramSummary.p99',
        '#/definitions/LoadStatistics.ttft_ms',
        '#/definitions/ThresholdOutcome.scope|1.stage',
        '#.configuration',
        '#/definitions/BenchConfig.target|1.force_output_length',
      ]),
    );
    const undescribed = nodes.filter(([, node]) => !descriptionOf(node)).map(([path]) => path);
    expect(undescribed).toEqual([]);
  });
});

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

const exoConfig = (extra = ''): string => `
hardware_plan: { M3ULTRA: 2 }
timeout_seconds: 20
max_dispatch_lag_p99_ms: 1000
snapshot_interval_seconds: 0.05
model_ids: [${MODEL}]
thresholds: ['success_rate >= 0.99', 'ttft_p99_ms <= 60000']
# Tolerances no scheduler jitter exceeds: the verdict of the compared run must not depend on the machine.
regression: { ttft_p50_ms: 1000%, e2e_p50_ms: 1000% }
${extra}
stages:
  - name: steady
    prompt_length: 32
    generation_length: 6
    time_between_requests: 0.005
    iterations: 12
    warmup_requests: 1
  - name: burst
    prompt_length: 64
    generation_length: 4
    time_between_requests: 0
    iterations: 4
    thresholds: ['itl_p50_ms <= 60000', 'failed_requests == 0']
`;

const runOptions = (apiUrl: string, overrides: Partial<NodeRunOptions> = {}): NodeRunOptions => ({
  apiUrl,
  isPrimary: true,
  expectedNodes: 2,
  timeoutSeconds: 20,
  outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-results-schema-')),
  runId: 'schema',
  pollIntervalMs: 20,
  hardwareLabel: 'M3ULTRA',
  nodeIndex: 0,
  ...overrides,
});

describe('documents of real runs validate against the schema', () => {
  const documents = new Map<string, ResultsDocument>();

  beforeAll(async () => {
    const simulator = await startSimulator({ nodes: 2, seed: 5, profile: { ...FAST_TEST_PROFILE } });
    try {
      const [primaryNode, secondaryNode] = simulator.nodes;
      const loaded = parseConfigText(exoConfig(), 'schema.yaml', {});
      const [primary, secondary] = await Promise.all([
        runNode(loaded, runOptions(primaryNode!.url), { logger: new MemoryLogger() }),
        runNode(loaded, runOptions(secondaryNode!.url, { isPrimary: false, nodeIndex: 1 }), {
          logger: new MemoryLogger(),
        }),
      ]);
      documents.set('exo primary', writtenDocument(primary));
      documents.set('exo secondary', writtenDocument(secondary));
      const merged = runMerge(
        [readNodeFolder(dirname(primary.resultsPath)), readNodeFolder(dirname(secondary.resultsPath))],
        {
          outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-results-schema-merged-')),
          logger: new MemoryLogger(),
        },
      );
      documents.set('exo merged', writtenDocument(merged));

      const compared = await runNode(
        loaded,
        runOptions(primaryNode!.url, {
          baseline: { status: 'loaded', baseline: readBaselineFiles(primary.resultsPath) },
        }),
        { logger: new MemoryLogger() },
      );
      documents.set('exo primary with a baseline', writtenDocument(compared));

      // RDMA placement is impossible on the simulator: the run ends in a cluster error.
      const failed = await runNode(
        parseConfigText(exoConfig('instance_meta: MlxJaccl'), 'schema.yaml', {}),
        runOptions(primaryNode!.url, {
          expectedNodes: 1,
          baseline: { status: 'unavailable', source: 'run 1', reason: 'no artifact' },
        }),
        { logger: new MemoryLogger() },
      );
      documents.set('exo error', writtenDocument(failed));

      // load_from: all_nodes: both nodes send their share; the results carry `schedule`, the merge
      // `merge.schedule`.
      const shared = parseConfigText(exoConfig('load_from: all_nodes'), 'schema.yaml', {});
      const [sharedPrimary, sharedSecondary] = await Promise.all([
        runNode(shared, runOptions(primaryNode!.url, { runId: 'schema-shared' }), {
          logger: new MemoryLogger(),
        }),
        runNode(
          shared,
          runOptions(secondaryNode!.url, { runId: 'schema-shared', isPrimary: false, nodeIndex: 1 }),
          { logger: new MemoryLogger() },
        ),
      ]);
      documents.set('exo all_nodes primary', writtenDocument(sharedPrimary));
      documents.set('exo all_nodes secondary', writtenDocument(sharedSecondary));
      const sharedMerged = runMerge(
        [
          readNodeFolder(dirname(sharedPrimary.resultsPath)),
          readNodeFolder(dirname(sharedSecondary.resultsPath)),
        ],
        {
          outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-results-schema-merged-')),
          logger: new MemoryLogger(),
        },
      );
      documents.set('exo all_nodes merged', writtenDocument(sharedMerged));
    } finally {
      await simulator.close();
    }

    const openaiSimulator = await startSimulator({
      flavor: 'openai',
      seed: 5,
      profile: {
        ...FAST_TEST_PROFILE,
        openai: { ...DEFAULT_PROFILE.openai, reasoningTokens: 2, tokensPerChunk: 2, stopAfterTokens: 3 },
      },
    });
    try {
      const loaded = parseConfigText(
        `target:
  kind: openai
  base_url: http://user:pass@127.0.0.1:1/v1
  model: ${DEFAULT_PROFILE.openai.model}
  api_key_env: SIM_KEY
  force_output_length: min_tokens
max_dispatch_lag_p99_ms: 1000
stages:
  - { name: short, prompt_length: 40, generation_length: 6, time_between_requests: 0.01, iterations: 3 }
`,
        'openai.yaml',
        {},
      );
      const options = { expectedNodes: 0, env: { SIM_KEY: 'sk-schema-test-key' } };
      const openai = await runNode(loaded, runOptions(openaiSimulator.url, options), {
        logger: new MemoryLogger(),
      });
      documents.set('openai primary', writtenDocument(openai));
      const openaiSecondary = await runNode(
        loaded,
        runOptions(openaiSimulator.url, { ...options, isPrimary: false }),
        { logger: new MemoryLogger() },
      );
      documents.set('openai secondary', writtenDocument(openaiSecondary));
      // The API key variable is unset: the run fails before its target is even resolved.
      const noKey = await runNode(loaded, runOptions(openaiSimulator.url, { expectedNodes: 0, env: {} }), {
        logger: new MemoryLogger(),
      });
      documents.set('openai input error', writtenDocument(noKey));
    } finally {
      await openaiSimulator.close();
    }
  }, 120_000);

  it('ran every kind of document this file means to check', () => {
    const summary = Object.fromEntries(
      [...documents].map(([name, document]) => [
        name,
        {
          verdict: document.verdict,
          error: document.error?.kind ?? null,
          stages: document.results.stages.length,
          thresholds: document.thresholds?.length,
          comparable: document.comparison?.comparable,
          target: document.metadata.target?.kind,
        },
      ]),
    );
    expect(summary).toEqual({
      'exo primary': {
        verdict: 'pass',
        error: null,
        stages: 2,
        thresholds: 4,
        comparable: undefined,
        target: 'exo',
      },
      'exo secondary': {
        verdict: 'pass',
        error: null,
        stages: 0,
        thresholds: undefined,
        comparable: undefined,
        target: 'exo',
      },
      'exo merged': {
        verdict: 'pass',
        error: null,
        stages: 2,
        thresholds: 4,
        comparable: undefined,
        target: 'exo',
      },
      'exo primary with a baseline': {
        verdict: 'pass',
        error: null,
        stages: 2,
        thresholds: 4,
        comparable: true,
        target: 'exo',
      },
      'exo error': {
        verdict: 'error',
        error: 'cluster',
        stages: 0,
        thresholds: 4,
        comparable: false,
        target: 'exo',
      },
      'exo all_nodes primary': {
        verdict: 'pass',
        error: null,
        stages: 2,
        thresholds: undefined,
        comparable: undefined,
        target: 'exo',
      },
      'exo all_nodes secondary': {
        verdict: 'pass',
        error: null,
        stages: 2,
        thresholds: undefined,
        comparable: undefined,
        target: 'exo',
      },
      'exo all_nodes merged': {
        verdict: 'pass',
        error: null,
        stages: 2,
        thresholds: 4,
        comparable: undefined,
        target: 'exo',
      },
      'openai primary': {
        verdict: 'pass',
        error: null,
        stages: 1,
        thresholds: 0,
        comparable: undefined,
        target: 'openai',
      },
      'openai secondary': {
        verdict: 'pass',
        error: null,
        stages: 0,
        thresholds: undefined,
        comparable: undefined,
        target: 'openai',
      },
      'openai input error': {
        verdict: 'error',
        error: 'input',
        stages: 0,
        thresholds: 0,
        comparable: undefined,
        target: undefined,
      },
    });
    // The comparison has numbers to check, not just a refusal.
    const compared = documents.get('exo primary with a baseline')!.comparison!;
    expect(compared.stages.map((stage) => stage.metrics.length)).toEqual([2, 2]);
    expect(documents.get('exo primary')!.metrics.snapshots.length).toBeGreaterThan(0);
    // The two shares of each stage make the whole stage, once.
    const shares = ['exo all_nodes primary', 'exo all_nodes secondary'].map((name) =>
      documents.get(name)!.results.stages.map((stage) => stage.fired_requests),
    );
    expect(shares).toEqual([
      [6, 2],
      [6, 2],
    ]);
    expect(documents.get('exo all_nodes secondary')!.schedule).toMatchObject({ node: 1, nodes: 2 });
    expect(documents.get('exo all_nodes merged')!.merge?.requests).toBe(16);
  });

  it.each([
    'exo primary',
    'exo secondary',
    'exo merged',
    'exo primary with a baseline',
    'exo error',
    'exo all_nodes primary',
    'exo all_nodes secondary',
    'exo all_nodes merged',
    'openai primary',
    'openai secondary',
    'openai input error',
  ])('%s', (name) => {
    const document = documents.get(name);
    expect(document).toBeDefined();
    expect(schemaErrors(document)).toEqual([]);
  });

  describe('rejects a document that does not follow it', () => {
    /** The object at a path of a document, for changing it in place. */
    const at = (value: unknown, ...path: Array<string | number>): Record<string, unknown> =>
      path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value) as Record<
        string,
        unknown
      >;
    const mutated = (change: (document: unknown) => void): unknown => {
      const copy: unknown = structuredClone(documents.get('exo primary with a baseline'));
      change(copy);
      return copy;
    };

    it('a misspelled field: unknown, and the real one missing', () => {
      const errors = schemaErrors(
        mutated((document) => {
          const stage = at(document, 'results', 'stages', 0);
          stage.ttft_msec = stage.ttft_ms;
          delete stage.ttft_ms;
        }),
      );
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            instancePath: '/results/stages/0',
            params: { additionalProperty: 'ttft_msec' },
          }),
          expect.objectContaining({
            instancePath: '/results/stages/0',
            params: { missingProperty: 'ttft_ms' },
          }),
        ]),
      );
    });

    it.each<[string, (document: unknown) => void, string]>([
      ['a number as text', (d) => (at(d, 'results', 'run').success_rate = '1'), '/results/run/success_rate'],
      ['an unknown verdict', (d) => (at(d).verdict = 'passed'), '/verdict'],
      ['another major version', (d) => (at(d).schema_version = '2.0.0'), '/schema_version'],
      [
        'a null where a number must be',
        (d) => (at(d, 'validity').max_dispatch_lag_p99_ms = null),
        '/validity/max_dispatch_lag_p99_ms',
      ],
      ['a config default missing', (d) => delete at(d, 'configuration').endpoint, '/configuration'],
      [
        'a field too many in a comparison',
        (d) => (at(d, 'comparison', 'stages', 0, 'metrics', 0).p_value = 0.5),
        '/comparison/stages/0/metrics/0',
      ],
      [
        'a threshold scope of the wrong shape',
        (d) => (at(d, 'thresholds', 0).scope = { run: true }),
        '/thresholds/0/scope',
      ],
      [
        'a fractional count among the values of a record',
        (d) => (at(d, 'results', 'stages', 0, 'output_length', 'finish_reasons').length = 2.5),
        '/results/stages/0/output_length/finish_reasons/length',
      ],
      [
        'a fractional count',
        (d) => (at(d, 'results', 'stages', 1).peak_in_flight = 1.5),
        '/results/stages/1/peak_in_flight',
      ],
    ])('%s', (_name, change, instancePath) => {
      const errors = schemaErrors(mutated(change));
      expect(errors.map((error) => error.instancePath)).toContain(instancePath);
    });
  });
});
