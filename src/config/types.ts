import type { ConfigProblem } from '../core/errors.js';
import type { Trace } from './trace.js';

/**
 * The benchmark config after loading, validation and defaults. Field names follow the seed's YAML
 * (snake_case) so that a config reads the same in the file, in results.json and in the code.
 * The JSON schema in src/config/schema.ts is the one source of truth for what the file may contain;
 * these types mirror it.
 */

/** EXO sharding strategies. */
export type Sharding = 'Pipeline' | 'Tensor';

/** EXO instance kinds (`MlxIbv` in a file is accepted as an alias of `MlxJaccl`). */
export type InstanceMeta = 'MlxRing' | 'MlxJaccl';

/** Which chat endpoint the load uses. `bench` = EXO's `/bench/chat/completions` (EOS banned). */
export type ChatEndpoint = 'chat' | 'bench';

/** How an openai target is made to generate exactly `generation_length` tokens (if at all). */
export type ForceOutputLength = 'none' | 'ignore_eos' | 'min_tokens';

/**
 * What the load is aimed at. `exo`: a cluster brought up from `hardware_plan` and `model_ids`.
 * `openai`: an already running OpenAI-compatible server; the API key itself never enters the config.
 */
export type TargetConfig =
  | { kind: 'exo' }
  | {
      kind: 'openai';
      /** Server root, http or https; `--api-url` / `api-url` override it. */
      base_url: string;
      /** The model every request names. */
      model: string;
      /** Name of the environment variable that holds the API key. */
      api_key_env?: string;
      force_output_length: ForceOutputLength;
    };

/** How an open-loop stage spreads its arrivals (src/load/arrivals.ts). */
export type ArrivalProcess = 'constant' | 'poisson' | 'gamma';

/**
 * One stage of load: `iterations` requests, the i-th fired at `start + i × time_between_requests` by
 * default; `arrival`, `ramp_to_rate` and `concurrency` change the shape (src/load/arrivals.ts).
 */
export interface StageConfig {
  name: string;
  /** Target prompt length in tokens. */
  prompt_length: number;
  /** `max_tokens` of every request. */
  generation_length: number;
  /**
   * Seconds between consecutive sends (open loop; the mean gap for random arrivals, the starting gap of
   * a ramp). With `no_overlap` or `concurrency`, the pause after each completion (0 when a concurrency
   * stage leaves it out).
   */
  time_between_requests: number;
  iterations: number;
  /** Run requests one at a time (inherits the top-level value). */
  no_overlap: boolean;
  /** Open-loop arrival process; absent = `constant` (the loader always writes it). */
  arrival?: ArrivalProcess;
  /** Gamma shape factor (1 = Poisson, lower = burstier); present only with `arrival: gamma`. */
  burstiness?: number;
  /**
   * Closed loop: keep exactly N requests in flight until `iterations` have been sent (absent: open loop).
   * A capacity search's concurrency probes set it.
   */
  concurrency?: number;
  /** Requests per second the rate reaches, linearly from 1/time_between_requests, at the last request. */
  ramp_to_rate?: number;
  /** The first N requests of the stage are excluded from its statistics (still fired and recorded). */
  warmup_requests: number;
  /** The whole stage is a warm-up: shown, but left out of the run-level figures, thresholds and gates. */
  warmup: boolean;
  /** Gates on this stage's statistics, as written (`ttft_p95_ms <= 800`); absent when none. */
  thresholds?: string[];
  /**
   * A trace to replay, as written (relative to the config file). In a trace stage `iterations` is the
   * number of requests replayed, and prompt_length, generation_length and time_between_requests are
   * derived from them (rounded means; the mean gap, scaled): every request has its own lengths and time.
   */
  trace?: string;
  /** Time scale of the replay (2 = twice as fast); set (default 1) in trace stages only. */
  trace_speed?: number;
  /** Tokens of one `hash_ids` block; set (default 512) in trace stages only. */
  trace_block_tokens?: number;
  /** Every prompt opens with one of `groups` shared prefixes of `tokens` prompt tokens. */
  shared_prefix?: SharedPrefixConfig;
  /**
   * A capacity search stage (absent for an ordinary stage): the stage runs probes at several loads
   * instead of one schedule. Its `iterations` is then the most requests the search may send
   * (`max_probes × probe_requests`) and `time_between_requests` is 0: each probe sets its own.
   */
  search?: SearchConfig;
}

/** `shared_prefix:` of a stage. */
export interface SharedPrefixConfig {
  /** Prompt tokens of each prefix, chat template included. */
  tokens: number;
  /** Distinct prefixes; request i uses prefix i mod groups. */
  groups: number;
}

export type { SearchMode } from '../metrics/capacity.js';

/** The loads a search may probe, both ends included. */
export interface SearchRange {
  min: number;
  max: number;
}

/** A capacity search, every default applied. */
export interface SearchConfig {
  /** The metric judged on each probe (a latency percentile, `success_rate`, …): src/load/search.ts. */
  metric: string;
  /** A probe passes when the metric is ≤ max (metrics where smaller is better)… */
  max?: number;
  /** …or ≥ min (metrics where bigger is better). Exactly one of the two is set. */
  min?: number;
  /** Search the open-loop request rate, requests per second… */
  rate?: SearchRange;
  /** …or the closed-loop concurrency, requests in flight (integers). Exactly one of the two is set. */
  concurrency?: SearchRange;
  /** Requests per probe. */
  probe_requests: number;
  /** The search stops once (first fail − last pass) ÷ last pass ≤ tolerance. */
  tolerance: number;
  /** Most probes the search may run. */
  max_probes: number;
  /** A probe whose failed requests exceed this share of its requests fails whatever its metric. */
  max_failure_rate: number;
}

/** A loaded, validated config with every default applied. */
export interface BenchConfig {
  /** Runner label → number of nodes with that label; config order is kept. Empty for an openai target without one. */
  hardware_plan: Record<string, number>;
  /** Variables set on every node, already converted to strings. */
  environment: Record<string, string>;
  /** Deadline for nodes, placement and runner readiness (seconds). */
  timeout_seconds: number;
  /** One instance per entry; repeats mean several instances of one model. An openai target: `[target.model]`. */
  model_ids: string[];
  stages: StageConfig[];
  /** Seeds the random arrivals (each stage draws from its own stream of it); default 0. */
  seed: number;
  sharding: Sharding;
  instance_meta: InstanceMeta;
  no_overlap: boolean;
  endpoint: ChatEndpoint;
  /** Each prompt starts with a unique nonce so no two requests share a prefix. */
  unique_prompts: boolean;
  /** What the load is aimed at (default `{kind: 'exo'}`). */
  target: TargetConfig;
  /** Probe the server before each stage so prompts measure exactly `prompt_length` tokens. */
  calibrate_prompts: boolean;
  /** Deadline of one request from its send to its end (seconds). */
  request_timeout_seconds: number;
  /** A stream that sends no byte (not even a keep-alive) for this long fails (seconds). */
  stream_idle_timeout_seconds: number;
  /** A run whose dispatch lag p99 exceeds this is flagged invalid (milliseconds). */
  max_dispatch_lag_p99_ms: number;
  /** Period of cluster state snapshots during the load (seconds). */
  snapshot_interval_seconds: number;
  /**
   * `all_nodes`: every node sends its share of each stage (request i from node i mod N) on one shared
   * schedule (src/load/schedule.ts); on an EXO target a closed loop or capacity search stage is the
   * primary's alone (isPrimaryOnlyStage). Absent = `primary`, the seed's behaviour (only the primary sends).
   */
  load_from?: 'all_nodes';
  /** With `load_from: all_nodes`: the clock skew between runners the schedule tolerates, ms (default 20). */
  clock_skew_tolerance_ms?: number;
  /**
   * With `load_from: all_nodes` and an openai target only: how long after the plan job the first stage
   * starts, seconds (default 120). The plan writes the start into every matrix entry (`start_at_ms`).
   */
  all_nodes_start_delay_seconds?: number;
  /**
   * With `load_from: all_nodes` and an openai target only: the drain bound between stages, seconds
   * (default request_timeout_seconds): stage k+1 starts at start_k + planned span_k + this + the skew
   * tolerance (src/load/schedule.ts, plannedStageStarts).
   */
  all_nodes_drain_seconds?: number;
  /** Gates on the whole run's statistics, as written (`success_rate >= 0.99`); absent when none. */
  thresholds?: string[];
  /** Metric → tolerance (`"10%"`) for the baseline comparison; absent = the default set (src/config/regression.ts). */
  regression?: Record<string, string>;
}

/** A config together with where it came from and what the loader warned about. */
export interface LoadedConfig {
  config: BenchConfig;
  /** Path as given by the user (used in messages and annotations). */
  file: string;
  /** Non-fatal findings, e.g. the deprecated `MlxIbv` alias. Same shape as errors. */
  warnings: ConfigProblem[];
  /** The parsed trace of each trace stage, by stage name (kept out of the config: results.json holds the config). */
  traces?: ReadonlyMap<string, Trace>;
}
