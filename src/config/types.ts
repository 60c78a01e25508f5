import type { ConfigProblem } from '../errors.js';

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
  /** Closed loop: keep this many requests in flight until `iterations` have been sent. */
  concurrency?: number;
  /** Requests per second the rate reaches, linearly from 1/time_between_requests, at the last request. */
  ramp_to_rate?: number;
  /** The first N requests of the stage are excluded from its statistics (still fired and recorded). */
  warmup_requests: number;
  /** The whole stage is a warm-up: shown, but left out of the run-level figures, thresholds and gates. */
  warmup: boolean;
  /** Gates on this stage's statistics, as written (`ttft_p95_ms <= 800`); absent when none. */
  thresholds?: string[];
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
  /** Gates on the whole run's statistics, as written (`success_rate >= 0.99`); absent when none. */
  thresholds?: string[];
  /** Metric → tolerance (`"10%"`) for the baseline comparison; absent = the default set (src/verdict/regression.ts). */
  regression?: Record<string, string>;
}

/** A config together with where it came from and what the loader warned about. */
export interface LoadedConfig {
  config: BenchConfig;
  /** Path as given by the user (used in messages and annotations). */
  file: string;
  /** Non-fatal findings, e.g. the deprecated `MlxIbv` alias. Same shape as errors. */
  warnings: ConfigProblem[];
}
