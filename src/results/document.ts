/**
 * results.json: a versioned superset of the seed script's document (metadata, cluster, configuration,
 * results.stages[], metrics.snapshots[]): every key path of the seed's document is here, with the seed's
 * type, unit and computation (src/metrics/seed.ts, src/results/seed-document.ts); our own figures sit
 * beside them under their own names. Where a stage figure of ours had a seed name but not the seed's
 * computation, ours was renamed (SEED_NAMED_STATISTICS); `results.run` has no seed counterpart and keeps
 * our names. These interfaces are what the engine writes, and its JSON schema,
 * configs/results.schema.json, is generated from them (scripts/write-results-schema.mjs, run by
 * `npm run schema`): a field's JSDoc is its description in the schema, `@asType integer`, `@minimum` and
 * `@maximum` narrow a number, and a literal type becomes an enum. A test fails until the file is
 * rewritten after a change here; a change of shape also bumps RESULTS_SCHEMA_VERSION.
 */
import type { ErrorKind } from '../core/errors.js';
import type { Count } from '../metrics/stats.js';
import type { ArrivalProcess, BenchConfig, ChatEndpoint, StageConfig } from '../config/types.js';
import type { DownloadTime } from '../cluster/orchestrate.js';
import type { ClusterSnapshot } from '../cluster/snapshots.js';
import type { HistogramSummary, LoadStatistics, OutputLengthStatistics } from '../metrics/aggregate.js';
import type { InFlightSample } from '../load/stage.js';
import type { ScheduleFacts } from '../load/schedule.js';
import type { SearchResults } from '../load/search.js';
import type { SeedStageStatistics } from '../metrics/seed.js';
import type { SeedCluster, SeedMetadata } from './seed-document.js';
import type { ComparisonResult, ThresholdOutcome } from './outcomes.js';
import type { PromptLengthStatistics } from '../load/prompt-length.js';

/** Bumped on any change of shape; additions bump the minor part. */
export const RESULTS_SCHEMA_VERSION = '1.8.0';

/** `pass`: ran and met every criterion; `fail`: ran and missed one (no success, a threshold, a regression); `invalid`: the load generator fell
 * behind, so the numbers describe us, not the server; `error`: the run could not be carried out. */
export type Verdict = 'pass' | 'fail' | 'invalid' | 'error';

/** One node as the run saw it. */
export interface ClusterNodeFacts {
  /** EXO's node id. */
  node_id: string;
  /** Chip, as EXO reports it (empty when unknown). */
  chip: string;
  /** The node's name, as EXO reports it (empty when unknown). */
  friendly_name: string;
  /** Memory of the node, bytes; absent when EXO reported none. */
  ram_total_bytes?: number;
  /** Memory available when the cluster was read, bytes. */
  ram_available_bytes?: number;
}

/** One instance the run used. */
export interface ClusterInstanceFacts {
  /** EXO's instance id. */
  instance_id: string;
  /** The model it serves. */
  model_id: string;
  /** Instance kind, as EXO names it (e.g. MlxRingInstance). */
  kind: string;
  /** Sharding, as EXO names it (e.g. PipelineShardMetadata). */
  shard_kind: string;
  /** The nodes it spans. */
  node_ids: string[];
  /** Since 1.3: Pipeline or Tensor, as placed (one node is always Pipeline). */
  sharding?: string;
  /** Since 1.3: MlxRing or MlxJaccl, as placed (one node is always MlxRing). */
  instance_meta?: string;
}

/** Since 1.3: which node's `/state` the snapshots polled, and how often (exo-api.md §12.4). */
export interface StatePollingFacts {
  /** The polled node's id. */
  node_id: string;
  /** The polled node's API, without user info. */
  api_url: string;
  /** True when it is also the node the requests went to. */
  serves_load: boolean;
  /** Seconds between two polls. */
  interval_seconds: number;
  /**
   * /state requests the snapshots sent.
   * @asType integer
   * @minimum 0
   */
  requests: number;
}

/** One state reset. */
export interface StateResetFacts {
  /** When it was seen, ms on the run's clock. */
  at_ms: number;
  /**
   * lastEventAppliedIdx before.
   * @asType integer
   * @minimum 0
   */
  from_event_idx: number;
  /**
   * lastEventAppliedIdx after.
   * @asType integer
   * @minimum 0
   */
  to_event_idx: number;
}

/** Our statistics whose names the seed's document uses for figures computed its own way. */
export const SEED_NAMED_STATISTICS = [
  'total_requests',
  'successful_requests',
  'failed_requests',
  'success_rate',
  'total_tokens',
  'avg_tokens_per_request',
  'avg_time_per_request',
] as const;
export type SeedNamedStatistic = (typeof SEED_NAMED_STATISTICS)[number];

/**
 * Our stage statistics, in a stage of results.json (since 1.3): the seed's names hold the seed's figures
 * there, so our figures of those names are renamed, units in the names.
 */
export interface OwnStageStatistics extends Omit<LoadStatistics, SeedNamedStatistic> {
  /**
   * Since 1.3 (was total_requests in a stage): Requests counted (warmup excluded).
   * @asType integer
   * @minimum 0
   */
  counted_requests: number;
  /**
   * Since 1.3 (was successful_requests in a stage): Counted requests that succeeded (≥ 1 token, content or
   * reasoning, and a proper end, `data: [DONE]`).
   * @asType integer
   * @minimum 0
   */
  counted_successful_requests: number;
  /**
   * Since 1.3 (was failed_requests in a stage): Counted requests that failed.
   * @asType integer
   * @minimum 0
   */
  counted_failed_requests: number;
  /**
   * Since 1.3 (was success_rate in a stage); 0..1, not rounded.
   * @minimum 0
   * @maximum 1
   */
  counted_success_rate: number;
  /**
   * Since 1.3 (was total_tokens in a stage).
   * @asType integer
   * @minimum 0
   */
  output_tokens_total: number;
  /** Since 1.3 (was avg_tokens_per_request in a stage). */
  output_tokens_per_request: number;
  /** Since 1.3 (was avg_time_per_request in a stage). */
  e2e_mean_s: number;
}

/** Our statistics under their stage names in results.json (since 1.3). */
export function ownStageStatistics(stats: LoadStatistics): OwnStageStatistics {
  const {
    total_requests,
    successful_requests,
    failed_requests,
    success_rate,
    total_tokens,
    avg_tokens_per_request,
    avg_time_per_request,
    ...rest
  } = stats;
  return {
    ...rest,
    counted_requests: total_requests,
    counted_successful_requests: successful_requests,
    counted_failed_requests: failed_requests,
    counted_success_rate: success_rate,
    output_tokens_total: total_tokens,
    output_tokens_per_request: avg_tokens_per_request,
    e2e_mean_s: avg_time_per_request,
  };
}

/**
 * A stage's statistics under our names (what the summary, thresholds and tables read), whatever the seed
 * figures beside them say.
 */
export function stageStatistics(stage: OwnStageStatistics): LoadStatistics {
  const {
    counted_requests,
    counted_successful_requests,
    counted_failed_requests,
    counted_success_rate,
    output_tokens_total,
    output_tokens_per_request,
    e2e_mean_s,
    ...rest
  } = stage;
  // `rest` also holds the seed's figures when given a whole stage; ours below take their names.
  return {
    ...rest,
    total_requests: counted_requests,
    successful_requests: counted_successful_requests,
    failed_requests: counted_failed_requests,
    success_rate: counted_success_rate,
    total_tokens: output_tokens_total,
    avg_tokens_per_request: output_tokens_per_request,
    avg_time_per_request: e2e_mean_s,
  };
}

/**
 * A stage's results: its name and config, the seed script's statistics under its names, ours beside them, and
 * what is only known per stage.
 * @title stage results
 */
export interface StageResults extends OwnStageStatistics, SeedStageStatistics {
  /** The stage's name. */
  name: string;
  /** The stage's config as loaded. */
  config: StageConfig;
  /** The schedule's origin (the first request's scheduled time), ms on the run's monotonic clock. */
  started_at_ms: number;
  /** When the last request of the stage ended, ms on the run's monotonic clock. */
  ended_at_ms: number;
  /**
   * @asType integer
   * @minimum 0
   */
  peak_in_flight: number;
  /** Milliseconds, from a streaming histogram (percentiles within 1 %); null figures when count is 0. */
  itl_ms: HistogramSummary;
  /** True when the stage stopped early (cancellation). */
  interrupted: boolean;
  /** The in-flight series: how many requests were open at a time. */
  in_flight_samples: InFlightSample[];
  /**
   * Since 1.1: achieved against requested prompt length (successful non-warmup requests), and how prompts
   * were calibrated.
   */
  prompt_length: PromptLengthStatistics;
  /**
   * Since 1.1: achieved against requested output length (early stops, ignored max_tokens), successful
   * non-warmup requests.
   */
  output_length: OutputLengthStatistics;
  /**
   * Since 1.5, shared_prefix and trace stages only: the prefix-cache hit rate expected from the stage's
   * workload (an unbounded cache, each request cached before the next arrives; leading shared blocks already
   * seen count, at most prompt tokens − 1 per request) beside the one the server reports, over the measured
   * (non-warmup) requests. Servers cache in blocks (vLLM 16 tokens), so the reported figure rounds down to
   * them.
   */
  prefix_cache?: PrefixCacheComparison;
  /**
   * Since 1.5: the outcome of a capacity search stage: the highest passing load, the bracket [capacity_low,
   * capacity_high] that holds the true crossing, and every probe. Its probes are left out of the run-level
   * figures (results.run), like a warm-up stage: they are overloaded on purpose.
   */
  search?: SearchResults;
  /**
   * Since 1.5: the load shape the stage ran. Open loop: requests at times planned up front from the arrival
   * process (and ramp); closed loop: concurrency slots (no_overlap is concurrency 1). Fields that do not
   * apply to the loop are null.
   */
  load_shape: LoadShape;
  /**
   * Since 1.6: what the load generator's process cost the machine while the stage ran (its schedule and the
   * drain of its requests; a search stage: all its probes): CPU seconds, per 1,000 requests, share of a core.
   * In a merged document, the sending node's; absent when several nodes sent the stage.
   */
  client_cpu?: ClientCpuUsage;
}

/**
 * Since 1.6: the CPU time of the load generator's process (user + system, from process.cpuUsage()) over a
 * span of wall time: a stage, or the whole node run. On an EXO primary the load generator runs beside EXO,
 * so every CPU-second here is one the server did not get. process.cpuUsage() covers the whole process: with
 * `--simulate` (and the action's `simulate`) the simulated server runs in this same process and its work is
 * included (includes_simulated_server).
 */
export interface ClientCpuUsage {
  /**
   * CPU seconds (user + system) the process used over the span; includes the simulated server when
   * includes_simulated_server is true.
   * @minimum 0
   */
  client_cpu_seconds: number;
  /**
   * Wall-clock seconds of the span.
   * @minimum 0
   */
  wall_seconds: number;
  /**
   * Requests sent in the span (warm-up requests included: they cost the client the same).
   * @asType integer
   * @minimum 0
   */
  requests: number;
  /**
   * client_cpu_seconds per 1,000 requests sent in the span; null when none was sent. Includes the simulated
   * server when includes_simulated_server is true.
   * @minimum 0
   */
  client_cpu_seconds_per_1000_requests: number | null;
  /**
   * client_cpu_seconds ÷ wall_seconds: the share of one core the process used (0.25 = a quarter of one
   * core; above 1 when it used more than one core, at most `cores`); null when the span had no length.
   * Includes the simulated server when includes_simulated_server is true.
   * @minimum 0
   */
  client_cpu_share: number | null;
  /**
   * Cores available to the process (os.availableParallelism()): the bound of client_cpu_share.
   * @asType integer
   * @minimum 1
   */
  cores: number;
  /**
   * True when exo-bench's simulator served the load from this same process (`--simulate`, the action's
   * `simulate`): the CPU figures then include the simulated server, not only the load generator.
   */
  includes_simulated_server: boolean;
}

/** The capacity searches of a run, in stage order. */
export function runSearches(document: Pick<ResultsDocument, 'results'>): SearchResults[] {
  return document.results.stages.flatMap((stage) => (stage.search ? [stage.search] : []));
}

/**
 * Since 1.5: what a stage's prefix cache should serve, from its workload (shared_prefix groups, trace
 * hash_ids; an unbounded cache filled by each request before the next), beside what the server reports.
 * Measured requests only (warm-up requests fill the cache but are not counted).
 */
export interface PrefixCacheComparison {
  /** Where the sharing comes from: the shared_prefix groups, or the trace's hash_ids. */
  source: 'shared_prefix' | 'trace';
  /**
   * Σ prompt tokens a prefix cache could serve.
   * @asType integer
   * @minimum 0
   */
  expected_cached_tokens: number;
  /**
   * Σ prompt tokens requested.
   * @asType integer
   * @minimum 0
   */
  expected_prompt_tokens: number;
  /** expected_cached_tokens ÷ expected_prompt_tokens (0 when there are none). */
  expected_hit_rate: number;
  /**
   * Requests expected to hit the cache at all.
   * @asType integer
   * @minimum 0
   */
  expected_hit_requests: number;
  /** expected_hit_requests ÷ the measured requests (0 when there are none). */
  expected_request_hit_share: number;
  /**
   * The server's figure: the stage's cache_hit_rate; null when it reports neither cached_tokens nor
   * prefix_cache_hit.
   */
  reported_hit_rate: number | null;
  /** Which definition reported_hit_rate uses (the stage's cache_hit_source); null when it is null. */
  reported_source: 'cached_tokens' | 'prefix_cache_hit' | null;
  /**
   * The expectation in the definition of reported_hit_rate: expected_hit_rate for cached_tokens,
   * expected_request_hit_share for prefix_cache_hit; null when nothing is reported.
   */
  expected_for_reported: number | null;
}

/**
 * Since 1.5: what load a stage ran. Open loop: requests at times planned up front (arrival process,
 * ramp); closed loop: `concurrency` slots (no_overlap is concurrency 1). Fields that do not apply to the
 * stage's loop are null.
 */
export interface LoadShape {
  /** `open` (planned send times) or `closed` (concurrency slots). */
  loop: 'open' | 'closed';
  /** The shape in a few words, as in the summary: `poisson 10/s`, `concurrency 8`, `ramp 2→20/s`. */
  description: string;
  /** Open loop: the arrival process; null for a closed loop. */
  arrival: ArrivalProcess | 'trace' | null;
  /** Gamma's shape factor (coefficient of variation of the gaps 1/√b); null unless arrival is gamma. */
  burstiness: number | null;
  /**
   * The run's seed; the stage's random stream is derived from it and the stage's position.
   * @asType integer
   * @minimum 0
   */
  seed: number;
  /** Closed loop: slots kept busy (1 with no_overlap); null for an open loop. */
  concurrency: Count | null;
  /** Closed loop: pause after each completion before the slot sends again (ms); null for an open loop. */
  pause_ms: number | null;
  /** The ramp's end rate (requests/s); null without a ramp. */
  ramp_to_rate: number | null;
  /** Open loop: from the first to the last planned send (ms); null for a closed loop. */
  planned_duration_ms: number | null;
  /**
   * Open loop: (iterations − 1) ÷ planned duration (requests/s); null for a closed loop or a single request.
   */
  planned_rate_rps: number | null;
  /** (sent − 1) ÷ (last send − first send), from the dispatch times (requests/s); null below 2 sends. */
  achieved_rate_rps: number | null;
}

/**
 * Since 1.4: where a result came from, so a result read on its own says what produced it: the commit,
 * the run, the runner, the tool, the config (and its hash), and whether the server was the simulator.
 * The action fills it from the runner's GITHUB_* variables; the CLI from what it knows (git, host).
 */
export interface Provenance {
  /** Which shell ran the node. */
  source: 'github-actions' | 'cli';
  /** exo-bench's version. */
  tool_version: string;
  /** When this node started, ISO 8601 (UTC). */
  started_at: string;
  /** The config file, as given. */
  config_file: string;
  /** SHA-256 of the config file's bytes, hex. */
  config_sha256?: string;
  /** True when the server was exo-bench's simulator: the figures describe no hardware. */
  simulated: boolean;
  /** The simulator's profile: default, or the profile file's name. */
  simulator_profile?: string;
  /** owner/name of the repository the workflow ran in. */
  repository?: string;
  /** Full commit SHA: the workflow's GITHUB_SHA, or HEAD of the CLI's working directory. */
  commit?: string;
  /** The git ref (refs/heads/main, refs/pull/12/merge). */
  ref?: string;
  /** The event that started the workflow. */
  event?: string;
  /** GitHub's server, for links. */
  server_url?: string;
  /** The workflow run id. */
  run_id?: string;
  /**
   * The attempt of the workflow run (1-based).
   * @asType integer
   * @minimum 0
   */
  run_attempt?: number;
  /** The workflow run's page. */
  run_url?: string;
  /** The workflow's name. */
  workflow?: string;
  /** The job's id. */
  job?: string;
  /** The machine that ran this node (the runner's, or the CLI's host's). */
  runner?: {
    /** Runner name, or host name. */
    name?: string;
    /** Operating system. */
    os?: string;
    /** CPU architecture. */
    arch?: string;
  };
}

/** Since 1.5: one node of a merged run and what it contributed. */
export interface MergedNodeFacts {
  /** The node's key, <hardware_label>#<node_index>; with a record's stage and index, a request's identity. */
  node: string;
  /** Its hardware label (the matrix label). */
  hardware_label?: string;
  /**
   * Its index within the label (the matrix index).
   * @asType integer
   * @minimum 0
   */
  node_index?: number;
  /** True for the node that placed the instances and ran the stages as primary. */
  is_primary: boolean;
  /** EXO's node id of the node the job ran on, when it learnt one. */
  node_id?: string;
  /** Where its files came from: the folder given, or the artifact name. */
  source: string;
  /**
   * pass: ran and met every criterion. fail: ran and missed one (no success, a threshold, a regression).
   * invalid: the load generator fell behind, so the numbers describe it, not the server. error: the run could
   * not be carried out.
   */
  verdict: Verdict;
  /** The node's own validity status. */
  validity_status: 'valid' | 'invalid' | 'inconclusive';
  /** Why the node's run could not complete, when it could not. */
  error?: string;
  /**
   * Records in the node's requests.jsonl (every stage, warm-up included).
   * @asType integer
   * @minimum 0
   */
  fired_requests: number;
  /**
   * The node's counted requests of the run stages (warm-up excluded).
   * @asType integer
   * @minimum 0
   */
  requests: number;
  /**
   * Of those, the successful ones.
   * @asType integer
   * @minimum 0
   */
  successful_requests: number;
  /**
   * Of those, the failed ones.
   * @asType integer
   * @minimum 0
   */
  failed_requests: number;
  /**
   * TTFT p50 of the node's successful counted requests, ms, exact from its records; null without a sample.
   */
  ttft_p50_ms: number | null;
  /** TTFT p95, likewise. */
  ttft_p95_ms: number | null;
  /**
   * The node's memory, from the cluster facts of the merged documents.
   * @asType integer
   * @minimum 0
   */
  ram_total_bytes?: number;
  /**
   * Available memory, likewise.
   * @asType integer
   * @minimum 0
   */
  ram_available_bytes?: number;
  /**
   * Most memory in use on the node in any cluster snapshot of the run, bytes.
   * @asType integer
   * @minimum 0
   */
  ram_used_peak_bytes?: number;
  /** The machine the job ran on (the runner's name, or the CLI's host's). */
  runner?: string;
}

/** Since 1.5: how a merged document was put together (present only in a merged document). */
export interface MergeFacts {
  /** The nodes merged, in matrix order (primary first). */
  nodes: MergedNodeFacts[];
  /** Matrix entries (label#index) with no results to merge. */
  missing_nodes: string[];
  /**
   * Merge-level problems (a missing node, a node whose run failed, records that disagree with a node's
   * results.json); each makes the verdict error.
   */
  problems: string[];
  /**
   * Records in the merged requests.jsonl: every request of every node, each exactly once.
   * @asType integer
   * @minimum 0
   */
  requests: number;
  /**
   * Since 1.6: with `load_from: all_nodes`, the nodes' shared schedule as the merge judged it. Absent when
   * no node shared the load.
   */
  schedule?: MergedScheduleFacts;
}

/** Since 1.6: the shared schedule of a merged `load_from: all_nodes` run. */
export interface MergedScheduleFacts {
  /** The skew between the nodes' clocks the run tolerates (the config's clock_skew_tolerance_ms), ms. */
  skew_tolerance_ms: number;
  /**
   * The measured spread of the nodes' clock offsets (largest − smallest), ms; null when a node's offset
   * was not measured (the tolerance is then assumed, and validity.notes says so).
   */
  skew_ms: number | null;
  /** Each node's clock offset (ms, or null when not measured), by node key (label#index). */
  clock_offsets_ms: Record<string, number | null>;
}

/** Why a run is (in)valid. */
export interface Validity {
  /** False when the load generator fell behind; reasons say how. */
  valid: boolean;
  /**
   * Since 1.4: valid, invalid, or inconclusive when no stage had enough dispatch-lag samples to judge its p99
   * (the run is not failed for it; notes say why).
   */
  status?: 'valid' | 'invalid' | 'inconclusive';
  /** Each bound the run exceeded, in words; empty when valid. */
  reasons: string[];
  /** Since 1.4: what the gate could not judge and why (too few dispatch-lag samples in a stage). */
  notes?: string[];
  /** The worst stage's dispatch lag p99 (ms); null when no stage sent a request. */
  dispatch_lag_p99_ms: number | null;
  /** The config's max_dispatch_lag_p99_ms (ms). */
  max_dispatch_lag_p99_ms: number;
  /**
   * The load generator's event-loop delay p99 during the stages (ms), sampled by a timer every 20 ms
   * (how late each tick ran, to within a millisecond); null when it was not measured.
   */
  event_loop_delay_p99_ms: number | null;
  /** The bound of the event-loop delay p99: 4 × max_dispatch_lag_p99_ms (ms). */
  max_event_loop_delay_p99_ms: number;
}

/**
 * results.json, written by every node into its output folder: a versioned superset of the seed script's
 * document (metadata, cluster, configuration, results.stages[], metrics.snapshots[]). Beside it,
 * requests.jsonl holds one line per request.
 * @title exo-bench results
 */
export interface ResultsDocument {
  /**
   * Version of this document's shape (semver): bumped on any change of shape, additions bump the minor
   * part. (The generated schema adds which version it describes, and the pattern of its major version.)
   */
  schema_version: string;
  /** The program that wrote the document. */
  tool: {
    /** Always exo-bench. */
    name: 'exo-bench';
    /** Its version. */
    version: string;
  };
  /** Where, when and against what this node ran. */
  metadata: {
    /** When the node started, ISO 8601 (UTC). */
    started_at: string;
    /** When the node wrote this document, ISO 8601 (UTC). */
    ended_at: string;
    /** The config file, as given by the user. */
    config_file: string;
    /** The API this node used (EXO, or the OpenAI-compatible server), without user info. */
    api_url: string;
    /**
     * True on the node that ran the load; secondaries only wait for the primary. True in a merged document
     * (it carries the run-level figures).
     */
    is_primary: boolean;
    /** EXO's id of this node, once its API answered (EXO targets only). */
    node_id?: string;
    /** Identifies the run in nonces and metadata. */
    run_id: string;
    /** This node's runner label from hardware_plan. */
    hardware_label?: string;
    /**
     * This node's index among the nodes with its label (0-based).
     * @asType integer
     * @minimum 0
     */
    node_index?: number;
    /**
     * The chat endpoint of the load: chat = /v1/chat/completions; bench = EXO's /bench/chat/completions (EOS
     * banned).
     */
    endpoint: ChatEndpoint;
    /**
     * Since 1.1: what the load was aimed at (never the API key; URL without user info). Absent when the run
     * failed before the target was resolved.
     */
    target?: {
      /** exo: an EXO cluster. openai: an OpenAI-compatible server. */
      kind: 'exo' | 'openai';
      /** The server root the requests went to, without user info. */
      base_url: string;
      /** The models the requests named, in rotation order. */
      models: string[];
    };
  } & SeedMetadata;
  /** The EXO cluster as the run saw it; empty lists for an openai target. */
  cluster: {
    /**
     * Nodes the topology had to show (the hardware_plan total unless overridden).
     * @asType integer
     * @minimum 0
     */
    expected_nodes: number;
    /** The nodes of the topology. */
    nodes: ClusterNodeFacts[];
    /** The instances the run used. */
    instances: ClusterInstanceFacts[];
    /**
     * Since 1.3: models that had to be downloaded before loading (absent from models-dir), apart from every
     * stage.
     */
    downloads?: DownloadTime[];
    /** Since 1.3: which node's /state the snapshots polled, and how often (each poll costs that node CPU). */
    state_polling?: StatePollingFacts;
    /**
     * Since 1.3: falls of EXO's event counter (a new master started from an empty state); absent when none.
     */
    state_resets?: StateResetFacts[];
  } & SeedCluster;
  configuration: BenchConfig;
  /** The statistics, per stage and for the whole run. */
  results: {
    /** One entry per stage that ran, in config order (none on a secondary). */
    stages: StageResults[];
    /**
     * The statistics of every request of the run (all stages together, warm-up stages left out); null on a
     * secondary or when no request was sent.
     */
    run: LoadStatistics | null;
    /**
     * Since 1.4: the stages `run`, the run-level outputs and the run thresholds cover, in config order
     * (stages with `warmup: true` are left out).
     */
    run_stages?: string[];
  };
  /** Series recorded during the load. */
  metrics: {
    /**
     * Periodic snapshots of the EXO cluster while the stages ran (empty for an openai target); thinned to at
     * most 1,000 on long runs.
     */
    snapshots: ClusterSnapshot[];
  };
  /**
   * Why the run is (in)valid: the load generator must keep to its schedule, or the numbers describe it, not
   * the server.
   */
  validity: Validity;
  /**
   * Since 1.6: the load generator's CPU over the whole node run, from its start to this document (target
   * and cluster waits, every stage and drain), against every request the node sent; each stage's own figure
   * is its client_cpu. Absent in a merged document (each node's is in its own results.json).
   */
  client_cpu?: ClientCpuUsage;
  /**
   * pass: ran and met every criterion. fail: ran and missed one (no success, a threshold, a regression).
   * invalid: the load generator fell behind, so the numbers describe it, not the server. error: the run could
   * not be carried out.
   */
  verdict: Verdict;
  /** Why the run could not complete, when it could not; null otherwise. */
  error: {
    /** The family of the failure (the shells map it to exit codes). */
    kind: ErrorKind;
    /** What went wrong. */
    message: string;
    /** What the user can do about it. */
    hint?: string;
  } | null;
  /**
   * Since 1.1: each threshold of the config with its observed value and result, run thresholds first (primary
   * only).
   */
  thresholds?: ThresholdOutcome[];
  /** Since 1.1: the comparison with a baseline run; null when no baseline was asked for. */
  comparison?: ComparisonResult | null;
  /**
   * Since 1.4: where the result came from (commit, run, runner, tool, config), and whether the server was the
   * simulator.
   */
  provenance?: Provenance;
  /**
   * Since 1.5: present only in a merged document (exo-bench merge, the action's mode: merge): how the nodes'
   * results were put together. The statistics of a merged document are recomputed from the union of the
   * nodes' requests.jsonl records (each request once, identified by node + stage + index), never averaged
   * from the nodes' percentiles.
   */
  merge?: MergeFacts;
  /**
   * Since 1.6: with `load_from: all_nodes`, how this node took part in the shared schedule: its position
   * and share (requests i with i mod nodes = node), the start of each stage it read from the primary, how
   * late it began each, its clock offset and the skew tolerance. Absent with `load_from: primary`.
   */
  schedule?: ScheduleFacts;
}
