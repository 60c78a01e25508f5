/**
 * The JSON schema of a benchmark config: the one source of truth for what a config file may contain,
 * its types, limits and defaults. The loader validates with it (through ajv, which also fills in the
 * defaults) and `configs/schema.json` is this object written out for editors; a test fails when the two
 * drift apart (`UPDATE_SCHEMA=1 npm test -- __tests__/config/schema` rewrites the file).
 *
 * What JSON schema cannot say is checked in code (src/config/validate.ts) and listed in `LIMITS`:
 * unique stage names, `warmup_requests < iterations`, the stage duration cap and the matrix size cap,
 * threshold expressions and the metric names of `regression` (src/verdict/).
 */
import { TOLERANCE_PATTERN } from '../verdict/regression.js';
import { calibratePromptsSchema, targetSchema } from './target.js';

/** The subset of JSON schema (draft-07) this module uses; enough for the loader to walk and describe it. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?:
    | 'object'
    | 'array'
    | 'string'
    | 'number'
    | 'integer'
    | 'boolean'
    | readonly ('string' | 'number' | 'boolean')[];
  properties?: Record<string, SchemaNode>;
  required?: readonly string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  minProperties?: number;
  items?: SchemaNode;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  examples?: readonly unknown[];
  /** Conditional keys (draft-07); only used to make a key required unless another is set. */
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
}

const SECONDS_PER_DAY = 86_400;

/**
 * Caps that keep every derived quantity (schedules in milliseconds, token buffers, timer delays) far
 * from overflow and from Node's 2^31-1 ms timer limit, while staying far above any sensible benchmark.
 */
export const LIMITS = {
  maxIterations: 10_000_000,
  maxPromptLengthTokens: 10_000_000,
  maxGenerationLengthTokens: 10_000_000,
  maxTimeBetweenRequestsSeconds: SECONDS_PER_DAY,
  /** Requests kept in flight by a `concurrency` stage (each is an open connection). */
  maxConcurrency: 100_000,
  /** `ramp_to_rate`, requests per second. */
  maxRampToRatePerSecond: 1_000_000,
  /** `burstiness` (a gamma shape): beyond this the gaps are constant to a few digits. */
  maxBurstiness: 1_000_000,
  /** The run's `seed`: any integer a double holds exactly. */
  maxSeed: Number.MAX_SAFE_INTEGER,
  /** iterations × time_between_requests of one stage. */
  maxStageDurationSeconds: 30 * SECONDS_PER_DAY,
  maxTimeoutSeconds: 7 * SECONDS_PER_DAY,
  maxSnapshotIntervalSeconds: SECONDS_PER_DAY,
  maxDispatchLagP99Ms: 3_600_000,
  /** A GitHub Actions matrix runs at most 256 jobs, and plan mode makes one job per node. */
  maxNodesTotal: 256,
  /** Numbers in `environment` are exported as text; beyond this they would lose digits. */
  maxSafeEnvironmentNumber: Number.MAX_SAFE_INTEGER,
} as const;

/** What a GitHub runner label may look like (letters, digits, `.`, `_`, `-`; no spaces or commas). */
export const RUNNER_LABEL_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';

/** What an environment variable name may look like (a POSIX shell name). */
export const ENVIRONMENT_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

/** Old spellings still accepted, with a warning, mapped to the current one. */
export const DEPRECATED_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  instance_meta: { MlxIbv: 'MlxJaccl' },
};

const positiveSeconds = (description: string, defaultSeconds: number, maxSeconds: number): SchemaNode => ({
  description,
  type: 'number',
  exclusiveMinimum: 0,
  maximum: maxSeconds,
  default: defaultSeconds,
});

/** `thresholds:` of the run or of a stage: expressions checked in code (src/verdict/thresholds.ts). */
const thresholdsSchema = (description: string): SchemaNode => ({
  description: `${description} Each is "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800"; a failed threshold makes the verdict fail.`,
  type: 'array',
  items: { title: 'threshold', type: 'string', minLength: 1, pattern: '\\S' },
  examples: [['success_rate >= 0.99', 'ttft_p95_ms <= 800']],
});

const stageSchema: SchemaNode = {
  title: 'stage',
  description:
    'One stage of load: `iterations` requests, the i-th fired at stage start + i × time_between_requests (by default; `arrival`, `ramp_to_rate` and `concurrency` change the shape).',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'prompt_length', 'generation_length', 'iterations'],
  // A closed-loop stage (`concurrency`) may leave the gap out; every other stage needs it.
  if: { properties: { concurrency: {} }, required: ['concurrency'] },
  else: { properties: { time_between_requests: {} }, required: ['time_between_requests'] },
  properties: {
    name: {
      description: 'Name of the stage, unique within the config; used in logs, summaries and results.',
      type: 'string',
      minLength: 1,
      pattern: '\\S',
    },
    prompt_length: {
      description: 'Target prompt length in tokens.',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxPromptLengthTokens,
    },
    generation_length: {
      description: 'Maximum tokens to generate per request (`max_tokens`).',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxGenerationLengthTokens,
    },
    time_between_requests: {
      description:
        'Seconds between firing consecutive requests (open loop: a request does not wait for the previous one); the mean gap with `arrival: poisson` or `gamma`, the starting gap of a `ramp_to_rate`. With `no_overlap` or `concurrency`, the pause after each completion before that slot sends again. Required unless `concurrency` is set (then default 0).',
      type: 'number',
      minimum: 0,
      maximum: LIMITS.maxTimeBetweenRequestsSeconds,
    },
    iterations: {
      description: 'Number of requests in this stage.',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxIterations,
    },
    no_overlap: {
      description: 'Send one request at a time in this stage; overrides the top-level `no_overlap`.',
      type: 'boolean',
    },
    arrival: {
      description:
        "How open-loop arrivals are spread: `constant` (every time_between_requests), `poisson` (exponential gaps of mean time_between_requests) or `gamma` (gamma gaps of that mean, shape `burstiness`). Random arrivals are drawn up front from the run's `seed`.",
      type: 'string',
      enum: ['constant', 'poisson', 'gamma'],
      default: 'constant',
    },
    burstiness: {
      description:
        "Shape of the gamma gaps (`arrival: gamma` only; default 1 = Poisson). Lower is burstier: the gaps' coefficient of variation is 1/√burstiness.",
      type: 'number',
      exclusiveMinimum: 0,
      maximum: LIMITS.maxBurstiness,
    },
    concurrency: {
      description:
        'Closed loop: keep this many requests in flight until `iterations` have been sent; each slot sends its next request time_between_requests (default 0) after its previous one completes. Not with `arrival`, `ramp_to_rate` or `no_overlap`; at most `iterations`.',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxConcurrency,
    },
    ramp_to_rate: {
      description:
        "Requests per second the rate reaches at the stage's last request, moving linearly in time from 1/time_between_requests (which must then be > 0). Works with every `arrival` (random arrivals follow the rate by time-rescaling).",
      type: 'number',
      exclusiveMinimum: 0,
      maximum: LIMITS.maxRampToRatePerSecond,
    },
    warmup_requests: {
      description:
        'The first N requests of the stage are fired and recorded but left out of its statistics; must be less than `iterations`.',
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxIterations,
      default: 0,
    },
    warmup: {
      description:
        'A warm-up stage: run, recorded and shown like any other, but left out of the run-level figures (the `all stages` row, the action outputs total-requests, ttft-p50-ms, …), the run thresholds, the validity gate and the baseline comparison. It takes no thresholds of its own. Typically the first stage, which loads weights and fills caches.',
      type: 'boolean',
      default: false,
    },
    thresholds: thresholdsSchema("Gates on this stage's statistics (ITL metrics are only known per stage)."),
  },
};

/** The config schema (JSON schema draft-07). Written to configs/schema.json as is. */
export const configSchema: SchemaNode = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'exo-bench config',
  description:
    'A staged load benchmark for an EXO cluster or an OpenAI-compatible server. configs/README.md documents every field.',
  type: 'object',
  additionalProperties: false,
  // hardware_plan and model_ids are required for EXO targets only (src/config/target.ts checks them).
  required: ['stages'],
  properties: {
    hardware_plan: {
      description:
        'Runner label → number of nodes with that label. Plan mode makes one matrix job per node; the first node is the primary. Required for EXO targets; optional for openai targets (at most 1 node: the job that sends the load).',
      type: 'object',
      minProperties: 1,
      propertyNames: { title: 'runner label', type: 'string', pattern: RUNNER_LABEL_PATTERN },
      additionalProperties: { type: 'integer', minimum: 1, maximum: LIMITS.maxNodesTotal },
      examples: [{ M3ULTRA_GPU80_512GB: 4 }],
    },
    environment: {
      description: 'Variables set on every node; numbers and booleans are exported as their text.',
      type: 'object',
      propertyNames: { title: 'variable name', type: 'string', pattern: ENVIRONMENT_NAME_PATTERN },
      additionalProperties: {
        type: ['string', 'number', 'boolean'],
        minimum: -LIMITS.maxSafeEnvironmentNumber,
        maximum: LIMITS.maxSafeEnvironmentNumber,
      },
      default: {},
      examples: [{ OVERRIDE_MEMORY_MB: 512 }],
    },
    timeout_seconds: positiveSeconds(
      'Deadline for nodes to join, instances to be placed and runners to be ready (seconds).',
      600,
      LIMITS.maxTimeoutSeconds,
    ),
    model_ids: {
      description:
        'Models to run, one instance per entry; repeat an id to run several instances of it. Required for EXO targets; openai targets name their model in target.model instead.',
      type: 'array',
      minItems: 1,
      items: { title: 'model id', type: 'string', minLength: 1, pattern: '\\S' },
      examples: [['mlx-community/Llama-3.2-1B-Instruct-4bit']],
    },
    stages: {
      description: 'The stages of load, run one after another in this order.',
      type: 'array',
      minItems: 1,
      items: stageSchema,
    },
    seed: {
      description:
        'Seeds the random arrivals (`arrival: poisson` or `gamma`): the same seed gives the same schedule. Each stage draws from its own stream (seed and stage position), so adding a stage does not change the others. Default 0, so runs are reproducible unless you change it.',
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxSeed,
      default: 0,
    },
    sharding: {
      description: 'EXO sharding strategy for every instance.',
      type: 'string',
      enum: ['Pipeline', 'Tensor'],
      default: 'Pipeline',
    },
    instance_meta: {
      description: 'EXO instance kind. `MlxIbv` is the old name of `MlxJaccl` (accepted with a warning).',
      type: 'string',
      enum: ['MlxRing', 'MlxJaccl', 'MlxIbv'],
      default: 'MlxRing',
    },
    no_overlap: {
      description: 'Send one request at a time (each after the previous completes); a stage may override it.',
      type: 'boolean',
      default: false,
    },
    endpoint: {
      description:
        "`chat`: /v1/chat/completions. `bench`: EXO's /bench/chat/completions, which bans EOS so every request generates exactly generation_length tokens.",
      type: 'string',
      enum: ['chat', 'bench'],
      default: 'chat',
    },
    unique_prompts: {
      description: 'Start each prompt with a unique nonce so that no two requests share a cached prefix.',
      type: 'boolean',
      default: true,
    },
    target: targetSchema,
    calibrate_prompts: calibratePromptsSchema,
    request_timeout_seconds: positiveSeconds(
      'Deadline of one request, from its send to the end of its stream (seconds).',
      600,
      LIMITS.maxTimeoutSeconds,
    ),
    stream_idle_timeout_seconds: positiveSeconds(
      'A stream that sends no byte (not even a keep-alive) for this long fails (seconds).',
      60,
      LIMITS.maxTimeoutSeconds,
    ),
    max_dispatch_lag_p99_ms: {
      description:
        'A run whose p99 dispatch lag (actual send time − scheduled send time) exceeds this is flagged invalid (milliseconds).',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: LIMITS.maxDispatchLagP99Ms,
      default: 5,
    },
    snapshot_interval_seconds: positiveSeconds(
      'Period of cluster state snapshots during the load (seconds).',
      2,
      LIMITS.maxSnapshotIntervalSeconds,
    ),
    thresholds: thresholdsSchema('Gates on the statistics of the whole run (all stages together).'),
    regression: {
      description:
        'Metric → tolerance (a percentage) for the comparison with a baseline run: the metrics compared and how much worse each may get before it is a regression. Replaces the default set.',
      type: 'object',
      propertyNames: { title: 'metric name', type: 'string' },
      additionalProperties: { title: 'tolerance', type: 'string', pattern: TOLERANCE_PATTERN },
      examples: [{ ttft_p95_ms: '10%', output_tokens_per_second: '5%' }],
    },
  },
};

/** Keys allowed at the top level of a config, in schema order. */
export const TOP_LEVEL_KEYS: readonly string[] = Object.keys(configSchema.properties ?? {});

/** Keys allowed in a stage, in schema order. */
export const STAGE_KEYS: readonly string[] = Object.keys(stageSchema.properties ?? {});

/** The text of configs/schema.json: what editors read. */
export function renderSchemaJson(): string {
  return `${JSON.stringify(configSchema, null, 2)}\n`;
}
