/**
 * The JSON schema (draft-07) of results.json, the document each node writes into its output folder.
 * The interfaces in ./results.ts (and the types they import) are what the engine writes; this schema
 * describes the same shape for everyone else, and configs/results.schema.json is this object written
 * out. A test fails when the file drifts (`UPDATE_SCHEMA=1 npm test -- __tests__/report/results-schema`
 * or `npm run schema` rewrites it) and validates documents from real runs against it.
 *
 * Two links keep the schema and the interfaces together:
 * - at compile time, every object is built by {@link closedObject} from a property map typed against its
 *   interface: a field renamed, added, removed or made optional in the interface is a type error here
 *   until the schema says the same (a field's *type* is not checked this way);
 * - at test time, documents produced by the engine (a pass, an error, gates, an openai target, a
 *   secondary) must validate, so a field whose type drifted fails there.
 *
 * `configuration` reuses the nodes of the config schema (src/config/schema.ts) rather than copying them,
 * with every default applied: each field of a loaded config is required.
 */
import type { ErrorKind } from '../core/errors.js';
import type { CalibrationStatus, PromptCalibration, StageCalibration } from '../load/calibrate.js';
import type { InFlightSample } from '../load/stage.js';
import type { SearchProbe, SearchReason, SearchResults } from '../load/search.js';
import type { PromptShape } from '../load/prompt.js';
import type {
  ClusterSnapshot,
  SeedInstanceTasks,
  SeedNodeMemory,
  SeedNodeTasks,
} from '../cluster/snapshots.js';
import { configSchema, type SchemaNode } from '../config/schema.js';
import { targetSchema } from '../config/target.js';
import type {
  ArrivalProcess,
  BenchConfig,
  ChatEndpoint,
  ForceOutputLength,
  InstanceMeta,
  Sharding,
  StageConfig,
  TargetConfig,
} from '../config/types.js';
import type {
  ErrorBreakdown,
  HistogramSummary,
  LoadStatistics,
  OutputLengthStatistics,
} from '../metrics/aggregate.js';
import type { ErrorClass } from '../metrics/record.js';
import type { DownloadTime } from '../cluster/orchestrate.js';
import type { SeedRequestResult, SeedStageStatistics } from '../metrics/seed.js';
import type { Summary } from '../metrics/stats.js';
import type {
  ComparisonResult,
  ComparisonStatus,
  MetricComparison,
  StageComparison,
} from '../verdict/compare.js';
import type { Better, MetricUnit } from '../metrics/catalog.js';
import type { Comparator, ThresholdOutcome, ThresholdStatus } from '../verdict/thresholds.js';
import {
  RESULTS_SCHEMA_VERSION,
  type PrefixCacheComparison,
  type ClusterInstanceFacts,
  type ClusterNodeFacts,
  type MergedNodeFacts,
  type MergeFacts,
  type OwnStageStatistics,
  type Provenance,
  type ResultsDocument,
  type SeedNamedStatistic,
  type StatePollingFacts,
  type StateResetFacts,
  type StageResults,
  type LoadShape,
  type Validity,
  type Verdict,
} from '../results/document.js';
import type { PromptLengthStatistics } from '../load/prompt-length.js';

/** JSON types a schema node may name. */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/**
 * The subset of JSON schema (draft-07) the results schema uses: the config's {@link SchemaNode} plus
 * `null`, references, `const` and alternatives. Every config schema node is one of these.
 */
export interface JsonSchema extends Omit<
  SchemaNode,
  'type' | 'properties' | 'items' | 'additionalProperties' | 'enum'
> {
  type?: JsonType | readonly JsonType[];
  enum?: readonly (string | null)[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  definitions?: Record<string, JsonSchema>;
  $ref?: string;
  const?: string;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
}

/** Where the schema lives once published (the repository README names the action `exo/bench-action`). */
export const RESULTS_SCHEMA_ID =
  'https://raw.githubusercontent.com/exo/bench-action/main/configs/results.schema.json';

const OPTIONAL = Symbol('optional');

/** A property that may be absent: its node, wrapped so that the type of the property map can tell. */
interface OptionalProperty {
  readonly [OPTIONAL]: JsonSchema;
}

/** Keys of T that may be absent (`key?:`). */
type OptionalKeys<T> = { [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? K : never }[keyof T];

/**
 * One entry per key of T, no more: a plain node for each required key, {@link optional} for each
 * optional one. Renaming a field of T without renaming it here is a compile error.
 */
type PropertyMap<T> = { readonly [K in Exclude<keyof T, OptionalKeys<T>>]-?: JsonSchema } & {
  readonly [K in OptionalKeys<T>]-?: OptionalProperty;
};

/** Marks a property as optional (`key?:` in the interface). */
const optional = (node: JsonSchema): OptionalProperty => ({ [OPTIONAL]: node });

const isOptional = (entry: JsonSchema | OptionalProperty): entry is OptionalProperty => OPTIONAL in entry;

/**
 * An object node with exactly the properties of T: `additionalProperties: false`, and `required` lists
 * every property not marked {@link optional}, in map order.
 */
function closedObject<T>(
  heading: { title?: string; description?: string; nullable?: boolean },
  propertyMap: PropertyMap<T>,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, entry] of Object.entries(propertyMap) as Array<[string, JsonSchema | OptionalProperty]>) {
    if (isOptional(entry)) {
      properties[key] = entry[OPTIONAL];
    } else {
      properties[key] = entry;
      required.push(key);
    }
  }
  return {
    ...(heading.title !== undefined ? { title: heading.title } : {}),
    ...(heading.description !== undefined ? { description: heading.description } : {}),
    type: heading.nullable ? ['object', 'null'] : 'object',
    additionalProperties: false,
    required,
    properties,
  };
}

/** The values of a string union, checked complete at compile time (a missing or extra key is an error). */
const valuesOf = <T extends string>(values: Record<T, true>): T[] => Object.keys(values) as T[];

const text = (description: string): JsonSchema => ({ description, type: 'string' });
const oneOfText = <T extends string>(description: string, values: Record<T, true>): JsonSchema => ({
  description,
  type: 'string',
  enum: valuesOf(values),
});
const flag = (description: string): JsonSchema => ({ description, type: 'boolean' });
const count = (description: string): JsonSchema => ({ description, type: 'integer', minimum: 0 });
const quantity = (description: string): JsonSchema => ({ description, type: 'number' });
const nullableQuantity = (description: string): JsonSchema => ({ description, type: ['number', 'null'] });
const nullableText = (description: string): JsonSchema => ({ description, type: ['string', 'null'] });
/** A key of the seed script's document: says so, so that readers know its computation is the seed's. */
const seed = (node: JsonSchema): JsonSchema => ({
  ...node,
  description: `The seed script's key: ${node.description ?? ''}`.trim(),
});
const texts = (description: string): JsonSchema => ({
  description,
  type: 'array',
  items: { type: 'string' },
});
const arrayOf = (description: string, items: JsonSchema): JsonSchema => ({
  description,
  type: 'array',
  items,
});
const countsBy = (description: string): JsonSchema => ({
  description,
  type: 'object',
  additionalProperties: { type: 'integer', minimum: 0 },
});
const quantitiesBy = (description: string): JsonSchema => ({
  description,
  type: 'object',
  additionalProperties: { type: 'number' },
});
const reference = (definition: keyof typeof definitions, description: string): JsonSchema => ({
  description,
  $ref: `#/definitions/${definition}`,
});

/** A node of the config schema, by path; a missing one is a programming error, caught when this loads. */
function configNode(node: SchemaNode | undefined, path: string): JsonSchema {
  if (node === undefined) throw new Error(`the config schema has no ${path}`);
  return node;
}
const configProperty = (key: keyof BenchConfig): JsonSchema =>
  configNode(configSchema.properties?.[key], `property ${key}`);
const stageProperty = (key: keyof StageConfig): JsonSchema =>
  configNode(configSchema.properties?.stages?.items?.properties?.[key], `stage property ${key}`);
const targetProperty = (key: keyof Extract<TargetConfig, { kind: 'openai' }>): JsonSchema =>
  configNode(targetSchema.properties?.[key], `target property ${key}`);

/** Percentiles of a set of samples (src/metrics/stats.ts). */
const summarySchema = closedObject<Summary>(
  {
    title: 'summary',
    description:
      'Statistics of a set of samples; every figure is null when count is 0. Percentiles interpolate linearly between the nearest ranks.',
  },
  {
    count: count('Number of samples.'),
    mean: nullableQuantity('Arithmetic mean.'),
    std: nullableQuantity('Sample standard deviation (divides by count − 1); 0 when count is 1.'),
    min: nullableQuantity('Smallest sample.'),
    p50: nullableQuantity('50th percentile (median).'),
    p90: nullableQuantity('90th percentile.'),
    p95: nullableQuantity('95th percentile.'),
    p99: nullableQuantity('99th percentile.'),
    max: nullableQuantity('Largest sample.'),
  },
);

const errorBreakdownSchema = closedObject<ErrorBreakdown>(
  { description: 'Failures of one class, with the most frequent message of that class.' },
  {
    error_class: oneOfText<ErrorClass | 'unknown'>(
      'Class of the failure (src/metrics/record.ts documents each); `unknown` when a failed record names none.',
      {
        http_status: true,
        error_chunk: true,
        eof_without_done: true,
        zero_tokens: true,
        request_timeout: true,
        idle_timeout: true,
        connection: true,
        cancelled: true,
        protocol: true,
        unknown: true,
      },
    ),
    count: count('Failed requests of this class.'),
    example: text('The most frequent message of this class (server text: escape before rendering).'),
  },
);

/** The statistics of a set of requests: shared by each stage and the whole run. */
const loadStatisticsProperties: PropertyMap<LoadStatistics> = {
  total_requests: count('Requests counted (warmup excluded).'),
  successful_requests: count(
    'Counted requests that succeeded (≥ 1 token, content or reasoning, and a proper end, `data: [DONE]`).',
  ),
  failed_requests: count('Counted requests that failed.'),
  success_rate: {
    description: 'successful ÷ counted requests (0..1), not rounded.',
    type: 'number',
    minimum: 0,
    maximum: 1,
  },
  total_tokens: count(
    'Sum of output tokens of successful requests (server usage, else EXO generation_stats, else chunks).',
  ),
  avg_tokens_per_request: quantity('total_tokens ÷ successful requests.'),
  avg_time_per_request: quantity('Mean E2E of successful requests, seconds.'),
  fired_requests: count('Requests fired in all, warmup included (= total_requests + warmup_requests).'),
  warmup_requests: count('Requests fired and recorded but left out of these statistics.'),
  ttft_ms: reference(
    'summary',
    'Time to first token (ms): first chunk with non-empty content or reasoning_content − send time (request written on the socket).',
  ),
  ttfat_ms: reference(
    'summary',
    'Time to the first answer (non-reasoning) token (ms); equals TTFT for models that do not reason.',
  ),
  tpot_ms: reference(
    'summary',
    'Time per output token (ms): (E2E − TTFT) ÷ (output tokens − 1), requests with ≥ 2 tokens.',
  ),
  e2e_ms: reference('summary', 'End of the response − send time (ms), successful requests.'),
  e2e_from_schedule_ms: reference(
    'summary',
    'End of the response − scheduled send time (ms), successful requests.',
  ),
  dispatch_lag_ms: reference(
    'summary',
    "Time the request was handed to the HTTP client − scheduled send time (ms): the load generator's own delay.",
  ),
  connect_ms: reference(
    'summary',
    'Dispatch → request written on a connected socket (ms): connection setup, queueing in the client.',
  ),
  output_tokens_per_second: quantity('total_tokens ÷ active window.'),
  requests_per_second: quantity('Successful requests ÷ active window.'),
  active_window_seconds: quantity('From the first send to the last end of the counted requests, seconds.'),
  token_counts_from_chunks: count(
    'Successful requests whose token count came from chunks because the server sent no usage.',
  ),
  prompt_tokens: reference(
    'summary',
    'Prompt tokens the server reported (usage, else EXO generation_stats), successful requests.',
  ),
  cache_hit_rate: nullableQuantity(
    "Share of prompt tokens served from the prefix cache: Σ cached_tokens ÷ Σ prompt_tokens over the successful requests that report cached_tokens; failing that (EXO's bench endpoint), the share of requests whose prefix_cache_hit is partial or exact. Null when the server reports neither.",
  ),
  cache_hit_source: {
    description: 'Which of the two definitions cache_hit_rate uses; null when it is null.',
    type: ['string', 'null'],
    enum: [
      ...valuesOf<NonNullable<LoadStatistics['cache_hit_source']>>({
        cached_tokens: true,
        prefix_cache_hit: true,
      }),
      null,
    ],
  },
  reasoning_tokens: count(
    'Σ usage.completion_tokens_details.reasoning_tokens (0 when no server reports them).',
  ),
  token_chunks: count('Σ token chunks of successful requests (content and reasoning chunks).'),
  multi_token_chunk_requests: count(
    'Successful requests whose server-counted output exceeds their token chunks by more than one: the server packs several tokens per chunk, so chunk gaps (ITL) are not per-token gaps; TPOT, from the server count, still is.',
  ),
  invalid_events: count(
    'Σ unusable stream lines (data that is not a JSON object, a chunk or EXO comment that does not parse, a field SSE does not have), failed requests included.',
  ),
  requests_with_invalid_events: count(
    'Requests (failed included) whose stream had at least one unusable line.',
  ),
  errors: arrayOf('Failures by class, most frequent class first.', errorBreakdownSchema),
};

const loadStatisticsSchema = closedObject<LoadStatistics>(
  {
    title: 'load statistics',
    description: 'The statistics of a set of requests (one stage, or the whole run).',
  },
  loadStatisticsProperties,
);

const thresholdsOfConfig = (node: JsonSchema): OptionalProperty =>
  optional({ ...node, description: `${node.description ?? ''} Absent when none.`.trim() });

const stageConfigSchema = closedObject<StageConfig>(
  {
    title: 'stage config',
    description:
      'One stage of the config as loaded: its fields as in configs/schema.json, every default applied (no_overlap inherits the top-level value).',
  },
  {
    name: stageProperty('name'),
    prompt_length: stageProperty('prompt_length'),
    generation_length: stageProperty('generation_length'),
    time_between_requests: stageProperty('time_between_requests'),
    iterations: stageProperty('iterations'),
    no_overlap: {
      ...stageProperty('no_overlap'),
      description: 'Run requests one at a time (inherits the top-level value).',
    },
    arrival: optional({
      ...stageProperty('arrival'),
      description:
        'Since 1.5: the open-loop arrival process (always written by the loader; absent = constant).',
    }),
    burstiness: optional({
      ...stageProperty('burstiness'),
      description: 'Since 1.5: the gamma shape factor; present only with arrival gamma (default 1 applied).',
    }),
    concurrency: optional({
      ...stageProperty('concurrency'),
      description:
        'Since 1.5: closed loop, requests kept in flight; absent for an open-loop stage. A concurrency search sets it on its probes.',
    }),
    ramp_to_rate: optional({
      ...stageProperty('ramp_to_rate'),
      description:
        'Since 1.5: the rate (requests/s) a linear ramp reaches at the last request; absent without a ramp.',
    }),
    warmup_requests: stageProperty('warmup_requests'),
    warmup: stageProperty('warmup'),
    thresholds: thresholdsOfConfig(stageProperty('thresholds')),
    trace: optional({
      ...stageProperty('trace'),
      description:
        'Since 1.5: the trace replayed, as written (relative to the config file). Absent in other stages. In a trace stage, iterations is the number of requests replayed, prompt_length and generation_length the rounded means of their input_length and output_length, and time_between_requests their mean gap (seconds, after trace_speed); each request had its own.',
    }),
    trace_speed: optional({
      ...stageProperty('trace_speed'),
      description: 'Since 1.5: the time scale of the replay (default 1 applied). Trace stages only.',
    }),
    trace_block_tokens: optional({
      ...stageProperty('trace_block_tokens'),
      description: 'Since 1.5: tokens of one hash_ids block (default 512 applied). Trace stages only.',
    }),
    shared_prefix: optional({
      ...stageProperty('shared_prefix'),
      description: `Since 1.5: ${stageProperty('shared_prefix').description ?? ''} Absent when not configured; groups is always set (default 1).`,
      required: ['tokens', 'groups'],
    }),
    search: optional({
      ...stageProperty('search'),
      description:
        'Since 1.5: the stage is a capacity search (configs/README.md), every default applied (probe_requests resolved). Its iterations is then the most requests the search may send (max_probes × probe_requests) and time_between_requests 0: each probe sets its own load.',
    }),
  },
);

const definitions = {
  summary: summarySchema,
  load_statistics: loadStatisticsSchema,
  stage_config: stageConfigSchema,
} satisfies Record<string, JsonSchema>;

const targetKind = (kind: TargetConfig['kind']): JsonSchema => ({
  description: targetProperty('kind').description ?? '',
  type: 'string',
  const: kind,
});

/** The loaded `target`: `{kind: exo}` alone, or an openai target with its defaults applied. */
const targetConfigSchema: JsonSchema = {
  title: 'target',
  description: targetSchema.description ?? '',
  oneOf: [
    closedObject<Extract<TargetConfig, { kind: 'exo' }>>(
      { description: 'An EXO cluster orchestrated by exo-bench.' },
      { kind: targetKind('exo') },
    ),
    closedObject<Extract<TargetConfig, { kind: 'openai' }>>(
      { description: 'An OpenAI-compatible server; the API key itself is never written.' },
      {
        kind: targetKind('openai'),
        base_url: { ...targetProperty('base_url'), description: 'The server root, without user info.' },
        model: targetProperty('model'),
        api_key_env: optional(targetProperty('api_key_env')),
        force_output_length: {
          ...targetProperty('force_output_length'),
          enum: valuesOf<ForceOutputLength>({ none: true, ignore_eos: true, min_tokens: true }),
        },
      },
    ),
  ],
};

/** The config as loaded: the config schema's nodes, each field required (defaults are applied). */
function configurationSchema(): JsonSchema {
  const { minProperties: _emptyForOpenAi, ...hardwarePlan } = configProperty('hardware_plan');
  const { examples: _numbersInTheFile, ...environment } = configProperty('environment');
  return closedObject<BenchConfig>(
    {
      title: 'configuration',
      description:
        'The config as loaded: validated, every default applied. Its fields are those of configs/schema.json (configs/README.md documents them).',
    },
    {
      hardware_plan: {
        ...hardwarePlan,
        description:
          'Runner label → number of nodes with that label, in config order. Empty for an openai target without one.',
      },
      environment: {
        ...environment,
        description: 'Variables set on every node, already converted to strings.',
        additionalProperties: { type: 'string' },
      },
      timeout_seconds: configProperty('timeout_seconds'),
      model_ids: {
        ...configProperty('model_ids'),
        description:
          'One instance per entry; repeats mean several instances of one model. An openai target: [target.model].',
      },
      stages: { ...configProperty('stages'), items: { $ref: '#/definitions/stage_config' } },
      seed: {
        ...configProperty('seed'),
        description: `Since 1.5: ${configProperty('seed').description ?? ''}`,
      },
      sharding: { ...configProperty('sharding'), enum: valuesOf<Sharding>({ Pipeline: true, Tensor: true }) },
      instance_meta: {
        ...configProperty('instance_meta'),
        description: 'EXO instance kind (the alias MlxIbv is already resolved to MlxJaccl).',
        enum: valuesOf<InstanceMeta>({ MlxRing: true, MlxJaccl: true }),
      },
      no_overlap: configProperty('no_overlap'),
      endpoint: { ...configProperty('endpoint'), enum: valuesOf<ChatEndpoint>({ chat: true, bench: true }) },
      unique_prompts: configProperty('unique_prompts'),
      target: targetConfigSchema,
      calibrate_prompts: configProperty('calibrate_prompts'),
      request_timeout_seconds: configProperty('request_timeout_seconds'),
      stream_idle_timeout_seconds: configProperty('stream_idle_timeout_seconds'),
      max_dispatch_lag_p99_ms: configProperty('max_dispatch_lag_p99_ms'),
      snapshot_interval_seconds: configProperty('snapshot_interval_seconds'),
      thresholds: thresholdsOfConfig(configProperty('thresholds')),
      regression: optional({
        ...configProperty('regression'),
        description: `${configProperty('regression').description ?? ''} Absent: the default set (src/config/regression.ts).`,
      }),
    },
  );
}

const calibrationStatus = (description: string): JsonSchema =>
  oneOfText<CalibrationStatus>(description, { exact: true, approximate: true, estimate: true, off: true });

const promptCalibrationSchema = closedObject<PromptCalibration>(
  { description: 'The calibration of one model at one length.' },
  {
    model: text('The model calibrated.'),
    requested_tokens: count('The prompt length asked for (the stage’s prompt_length).'),
    measured_tokens: {
      description: 'Prompt tokens the chosen text measured in its probe; null when nothing was measured.',
      type: ['integer', 'null'],
    },
    status: calibrationStatus(
      'exact: probes measured the requested length, with every nonce tried. approximate: the closest length found differs, or nonces changed the count. estimate: the server reported no prompt tokens (or probing failed). off: calibration disabled in the config.',
    ),
    shape: closedObject<PromptShape>(
      { description: 'What varies in a prompt body.' },
      {
        words: count('Number of filler words.'),
        period: flag('A final `.`: one token more, for lengths a whole word cannot hit exactly.'),
      },
    ),
    probes: count('Probe requests this calibration sent (0 when it came from the cache).'),
    nonce_stable: {
      description: 'Whether two different nonces gave the same count; null without nonces or measurements.',
      type: ['boolean', 'null'],
    },
    note: optional(text('Why the result is not exact, in words.')),
  },
);

const stageCalibrationSchema = closedObject<StageCalibration>(
  { description: 'How the prompt text was sized; probes are calibration requests, not in any other figure.' },
  {
    status: calibrationStatus(
      "The least exact status among the stage's models (exact < approximate < estimate; off when disabled).",
    ),
    probes: count(
      'Probe requests sent for this stage (0 when every length came from the cache); not stage requests.',
    ),
    models: arrayOf('One entry per model the stage requests.', promptCalibrationSchema),
  },
);

const seedRequestSchema = closedObject<SeedRequestResult>(
  { description: "One request of the stage, the seed script's way (times epoch seconds)." },
  {
    request_id: count('Index of the request in its stage, from 0.'),
    success: flag('True with ≥ 1 content chunk and `data: [DONE]` (reasoning chunks do not count).'),
    tokens: count('Content chunks received (failed requests too); not tokenizer tokens.'),
    elapsed_s: quantity('End − start (handed to the HTTP client), seconds, 3 places.'),
    started_at: quantity('When it was handed to the HTTP client, epoch seconds.'),
    completed_at: quantity('When it ended, epoch seconds.'),
    time_to_first_token_s: nullableQuantity(
      'First content chunk − start, seconds, 3 places; null without a content chunk.',
    ),
    decode_tps: nullableQuantity(
      '(tokens − 1) ÷ (last chunk − first content chunk), 2 places; null unless tokens > 1 and the interval is positive.',
    ),
    error: nullableText('Why it failed; null on success.'),
  },
);

/** The seed script's stage keys, its computation (src/metrics/seed.ts). */
const seedStageProperties: PropertyMap<SeedStageStatistics> = {
  total_requests: seed(count('requests of the stage, warmup requests included (the seed had none).')),
  successful_requests: seed(count('requests with ≥ 1 content chunk and `data: [DONE]`.')),
  failed_requests: seed(count('total_requests − successful_requests.')),
  success_rate: seed({
    description: 'successful_requests ÷ total_requests, 0..1, 4 places.',
    type: 'number',
    minimum: 0,
    maximum: 1,
  }),
  total_tokens: seed(count('Σ tokens (content chunks) of every request, failed ones included.')),
  avg_tokens_per_request: seed(quantity('total_tokens ÷ successful_requests, 2 places; 0 without success.')),
  avg_time_per_request: seed(
    quantity(
      'Σ elapsed_s of every request (failed too) ÷ successful_requests, seconds, 3 places; 0 without success.',
    ),
  ),
  avg_time_to_first_token: seed(
    nullableQuantity(
      'mean time_to_first_token_s of the successful requests minus the first one (when more than one), seconds, 3 places; null when none.',
    ),
  ),
  std_time_to_first_token: seed(
    nullableQuantity('population standard deviation of the same values, seconds, 3 places; null below two.'),
  ),
  avg_decode_tps: seed(
    nullableQuantity('mean decode_tps of the same requests (those that have one), 2 places; null when none.'),
  ),
  avg_ms_per_token: seed(nullableQuantity('mean of 1000 ÷ decode_tps over the same, ms, 2 places.')),
  std_ms_per_token: seed(
    nullableQuantity('population standard deviation of 1000 ÷ decode_tps, ms, 2 places; null below two.'),
  ),
  stage_started_at: seed(quantity("the schedule's origin, epoch seconds.")),
  stage_completed_at: seed(
    quantity("after the stage's requests ended and the cluster's tasks drained, epoch seconds."),
  ),
  stage_duration_s: seed(quantity('stage_completed_at − stage_started_at, seconds.')),
  requests: seed(arrayOf('one entry per request, in firing order.', seedRequestSchema)),
};

/** Our stage statistics: the load statistics, with ours renamed where the seed uses the name. */
const ownStageProperties: PropertyMap<OwnStageStatistics> = (() => {
  const own: Partial<Record<keyof LoadStatistics, JsonSchema>> = { ...loadStatisticsProperties };
  const renamed: Record<SeedNamedStatistic, JsonSchema> = {
    total_requests: own.total_requests as JsonSchema,
    successful_requests: own.successful_requests as JsonSchema,
    failed_requests: own.failed_requests as JsonSchema,
    success_rate: own.success_rate as JsonSchema,
    total_tokens: own.total_tokens as JsonSchema,
    avg_tokens_per_request: own.avg_tokens_per_request as JsonSchema,
    avg_time_per_request: own.avg_time_per_request as JsonSchema,
  };
  for (const key of Object.keys(renamed)) delete own[key as SeedNamedStatistic];
  const since = (name: string, node: JsonSchema): JsonSchema => ({
    ...node,
    description: `Since 1.3 (was ${name} in a stage): ${node.description ?? ''}`.trim(),
  });
  return {
    ...(own as Omit<PropertyMap<LoadStatistics>, SeedNamedStatistic>),
    counted_requests: since('total_requests', renamed.total_requests),
    counted_successful_requests: since('successful_requests', renamed.successful_requests),
    counted_failed_requests: since('failed_requests', renamed.failed_requests),
    counted_success_rate: since('success_rate', renamed.success_rate),
    output_tokens_total: since('total_tokens', renamed.total_tokens),
    output_tokens_per_request: since('avg_tokens_per_request', renamed.avg_tokens_per_request),
    e2e_mean_s: since('avg_time_per_request', renamed.avg_time_per_request),
  };
})();

const searchProbeSchema = closedObject<SearchProbe>(
  { description: 'One probe of a capacity search: a short sub-stage at one load.' },
  {
    index: count("Order of the probe in the search, from 0; requests.jsonl's `probe` field."),
    phase: oneOfText<SearchProbe['phase']>('`bracket` while doubling from min, `bisect` afterwards.', {
      bracket: true,
      bisect: true,
    }),
    load: quantity('Requests per second (rate) or requests in flight (concurrency) the probe ran at.'),
    requests: count('Requests the probe sent.'),
    failures: count('Requests of the probe that failed.'),
    value: nullableQuantity(
      "The searched metric over the probe's requests (its unit is in its name); null when no request gave a sample.",
    ),
    samples: count('Samples behind value.'),
    passed: flag('True when the probe met the bound, with few enough failures and enough samples.'),
    failed_on: optional(
      oneOfText<NonNullable<SearchProbe['failed_on']>>(
        'Why it failed: `metric` (out of bounds), `failures` (more than max_failure_rate of its requests), `samples` (too few for the metric).',
        { metric: true, failures: true, samples: true },
      ),
    ),
    started_at_ms: quantity("The probe's schedule origin, ms on the run's monotonic clock."),
    ended_at_ms: quantity("When the probe's last request ended, ms on the run's monotonic clock."),
    achieved_rps: nullableQuantity(
      'Requests ÷ (last end − first send) of the probe, per second; null when it sent none.',
    ),
  },
);

const searchResultsSchema = closedObject<SearchResults>(
  {
    description:
      'Since 1.5: the outcome of a capacity search stage: the highest passing load, the bracket [capacity_low, capacity_high] that holds the true crossing, and every probe. Its probes are left out of the run-level figures (results.run), like a warm-up stage: they are overloaded on purpose.',
  },
  {
    metric: text('The metric judged on each probe.'),
    max: optional(quantity('The bound for metrics where smaller is better: a probe passes at ≤ max.')),
    min: optional(quantity('The bound for metrics where bigger is better: a probe passes at ≥ min.')),
    mode: oneOfText<SearchResults['mode']>(
      '`rate`: open-loop requests per second; `concurrency`: closed-loop requests in flight.',
      { rate: true, concurrency: true },
    ),
    range_min: quantity('The least load the search could probe.'),
    range_max: quantity('The most load the search could probe.'),
    tolerance: quantity('The relative bracket width at which the search stops.'),
    capacity: nullableQuantity(
      'The highest passing load (= capacity_low); null when no probe passed (below the range, or interrupted first).',
    ),
    capacity_low: quantity('Lower end of the bracket: the highest passing load, 0 when none passed.'),
    capacity_high: nullableQuantity(
      'Upper end of the bracket: the lowest failing load above capacity_low; null when none failed (the capacity is at least range_max).',
    ),
    converged: flag('True when the bracket narrowed to the tolerance.'),
    reason: oneOfText<SearchReason>(
      'Why the search ended: `converged`, `budget` (max_probes spent first), `below_range` (min failed), `above_range` (max passed), `interrupted`.',
      { converged: true, budget: true, below_range: true, above_range: true, interrupted: true },
    ),
    probes: arrayOf('Every probe, in the order it ran.', searchProbeSchema),
  },
);

const stageResultsSchema = closedObject<StageResults>(
  {
    title: 'stage results',
    description:
      "A stage's results: its name and config, the seed script's statistics under its names, ours beside them, and what is only known per stage.",
  },
  {
    name: text("The stage's name."),
    config: reference('stage_config', "The stage's config as loaded."),
    ...seedStageProperties,
    ...ownStageProperties,
    started_at_ms: quantity(
      "The schedule's origin (the first request's scheduled time), ms on the run's monotonic clock.",
    ),
    ended_at_ms: quantity("When the last request of the stage ended, ms on the run's monotonic clock."),
    peak_in_flight: count('Largest number of requests open at once.'),
    itl_ms: closedObject<HistogramSummary>(
      {
        description:
          'Inter-token (chunk) gaps, every gap of every successful request, from a streaming histogram (percentiles within 1 %); null figures when count is 0.',
      },
      {
        count: count('Number of gaps.'),
        mean: nullableQuantity('Mean gap (ms).'),
        p50: nullableQuantity('50th percentile (ms).'),
        p90: nullableQuantity('90th percentile (ms).'),
        p95: nullableQuantity('95th percentile (ms).'),
        p99: nullableQuantity('99th percentile (ms).'),
        max: nullableQuantity('Largest gap (ms).'),
      },
    ),
    interrupted: flag('True when the stage stopped early (cancellation).'),
    search: optional(searchResultsSchema),
    in_flight_samples: arrayOf(
      'The in-flight series: how many requests were open at a time.',
      closedObject<InFlightSample>(
        {},
        {
          at_ms: quantity("When, ms on the run's monotonic clock."),
          in_flight: count('Requests open at that time.'),
        },
      ),
    ),
    load_shape: closedObject<LoadShape>(
      {
        description:
          'Since 1.5: the load shape the stage ran. Open loop: requests at times planned up front from the arrival process (and ramp); closed loop: concurrency slots (no_overlap is concurrency 1). Fields that do not apply to the loop are null.',
      },
      {
        loop: oneOfText<LoadShape['loop']>('`open` (planned send times) or `closed` (concurrency slots).', {
          open: true,
          closed: true,
        }),
        description: text(
          'The shape in a few words, as in the summary: `poisson 10/s`, `concurrency 8`, `ramp 2→20/s`.',
        ),
        arrival: {
          description: 'Open loop: the arrival process; null for a closed loop.',
          type: ['string', 'null'],
          enum: [...valuesOf<ArrivalProcess>({ constant: true, poisson: true, gamma: true }), null],
        },
        burstiness: nullableQuantity(
          "Gamma's shape factor (coefficient of variation of the gaps 1/√b); null unless arrival is gamma.",
        ),
        seed: count("The run's seed; the stage's random stream is derived from it and the stage's position."),
        concurrency: {
          description: 'Closed loop: slots kept busy (1 with no_overlap); null for an open loop.',
          type: ['integer', 'null'],
          minimum: 1,
        },
        pause_ms: nullableQuantity(
          'Closed loop: pause after each completion before the slot sends again (ms); null for an open loop.',
        ),
        ramp_to_rate: nullableQuantity("The ramp's end rate (requests/s); null without a ramp."),
        planned_duration_ms: nullableQuantity(
          'Open loop: from the first to the last planned send (ms); null for a closed loop.',
        ),
        planned_rate_rps: nullableQuantity(
          'Open loop: (iterations − 1) ÷ planned duration (requests/s); null for a closed loop or a single request.',
        ),
        achieved_rate_rps: nullableQuantity(
          '(sent − 1) ÷ (last send − first send), from the dispatch times (requests/s); null below 2 sends.',
        ),
      },
    ),
    prompt_length: closedObject<PromptLengthStatistics>(
      {
        description:
          'Since 1.1: achieved against requested prompt length (successful non-warmup requests), and how prompts were calibrated.',
      },
      {
        requested_tokens: count(
          "The stage's prompt_length (in a trace stage: the rounded mean of the requests' input_length).",
        ),
        exact_requests: count(
          'Successful requests whose server-reported prompt tokens equal the requested length (each its own in a trace stage).',
        ),
        reported_requests: count('Successful requests that reported prompt tokens at all.'),
        calibration: stageCalibrationSchema,
        approximate: flag(
          'True unless calibration was exact and every reporting request measured the requested length.',
        ),
      },
    ),
    output_length: closedObject<OutputLengthStatistics>(
      {
        description:
          'Since 1.1: achieved against requested output length (early stops, ignored max_tokens), successful non-warmup requests.',
      },
      {
        requested_tokens: count(
          "max_tokens of every request (the stage's generation_length; in a trace stage the rounded mean of the requests' output_length, each request asking for its own).",
        ),
        achieved_tokens: reference('summary', 'Output tokens of successful requests.'),
        short_requests: count(
          'Successful requests with fewer output tokens than requested (EOS, stop string).',
        ),
        over_requests: count(
          'Successful requests with more output tokens than requested (the server ignored max_tokens).',
        ),
        shortfall_ratio: quantity(
          'Σ max(0, requested − achieved) ÷ Σ requested over the successful requests: the share of output not produced.',
        ),
        finish_reasons: countsBy('Successful requests by finish_reason (`none` when the server sent none).'),
      },
    ),
    prefix_cache: optional(
      closedObject<PrefixCacheComparison>(
        {
          description:
            "Since 1.5, shared_prefix and trace stages only: the prefix-cache hit rate expected from the stage's workload (an unbounded cache, each request cached before the next arrives; leading shared blocks already seen count, at most prompt tokens − 1 per request) beside the one the server reports, over the measured (non-warmup) requests. Servers cache in blocks (vLLM 16 tokens), so the reported figure rounds down to them.",
        },
        {
          source: oneOfText<PrefixCacheComparison['source']>(
            "Where the sharing comes from: the shared_prefix groups, or the trace's hash_ids.",
            { shared_prefix: true, trace: true },
          ),
          expected_cached_tokens: count('Σ prompt tokens a prefix cache could serve.'),
          expected_prompt_tokens: count('Σ prompt tokens requested.'),
          expected_hit_rate: quantity(
            'expected_cached_tokens ÷ expected_prompt_tokens (0 when there are none).',
          ),
          expected_hit_requests: count('Requests expected to hit the cache at all.'),
          expected_request_hit_share: quantity(
            'expected_hit_requests ÷ the measured requests (0 when there are none).',
          ),
          reported_hit_rate: nullableQuantity(
            "The server's figure: the stage's cache_hit_rate; null when it reports neither cached_tokens nor prefix_cache_hit.",
          ),
          reported_source: {
            description:
              "Which definition reported_hit_rate uses (the stage's cache_hit_source); null when it is null.",
            type: ['string', 'null'],
            enum: ['cached_tokens', 'prefix_cache_hit', null],
          },
          expected_for_reported: nullableQuantity(
            'The expectation in the definition of reported_hit_rate: expected_hit_rate for cached_tokens, expected_request_hit_share for prefix_cache_hit; null when nothing is reported.',
          ),
        },
      ),
    ),
  },
);

const verdictSchema = oneOfText<Verdict>(
  'pass: ran and met every criterion. fail: ran and missed one (no success, a threshold, a regression). invalid: the load generator fell behind, so the numbers describe it, not the server. error: the run could not be carried out.',
  { pass: true, fail: true, invalid: true, error: true },
);

const thresholdOutcomeSchema = closedObject<ThresholdOutcome>(
  { description: 'One threshold of the config with its observed value and result.' },
  {
    expression: text('As written (trimmed), e.g. "ttft_p95_ms <= 800".'),
    scope: {
      description: '`run` for a top-level threshold, else the stage it belongs to.',
      oneOf: [
        { type: 'string', const: 'run' },
        closedObject<Exclude<ThresholdOutcome['scope'], 'run'>>({}, { stage: text("The stage's name.") }),
      ],
    },
    metric: text('The metric judged (src/metrics/catalog.ts).'),
    comparator: oneOfText<Comparator>('How observed is compared with limit.', {
      '<': true,
      '<=': true,
      '>': true,
      '>=': true,
      '==': true,
      '!=': true,
    }),
    limit: quantity('The number of the expression, in the unit of the metric.'),
    observed: nullableQuantity('The observed value; null when no request produced a sample.'),
    samples: count('Samples behind the observed value.'),
    required_samples: count('Samples the metric needs before it is judged.'),
    status: oneOfText<ThresholdStatus>(
      'pass or fail; inconclusive when too few samples, or no value, back the metric.',
      { pass: true, fail: true, inconclusive: true },
    ),
    reason: optional(text('Why it is inconclusive.')),
  },
);

const metricComparisonSchema = closedObject<MetricComparison>(
  { description: 'One metric of one stage, compared with the baseline.' },
  {
    metric: text('The metric compared (src/metrics/catalog.ts).'),
    unit: oneOfText<MetricUnit>('Unit of baseline, current, ci_low and ci_high.', {
      ms: true,
      s: true,
      ratio: true,
      requests: true,
      tokens: true,
      'tokens/s': true,
      'requests/s': true,
      'requests in flight': true,
    }),
    better: oneOfText<Better>('Which direction is an improvement.', { smaller: true, bigger: true }),
    baseline: nullableQuantity("The statistic over the baseline's requests; null when it has none."),
    current: nullableQuantity("The statistic over this run's requests; null when it has none."),
    change_ratio: nullableQuantity(
      '(current − baseline) ÷ |baseline|; null when either is missing or the baseline is 0.',
    ),
    ci_low: nullableQuantity(
      'Low end of the bootstrap interval of current − baseline, in the metric’s unit.',
    ),
    ci_high: nullableQuantity(
      'High end of the bootstrap interval of current − baseline, in the metric’s unit.',
    ),
    tolerance_ratio: quantity('How much worse the metric may get, as a ratio of |baseline| (0.1 = 10 %).'),
    samples_baseline: count("Samples of the baseline's stage."),
    samples_current: count("Samples of this run's stage."),
    status: oneOfText<ComparisonStatus>(
      'regression: the interval excludes zero on the worse side and the change exceeds the tolerance; improvement: its mirror image; unchanged: the whole interval lies within the tolerance; otherwise inconclusive.',
      { regression: true, improvement: true, unchanged: true, inconclusive: true },
    ),
    reason: optional(text('Why inconclusive, when it is not about noise.')),
  },
);

const comparisonSchema = closedObject<ComparisonResult>(
  {
    nullable: true,
    description: 'Since 1.1: the comparison with a baseline run; null when no baseline was asked for.',
  },
  {
    baseline: closedObject<ComparisonResult['baseline']>(
      { description: 'The baseline run, as far as it is known.' },
      {
        source: text('Where it came from, for people: a path, `run 123456 (artifact exo-bench-…)`.'),
        url: optional(text("A link to the baseline's run or artifact.")),
        run_id: optional(text("The baseline's metadata.run_id.")),
        started_at: optional(text("The baseline's metadata.started_at.")),
        verdict: optional(text("The baseline's verdict.")),
      },
    ),
    comparable: flag(
      'False when the runs are not like for like, or the baseline could not be used; reasons say why.',
    ),
    reasons: texts('Why the runs were not compared; empty when they were.'),
    method: text('The method, as printed under the comparison table.'),
    confidence_level: quantity('Confidence level of the bootstrap intervals (0.95).'),
    stages: arrayOf(
      "One entry per stage of this run's config, in config order; empty when not comparable.",
      closedObject<StageComparison>(
        { description: "One stage's comparison." },
        {
          stage: text("The stage's name."),
          metrics: arrayOf(
            'The metrics compared, in the order of the regression mapping.',
            metricComparisonSchema,
          ),
        },
      ),
    ),
    regressions: count('Metrics whose status is regression.'),
    improvements: count('Metrics whose status is improvement.'),
  },
);

const RESULTS_MAJOR_VERSION = RESULTS_SCHEMA_VERSION.split('.')[0] ?? '';

const metadataSchema = closedObject<ResultsDocument['metadata']>(
  { description: 'Where, when and against what this node ran.' },
  {
    started_at: text('When the node started, ISO 8601 (UTC).'),
    ended_at: text('When the node wrote this document, ISO 8601 (UTC).'),
    config_file: text('The config file, as given by the user.'),
    api_url: text('The API this node used (EXO, or the OpenAI-compatible server), without user info.'),
    is_primary: flag(
      'True on the node that ran the load; secondaries only wait for the primary. True in a merged document (it carries the run-level figures).',
    ),
    node_id: optional(text("EXO's id of this node, once its API answered (EXO targets only).")),
    run_id: text('Identifies the run in nonces and metadata.'),
    hardware_label: optional(text("This node's runner label from hardware_plan.")),
    node_index: optional(count("This node's index among the nodes with its label (0-based).")),
    endpoint: oneOfText<ChatEndpoint>(
      "The chat endpoint of the load: chat = /v1/chat/completions; bench = EXO's /bench/chat/completions (EOS banned).",
      { chat: true, bench: true },
    ),
    target: optional(
      closedObject<NonNullable<ResultsDocument['metadata']['target']>>(
        {
          description:
            'Since 1.1: what the load was aimed at (never the API key; URL without user info). Absent when the run failed before the target was resolved.',
        },
        {
          kind: oneOfText<TargetConfig['kind']>('exo: an EXO cluster. openai: an OpenAI-compatible server.', {
            exo: true,
            openai: true,
          }),
          base_url: text('The server root the requests went to, without user info.'),
          models: texts('The models the requests named, in rotation order.'),
        },
      ),
    ),
    benchmark_started_at: seed(quantity('when the node started, epoch seconds.')),
    benchmark_completed_at: seed(quantity('when the node wrote this document, epoch seconds.')),
    total_duration_s: seed(quantity('benchmark_completed_at − benchmark_started_at, seconds.')),
    git_commit: seed(nullableText('--git-commit (the action: GITHUB_SHA); null when not given.')),
    hardware_labels: seed(
      texts('--hardware-labels split at commas (the action: its hardware-label); [] when not given.'),
    ),
    expected_nodes: seed(count('nodes the cluster had to show.')),
    timeout_seconds: seed(count('deadline of the cluster phases, seconds.')),
  },
);

const clusterSchema = closedObject<ResultsDocument['cluster']>(
  { description: 'The EXO cluster as the run saw it; empty lists for an openai target.' },
  {
    expected_nodes: count('Nodes the topology had to show (the hardware_plan total unless overridden).'),
    nodes: arrayOf(
      'The nodes of the topology.',
      closedObject<ClusterNodeFacts>(
        { description: 'One node as the run saw it.' },
        {
          node_id: text("EXO's node id."),
          chip: text('Chip, as EXO reports it (empty when unknown).'),
          friendly_name: text("The node's name, as EXO reports it (empty when unknown)."),
          ram_total_bytes: optional(quantity('Memory of the node, bytes; absent when EXO reported none.')),
          ram_available_bytes: optional(quantity('Memory available when the cluster was read, bytes.')),
        },
      ),
    ),
    instances: arrayOf(
      'The instances the run used.',
      closedObject<ClusterInstanceFacts>(
        { description: 'One instance the run used.' },
        {
          instance_id: text("EXO's instance id."),
          model_id: text('The model it serves.'),
          kind: text('Instance kind, as EXO names it (e.g. MlxRingInstance).'),
          shard_kind: text('Sharding, as EXO names it (e.g. PipelineShardMetadata).'),
          node_ids: texts('The nodes it spans.'),
          sharding: optional(text('Since 1.3: Pipeline or Tensor, as placed (one node is always Pipeline).')),
          instance_meta: optional(
            text('Since 1.3: MlxRing or MlxJaccl, as placed (one node is always MlxRing).'),
          ),
        },
      ),
    ),
    downloads: optional(
      arrayOf(
        'Since 1.3: models that had to be downloaded before loading (absent from models-dir), apart from every stage.',
        closedObject<DownloadTime>(
          { description: 'One model download, as the polls saw it.' },
          {
            model_id: text('The model.'),
            bytes: count('Its size as the download reported it, bytes.'),
            seconds: quantity('From the first poll that saw it incomplete to the last, seconds.'),
          },
        ),
      ),
    ),
    state_polling: optional(
      closedObject<StatePollingFacts>(
        {
          description:
            "Since 1.3: which node's /state the snapshots polled, and how often (each poll costs that node CPU).",
        },
        {
          node_id: text("The polled node's id."),
          api_url: text("The polled node's API, without user info."),
          serves_load: flag('True when it is also the node the requests went to.'),
          interval_seconds: quantity('Seconds between two polls.'),
          requests: count('/state requests the snapshots sent.'),
        },
      ),
    ),
    state_resets: optional(
      arrayOf(
        "Since 1.3: falls of EXO's event counter (a new master started from an empty state); absent when none.",
        closedObject<StateResetFacts>(
          { description: 'One state reset.' },
          {
            at_ms: quantity("When it was seen, ms on the run's clock."),
            from_event_idx: count('lastEventAppliedIdx before.'),
            to_event_idx: count('lastEventAppliedIdx after.'),
          },
        ),
      ),
    ),
    model_ids: seed(texts('the models the load went to.')),
    instance_ids: seed(texts('every instance the run used, all models; [] for an openai target.')),
    instance_count: seed(count('len(instance_ids).')),
    runner_count: seed(count('runners of those instances.')),
    sharding: seed(text("the config's sharding.")),
    instance_meta: seed(text("the config's instance_meta.")),
  },
);

const snapshotSchema = closedObject<ClusterSnapshot>(
  { description: 'One moment of the cluster.' },
  {
    at_ms: quantity("When, ms on the run's monotonic clock."),
    memory_used_bytes_by_node: quantitiesBy('Node id → memory in use, bytes.'),
    memory_available_bytes_by_node: quantitiesBy('Node id → memory available, bytes.'),
    in_flight_by_instance: countsBy('Instance id → requests in flight.'),
    in_flight_by_node: countsBy('Node id → requests in flight on the instances it belongs to.'),
    in_flight_total: count('Requests in flight in the whole cluster.'),
    timestamp: seed(quantity('when, epoch seconds.')),
    node_memory: seed({
      description: 'node id → its memory, bytes (swap 0 when EXO reports none).',
      type: 'object',
      additionalProperties: closedObject<SeedNodeMemory>(
        {},
        {
          ram_total_bytes: quantity('RAM, bytes.'),
          ram_available_bytes: quantity('RAM available, bytes.'),
          ram_used_bytes: quantity('ram_total_bytes − ram_available_bytes.'),
          swap_total_bytes: quantity('Swap, bytes.'),
          swap_available_bytes: quantity('Swap available, bytes.'),
          swap_used_bytes: quantity('swap_total_bytes − swap_available_bytes.'),
        },
      ),
    }),
    instance_tasks: seed(
      arrayOf(
        "one entry per (instance, node) of the run's instances: its request tasks.",
        closedObject<SeedInstanceTasks>(
          {},
          {
            instance_id: text("EXO's instance id."),
            node_id: text('A node of the instance.'),
            pending_tasks: count('Pending request tasks of the instance.'),
            running_tasks: count('Running request tasks of the instance.'),
            total_active_tasks: count('pending_tasks + running_tasks.'),
          },
        ),
      ),
    ),
    node_tasks: seed(
      arrayOf(
        'one entry per node: request tasks of the instances on it.',
        closedObject<SeedNodeTasks>(
          {},
          {
            node_id: text("EXO's node id."),
            pending_tasks: count('Σ pending tasks of its instances.'),
            running_tasks: count('Σ running tasks of its instances.'),
            total_active_tasks: count('pending_tasks + running_tasks.'),
            instance_count: count('Instances of the run with a runner on it.'),
          },
        ),
      ),
    ),
  },
);

const validitySchema = closedObject<Validity>(
  {
    description:
      'Why the run is (in)valid: the load generator must keep to its schedule, or the numbers describe it, not the server.',
  },
  {
    valid: flag('False when the load generator fell behind; reasons say how.'),
    status: optional(
      oneOfText<NonNullable<Validity['status']>>(
        'Since 1.4: valid, invalid, or inconclusive when no stage had enough dispatch-lag samples to judge its p99 (the run is not failed for it; notes say why).',
        { valid: true, invalid: true, inconclusive: true },
      ),
    ),
    reasons: texts('Each bound the run exceeded, in words; empty when valid.'),
    notes: optional(
      texts('Since 1.4: what the gate could not judge and why (too few dispatch-lag samples in a stage).'),
    ),
    dispatch_lag_p99_ms: nullableQuantity(
      "The worst stage's dispatch lag p99 (ms); null when no stage sent a request.",
    ),
    max_dispatch_lag_p99_ms: quantity("The config's max_dispatch_lag_p99_ms (ms)."),
    event_loop_delay_p99_ms: nullableQuantity(
      "The load generator's event-loop delay p99 during the stages (ms); null when it was not measured.",
    ),
    max_event_loop_delay_p99_ms: quantity(
      'The bound of the event-loop delay p99: 4 × max_dispatch_lag_p99_ms (ms).',
    ),
  },
);

const provenanceSchema = closedObject<Provenance>(
  {
    description:
      'Since 1.4: where the result came from (commit, run, runner, tool, config), and whether the server was the simulator.',
  },
  {
    source: oneOfText<Provenance['source']>('Which shell ran the node.', {
      'github-actions': true,
      cli: true,
    }),
    tool_version: text("exo-bench's version."),
    started_at: text('When this node started, ISO 8601 (UTC).'),
    config_file: text('The config file, as given.'),
    config_sha256: optional(text("SHA-256 of the config file's bytes, hex.")),
    simulated: flag("True when the server was exo-bench's simulator: the figures describe no hardware."),
    simulator_profile: optional(text("The simulator's profile: default, or the profile file's name.")),
    repository: optional(text('owner/name of the repository the workflow ran in.')),
    commit: optional(
      text("Full commit SHA: the workflow's GITHUB_SHA, or HEAD of the CLI's working directory."),
    ),
    ref: optional(text('The git ref (refs/heads/main, refs/pull/12/merge).')),
    event: optional(text('The event that started the workflow.')),
    server_url: optional(text("GitHub's server, for links.")),
    run_id: optional(text('The workflow run id.')),
    run_attempt: optional(count('The attempt of the workflow run (1-based).')),
    run_url: optional(text("The workflow run's page.")),
    workflow: optional(text("The workflow's name.")),
    job: optional(text("The job's id.")),
    runner: optional(
      closedObject<NonNullable<Provenance['runner']>>(
        { description: "The machine that ran this node (the runner's, or the CLI's host's)." },
        {
          name: optional(text('Runner name, or host name.')),
          os: optional(text('Operating system.')),
          arch: optional(text('CPU architecture.')),
        },
      ),
    ),
  },
);

const mergedNodeSchema = closedObject<MergedNodeFacts>(
  { description: 'Since 1.5: one node of a merged run and what it contributed.' },
  {
    node: text(
      "The node's key, <hardware_label>#<node_index>; with a record's stage and index, a request's identity.",
    ),
    hardware_label: optional(text('Its hardware label (the matrix label).')),
    node_index: optional(count('Its index within the label (the matrix index).')),
    is_primary: flag('True for the node that placed the instances and ran the stages as primary.'),
    node_id: optional(text("EXO's node id of the node the job ran on, when it learnt one.")),
    source: text('Where its files came from: the folder given, or the artifact name.'),
    verdict: verdictSchema,
    validity_status: oneOfText<MergedNodeFacts['validity_status']>("The node's own validity status.", {
      valid: true,
      invalid: true,
      inconclusive: true,
    }),
    error: optional(text("Why the node's run could not complete, when it could not.")),
    fired_requests: count("Records in the node's requests.jsonl (every stage, warm-up included)."),
    requests: count("The node's counted requests of the run stages (warm-up excluded)."),
    successful_requests: count('Of those, the successful ones.'),
    failed_requests: count('Of those, the failed ones.'),
    ttft_p50_ms: nullableQuantity(
      "TTFT p50 of the node's successful counted requests, ms, exact from its records; null without a sample.",
    ),
    ttft_p95_ms: nullableQuantity('TTFT p95, likewise.'),
    ram_total_bytes: optional(count("The node's memory, from the cluster facts of the merged documents.")),
    ram_available_bytes: optional(count('Available memory, likewise.')),
    ram_used_peak_bytes: optional(
      count('Most memory in use on the node in any cluster snapshot of the run, bytes.'),
    ),
    runner: optional(text("The machine the job ran on (the runner's name, or the CLI's host's).")),
  },
);

const mergeSchema = closedObject<MergeFacts>(
  {
    description:
      "Since 1.5: present only in a merged document (exo-bench merge, the action's mode: merge): how the nodes' results were put together. The statistics of a merged document are recomputed from the union of the nodes' requests.jsonl records (each request once, identified by node + stage + index), never averaged from the nodes' percentiles.",
  },
  {
    nodes: arrayOf('The nodes merged, in matrix order (primary first).', mergedNodeSchema),
    missing_nodes: texts('Matrix entries (label#index) with no results to merge.'),
    problems: texts(
      "Merge-level problems (a missing node, a node whose run failed, records that disagree with a node's results.json); each makes the verdict error.",
    ),
    requests: count('Records in the merged requests.jsonl: every request of every node, each exactly once.'),
  },
);

const documentSchema = closedObject<ResultsDocument>(
  {
    title: 'exo-bench results',
    description:
      "results.json, written by every node into its output folder: a versioned superset of the seed script's document (metadata, cluster, configuration, results.stages[], metrics.snapshots[]). Beside it, requests.jsonl holds one line per request.",
  },
  {
    schema_version: {
      description: `Version of this document's shape (semver): bumped on any change of shape, additions bump the minor part. This schema describes ${RESULTS_SCHEMA_VERSION} documents; one from an earlier ${RESULTS_MAJOR_VERSION}.x lacks the fields added since (e.g. 1.2.0 added invalid_events), and any ${RESULTS_MAJOR_VERSION}.x reader can still read it.`,
      type: 'string',
      pattern: `^${RESULTS_MAJOR_VERSION}\\.[0-9]+\\.[0-9]+$`,
      examples: [RESULTS_SCHEMA_VERSION],
    },
    tool: closedObject<ResultsDocument['tool']>(
      { description: 'The program that wrote the document.' },
      {
        name: { description: 'Always exo-bench.', type: 'string', const: 'exo-bench' },
        version: text('Its version.'),
      },
    ),
    metadata: metadataSchema,
    cluster: clusterSchema,
    configuration: configurationSchema(),
    results: closedObject<ResultsDocument['results']>(
      { description: 'The statistics, per stage and for the whole run.' },
      {
        stages: arrayOf(
          'One entry per stage that ran, in config order (none on a secondary).',
          stageResultsSchema,
        ),
        run: {
          description:
            'The statistics of every request of the run (all stages together, warm-up stages left out); null on a secondary or when no request was sent.',
          anyOf: [{ type: 'null' }, { $ref: '#/definitions/load_statistics' }],
        },
        run_stages: optional(
          texts(
            'Since 1.4: the stages `run`, the run-level outputs and the run thresholds cover, in config order (stages with `warmup: true` are left out).',
          ),
        ),
      },
    ),
    metrics: closedObject<ResultsDocument['metrics']>(
      { description: 'Series recorded during the load.' },
      {
        snapshots: arrayOf(
          'Periodic snapshots of the EXO cluster while the stages ran (empty for an openai target); thinned to at most 1,000 on long runs.',
          snapshotSchema,
        ),
      },
    ),
    validity: validitySchema,
    verdict: verdictSchema,
    error: closedObject<NonNullable<ResultsDocument['error']>>(
      { nullable: true, description: 'Why the run could not complete, when it could not; null otherwise.' },
      {
        kind: oneOfText<ErrorKind>('The family of the failure (the shells map it to exit codes).', {
          config: true,
          input: true,
          cluster: true,
          stream: true,
          threshold: true,
          cancelled: true,
          internal: true,
        }),
        message: text('What went wrong.'),
        hint: optional(text('What the user can do about it.')),
      },
    ),
    thresholds: optional(
      arrayOf(
        'Since 1.1: each threshold of the config with its observed value and result, run thresholds first (primary only).',
        thresholdOutcomeSchema,
      ),
    ),
    comparison: optional(comparisonSchema),
    provenance: optional(provenanceSchema),
    merge: optional(mergeSchema),
  },
);

/** The schema of results.json (JSON schema draft-07). Written to configs/results.schema.json as is. */
export const resultsSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: RESULTS_SCHEMA_ID,
  ...documentSchema,
  definitions,
};

/** The text of configs/results.schema.json. */
export function renderResultsSchemaJson(): string {
  return `${JSON.stringify(resultsSchema, null, 2)}\n`;
}
