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
import { TOLERANCE_PATTERN } from './regression.js';
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

/** The run-level `seed` when the config names none: runs are reproducible by default. */
export const DEFAULT_SEED = 0;

/** `burstiness` when a `gamma` stage names none: a gamma of shape 1 is Poisson. */
export const DEFAULT_BURSTINESS = 1;

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
  maxClockSkewToleranceMs: 60_000,
  /** `trace_speed`: a thousand times faster or slower than recorded. */
  maxTraceSpeed: 1000,
  /** `trace_block_tokens`: tokens of one hash_ids block. */
  maxTraceBlockTokens: 1_000_000,
  /** `shared_prefix.groups`. */
  maxSharedPrefixGroups: 1_000_000,
  /** A capacity search's loads: requests per second or requests in flight. */
  maxSearchLoad: 100_000,
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

const searchRange = (description: string, type: 'number' | 'integer', lowest: number): SchemaNode => ({
  description,
  type: 'object',
  additionalProperties: false,
  required: ['min', 'max'],
  properties: {
    min: {
      description: 'The least load probed (the search starts here).',
      type,
      ...(type === 'number' ? { exclusiveMinimum: 0 } : { minimum: lowest }),
      maximum: LIMITS.maxSearchLoad,
    },
    max: {
      description: 'The most load probed; at least `min`.',
      type,
      ...(type === 'number' ? { exclusiveMinimum: 0 } : { minimum: lowest }),
      maximum: LIMITS.maxSearchLoad,
    },
  },
});

/** `search:` of a stage: a capacity search (src/load/search.ts). */
const searchSchema: SchemaNode = {
  title: 'search',
  description:
    'Makes the stage a capacity search: it probes loads (short sub-stages) from `min` up, doubling until the metric crosses its bound, then bisects until the bracket [last pass, first fail] is narrower than `tolerance` or `max_probes` are spent. Give `max` for metrics where smaller is better (latencies), `min` for the others (success_rate, throughput), and exactly one of `rate` or `concurrency`. The stage then takes no `time_between_requests`, `iterations`, `no_overlap` or `warmup_requests`.',
  type: 'object',
  additionalProperties: false,
  required: ['metric'],
  properties: {
    metric: {
      description:
        'The metric judged on each probe, a name thresholds use: ttft_p95_ms, e2e_p99_ms, tpot_p50_ms, itl_p95_ms, success_rate, output_tokens_per_second, …',
      type: 'string',
      minLength: 1,
    },
    max: {
      description: 'A probe passes when the metric is ≤ max (latencies; the unit is in the metric name).',
      type: 'number',
      exclusiveMinimum: 0,
    },
    min: {
      description: 'A probe passes when the metric is ≥ min (metrics where bigger is better).',
      type: 'number',
      minimum: 0,
    },
    rate: searchRange('Search the open-loop request rate, in requests per second.', 'number', 0),
    concurrency: searchRange(
      'Search the closed-loop concurrency, in requests kept in flight (integers).',
      'integer',
      1,
    ),
    probe_requests: {
      description:
        "Requests per probe. Default: twice the metric's sample minimum for a conclusive value, at least 20 (p95: 40, p99: 200).",
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxIterations,
    },
    tolerance: {
      description:
        'Relative width at which the search stops: (first fail − last pass) ÷ last pass ≤ tolerance (concurrency also stops at a width of 1).',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.05,
    },
    max_probes: {
      description: 'Most probes the search may run; it reports what it bracketed when they are spent.',
      type: 'integer',
      minimum: 2,
      maximum: 100,
      default: 12,
    },
    max_failure_rate: {
      description:
        'A probe whose failed requests exceed this share of its requests fails, whatever its metric (0 to 1).',
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.01,
    },
  },
};

const stageSchema: SchemaNode = {
  title: 'stage',
  description:
    'One stage of load: `iterations` requests, the i-th fired at stage start + i × time_between_requests (by default; `arrival`, `ramp_to_rate` and `concurrency` change the shape).',
  type: 'object',
  additionalProperties: false,
  // prompt_length, generation_length, time_between_requests and iterations are required unless the
  // stage replays a trace (which gives them), searches (which sets its own schedule) or is a closed
  // loop (`concurrency`: no gap): src/config/validate.ts checks it, with the schema's own message.
  required: ['name'],
  properties: {
    name: {
      description: 'Name of the stage, unique within the config; used in logs, summaries and results.',
      type: 'string',
      minLength: 1,
      pattern: '\\S',
    },
    prompt_length: {
      description:
        'Target prompt length in tokens. Required, except in a trace stage (the trace gives each request its own).',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxPromptLengthTokens,
    },
    generation_length: {
      description:
        'Maximum tokens to generate per request (`max_tokens`). Required, except in a trace stage (each request generates its own output_length).',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxGenerationLengthTokens,
    },
    time_between_requests: {
      description:
        "Seconds between firing consecutive requests (open loop: a request does not wait for the previous one); the mean gap with `arrival: poisson` or `gamma`, the starting gap of a `ramp_to_rate`. With `no_overlap` or `concurrency`, the pause after each completion before that slot sends again. Required, except with `concurrency` (then default 0), in a trace stage (the trace's timestamps schedule it) and in a search stage (each probe sets its own).",
      type: 'number',
      minimum: 0,
      maximum: LIMITS.maxTimeBetweenRequestsSeconds,
    },
    iterations: {
      description:
        'Number of requests in this stage. Required, except in a trace stage, where it is optional and replays only the first N requests of the trace.',
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
    trace: {
      description:
        "Replay a request trace: a JSONL file (Mooncake format), one request per line with `timestamp` (ms from the trace's start), `input_length` (prompt tokens), `output_length` (max_tokens) and optionally `hash_ids` (the prompt's blocks of trace_block_tokens tokens; equal leading ids = shared prompt prefix). Each request is sent at its timestamp, with its own lengths; prompt_length, generation_length and time_between_requests come from the trace. The path is relative to the config file.",
      type: 'string',
      minLength: 1,
      pattern: '\\S',
      examples: ['traces/mooncake-sample.jsonl'],
    },
    trace_speed: {
      description:
        'Time scale of a trace replay: 2 replays it twice as fast (timestamps divided by 2), 0.5 half as fast. Default 1. Only with `trace`.',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: LIMITS.maxTraceSpeed,
    },
    trace_block_tokens: {
      description:
        'Tokens of one `hash_ids` block of the trace (Mooncake: 512, the default). Only with `trace`.',
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxTraceBlockTokens,
    },
    shared_prefix: {
      title: 'shared prefix',
      description:
        'Every prompt opens with one of `groups` shared prefixes of `tokens` prompt tokens (chat template included), request i using prefix i mod groups; the rest of the prompt (the nonce, with unique_prompts) is its own. For prefix-cache benchmarks: results report the cache hit rate expected from this against the one the server reports.',
      type: 'object',
      additionalProperties: false,
      required: ['tokens'],
      properties: {
        tokens: {
          description:
            'Prompt tokens of each shared prefix, chat template included; less than prompt_length.',
          type: 'integer',
          minimum: 1,
          maximum: LIMITS.maxPromptLengthTokens,
        },
        groups: {
          description: 'Number of distinct prefixes (default 1: every prompt shares the same prefix).',
          type: 'integer',
          minimum: 1,
          maximum: LIMITS.maxSharedPrefixGroups,
          default: 1,
        },
      },
      examples: [{ tokens: 1024, groups: 4 }],
    },
    search: searchSchema,
  },
};

/** Keys allowed in a stage's `shared_prefix`. */
export const SHARED_PREFIX_KEYS: readonly string[] = ['tokens', 'groups'];

/** Stage fields a trace stage takes from its trace (an error when also written in the stage). */
export const TRACE_DERIVED_KEYS: readonly string[] = [
  'prompt_length',
  'generation_length',
  'time_between_requests',
];

/** Stage fields required unless the stage replays a trace. */
export { STAGE_LOAD_KEYS } from './stage-keys.js';

/** `trace_block_tokens` when not given (Mooncake's block size). */
export const DEFAULT_TRACE_BLOCK_TOKENS = 512;

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
        'Runner label → number of nodes with that label. Plan mode makes one matrix job per node; the first node is the primary. Required for EXO targets. openai targets: optional with load_from: primary (at most 1 node: the job that sends the load); required with load_from: all_nodes (the runners that share the load against the one server).',
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
    load_from: {
      description:
        "`primary`: the primary node alone sends the load (the seed's behaviour). `all_nodes`: every node sends its share of each stage (request i of a stage from node i mod N, N = the nodes of hardware_plan in plan order) on one schedule (docs/load-from.md): with an EXO target to its own node's API, on stage starts the primary publishes through the cluster state; with an openai target to the one server, on stage starts fixed at plan time (all_nodes_start_delay_seconds, all_nodes_drain_seconds). A closed loop (concurrency, no_overlap) or capacity search stage is the primary's alone on an EXO target (the other nodes send nothing in it; the next stage starts once it has drained) and refused with an openai target (a plan-time schedule cannot know where it ends).",
      type: 'string',
      enum: ['primary', 'all_nodes'],
      default: 'primary',
    },
    clock_skew_tolerance_ms: {
      description:
        'With load_from: all_nodes, the clock skew between runners the shared schedule tolerates (milliseconds): recorded in results, and a run whose nodes report a larger spread of clock offsets, or whose stage started later than this on a node, is flagged invalid.',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: LIMITS.maxClockSkewToleranceMs,
      default: 20,
    },
    all_nodes_start_delay_seconds: positiveSeconds(
      "With load_from: all_nodes and an openai target: how long after the plan job the first stage starts (seconds). The plan job writes that start (its clock + this delay) into every matrix entry (start_at_ms), and every node derives each stage's start from it. Give the time the matrix's jobs need to be picked up, checked out and started and to size their prompts: a node that begins a stage more than clock_skew_tolerance_ms after its start is late, and the run invalid. Not for EXO targets (the primary publishes each start through the cluster state) nor load_from: primary.",
      120,
      LIMITS.maxTimeoutSeconds,
    ),
    all_nodes_drain_seconds: {
      description:
        "With load_from: all_nodes and an openai target: the drain bound between stages (seconds). Stage k+1 starts at stage k's start + its planned span (the last request's offset) + this + clock_skew_tolerance_ms, on every node's clock. Default request_timeout_seconds, which every request of stage k has ended by; lower it to what the stage's requests need. A node whose requests of stage k are still in flight at stage k+1's start lets them end, records the overrun, and the run is invalid. Not for EXO targets (a stage ends when the cluster has drained) nor load_from: primary.",
      type: 'number',
      exclusiveMinimum: 0,
      maximum: LIMITS.maxTimeoutSeconds,
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

/** Keys allowed in a stage's `search`, in schema order. */
export const SEARCH_KEYS: readonly string[] = Object.keys(searchSchema.properties ?? {});

/** The text of configs/schema.json: what editors read. */
export function renderSchemaJson(): string {
  return `${JSON.stringify(configSchema, null, 2)}\n`;
}
