/**
 * results.json: a versioned superset of the seed script's document (metadata, cluster, configuration,
 * results.stages[], metrics.snapshots[]): every key path of the seed's document is here, with the seed's
 * type, unit and computation (src/metrics/seed.ts, src/results/seed-document.ts); our own figures sit
 * beside them under their own names. Where a stage figure of ours had a seed name but not the seed's
 * computation, ours was renamed (SEED_NAMED_STATISTICS); `results.run` has no seed counterpart and keeps
 * our names. These interfaces are what the engine writes; its JSON schema,
 * src/report/results-schema.ts, ships as configs/results.schema.json. The schema's property maps are
 * typed against these interfaces, so renaming, adding or dropping a field here fails to compile until
 * the schema follows (then `npm run schema` rewrites the file); a change of shape also bumps
 * RESULTS_SCHEMA_VERSION.
 */
import type { ArrivalProcess, BenchConfig, StageConfig } from '../config/types.js';
import type { DownloadTime } from '../cluster/orchestrate.js';
import type { ClusterSnapshot } from '../cluster/snapshots.js';
import type { HistogramSummary, LoadStatistics, OutputLengthStatistics } from '../metrics/aggregate.js';
import type { InFlightSample } from '../load/stage.js';
import type { SearchResults } from '../load/search.js';
import type { SeedStageStatistics } from '../metrics/seed.js';
import type { SeedCluster, SeedMetadata } from './seed-document.js';
import type { ComparisonResult, ThresholdOutcome } from './outcomes.js';
import type { PromptLengthStatistics } from '../load/prompt-length.js';

/** Bumped on any change of shape; additions bump the minor part. */
export const RESULTS_SCHEMA_VERSION = '1.5.0';

/** `pass`: ran and met every criterion; `fail`: ran and missed one (no success, a threshold, a regression); `invalid`: the load generator fell
 * behind, so the numbers describe us, not the server; `error`: the run could not be carried out. */
export type Verdict = 'pass' | 'fail' | 'invalid' | 'error';

/** One node as the run saw it. */
export interface ClusterNodeFacts {
  node_id: string;
  chip: string;
  friendly_name: string;
  ram_total_bytes?: number;
  ram_available_bytes?: number;
}

/** One instance the run used. */
export interface ClusterInstanceFacts {
  instance_id: string;
  model_id: string;
  kind: string;
  shard_kind: string;
  node_ids: string[];
  /** Since 1.3: the sharding and instance kind as placed (one node is always Pipeline + MlxRing). */
  sharding?: string;
  instance_meta?: string;
}

/** Since 1.3: which node's `/state` the snapshots polled, and how often (exo-api.md §12.4). */
export interface StatePollingFacts {
  node_id: string;
  /** That node's API, without user info. */
  api_url: string;
  /** True when it is the node the load's requests went to (no other node could be reached). */
  serves_load: boolean;
  interval_seconds: number;
  /** `/state` requests sent by the snapshots. */
  requests: number;
}

/** Since 1.3: a fall of EXO's event counter: a new master started from an empty state (§12.2). */
export interface StateResetFacts {
  at_ms: number;
  from_event_idx: number;
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
  /** Our `total_requests`: requests of the stage, warmup excluded. */
  counted_requests: number;
  /** Our `successful_requests`: ≥ 1 token (content or reasoning) and `[DONE]`, warmup excluded. */
  counted_successful_requests: number;
  counted_failed_requests: number;
  /** counted_successful_requests ÷ counted_requests, 0..1, not rounded. */
  counted_success_rate: number;
  /** Σ output tokens of successful requests (server usage, else generation_stats, else chunks). */
  output_tokens_total: number;
  /** output_tokens_total ÷ counted_successful_requests. */
  output_tokens_per_request: number;
  /** Mean E2E (send → end) of successful requests, seconds. */
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
 * A stage's results: its config, the seed's statistics under the seed's names, our statistics beside
 * them, and what is only known per stage.
 */
export interface StageResults extends OwnStageStatistics, SeedStageStatistics {
  name: string;
  config: StageConfig;
  started_at_ms: number;
  ended_at_ms: number;
  peak_in_flight: number;
  /** Inter-token (chunk) gaps, from a streaming histogram. */
  itl_ms: HistogramSummary;
  interrupted: boolean;
  in_flight_samples: InFlightSample[];
  /** Since 1.1: achieved against requested prompt length, and how prompts were calibrated. */
  prompt_length: PromptLengthStatistics;
  /** Since 1.1: achieved against requested output length (early stops, ignored max_tokens). */
  output_length: OutputLengthStatistics;
  /** Since 1.5: a shared_prefix or trace stage's expected prefix-cache hit rate beside the server's. */
  prefix_cache?: PrefixCacheComparison;
  /**
   * Since 1.5: a capacity search stage's outcome (src/load/search.ts): the capacity, its bracket and
   * every probe. The stage's statistics above cover all its probes together.
   */
  search?: SearchResults;
  /** Since 1.5: the load shape that ran (arrivals, concurrency, ramp), planned and achieved. */
  load_shape: LoadShape;
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
  /** Where the sharing comes from. */
  source: 'shared_prefix' | 'trace';
  /** Σ prompt tokens a prefix cache could serve. */
  expected_cached_tokens: number;
  /** Σ prompt tokens requested. */
  expected_prompt_tokens: number;
  /** expected_cached_tokens ÷ expected_prompt_tokens. */
  expected_hit_rate: number;
  /** Requests expected to hit the cache at all. */
  expected_hit_requests: number;
  /** expected_hit_requests ÷ the stage's measured requests. */
  expected_request_hit_share: number;
  /** The server's figure: the stage's cache_hit_rate (null when it reports neither cached_tokens nor prefix_cache_hit). */
  reported_hit_rate: number | null;
  /** Which definition reported_hit_rate uses (the stage's cache_hit_source). */
  reported_source: 'cached_tokens' | 'prefix_cache_hit' | null;
  /** The expectation in reported_hit_rate's definition: expected_hit_rate or expected_request_hit_share; null with no report. */
  expected_for_reported: number | null;
}

/**
 * Since 1.5: what load a stage ran. Open loop: requests at times planned up front (arrival process,
 * ramp); closed loop: `concurrency` slots (no_overlap is concurrency 1). Fields that do not apply to the
 * stage's loop are null.
 */
export interface LoadShape {
  loop: 'open' | 'closed';
  /** In a few words, as in the summary: `poisson 10/s`, `concurrency 8`, `ramp 2→20/s`. */
  description: string;
  /** Open loop: the arrival process (`trace`: a trace's timestamps); null for a closed loop. */
  arrival: ArrivalProcess | 'trace' | null;
  /** Gamma's shape factor; null unless arrival is gamma. */
  burstiness: number | null;
  /** The run's seed the stage's random stream was derived from (with the stage's position). */
  seed: number;
  /** Closed loop: slots kept busy (1 with no_overlap); null for an open loop. */
  concurrency: number | null;
  /** Closed loop: pause after each completion before the slot sends again (ms); null for an open loop. */
  pause_ms: number | null;
  /** The ramp's end rate (requests/s); null without a ramp. */
  ramp_to_rate: number | null;
  /** Open loop: first to last planned send (ms); null for a closed loop. */
  planned_duration_ms: number | null;
  /** Open loop: (iterations − 1) ÷ planned_duration; null for a closed loop or a single request. */
  planned_rate_rps: number | null;
  /** (sent − 1) ÷ (last send − first send), from the records' dispatch times; null below 2 sends. */
  achieved_rate_rps: number | null;
}

/**
 * Since 1.4: where a result came from, so a result read on its own says what produced it: the commit,
 * the run, the runner, the tool, the config (and its hash), and whether the server was the simulator.
 * The action fills it from the runner's GITHUB_* variables; the CLI from what it knows (git, host).
 */
export interface Provenance {
  /** `github-actions` (the action) or `cli` (the command line). */
  source: 'github-actions' | 'cli';
  /** exo-bench's version. */
  tool_version: string;
  /** When this node started, ISO 8601 (UTC). */
  started_at: string;
  /** The config file, as given. */
  config_file: string;
  /** SHA-256 of the config file's bytes (hex); absent when it could not be read. */
  config_sha256?: string;
  /** True when the server was exo-bench's own simulator: the figures describe no hardware. */
  simulated: boolean;
  /** The simulator's profile (`default`, or the profile file's name); only when simulated. */
  simulator_profile?: string;
  /** `owner/name` of the repository the workflow ran in. */
  repository?: string;
  /** Full commit SHA (the workflow's GITHUB_SHA, or the CLI's working directory's HEAD). */
  commit?: string;
  /** The git ref (`refs/heads/main`, `refs/pull/12/merge`). */
  ref?: string;
  /** The event that started the workflow (`push`, `pull_request`, `workflow_dispatch`). */
  event?: string;
  /** GitHub's server (`https://github.com`), for links. */
  server_url?: string;
  run_id?: string;
  run_attempt?: number;
  /** The workflow run's page. */
  run_url?: string;
  workflow?: string;
  job?: string;
  /** The machine that ran this node: the runner's name, OS and architecture (or the CLI's host's). */
  runner?: { name?: string; os?: string; arch?: string };
}

/**
 * Since 1.5: one node of a merged run (`exo-bench merge`, the action's `mode: merge`) and what it
 * contributed. Counts and TTFT percentiles are exact, from the node's own records (run stages only,
 * warm-up excluded), never read back from its results.json.
 */
export interface MergedNodeFacts {
  /** The node's key, `<hardware_label>#<node_index>`: with stage and index, a request's identity. */
  node: string;
  hardware_label?: string;
  node_index?: number;
  /** True for the node that placed the instances and ran the stages as primary. */
  is_primary: boolean;
  /** EXO's node id of the node the job ran on, when it learnt one. */
  node_id?: string;
  /** Where its files came from: the folder given, or the artifact's name. */
  source: string;
  /** The node's own verdict and validity status, as its results.json said. */
  verdict: Verdict;
  validity_status: 'valid' | 'invalid' | 'inconclusive';
  /** Why the node's run could not complete, when it could not. */
  error?: string;
  /** Records the node's requests.jsonl holds (every stage, warm-up included). */
  fired_requests: number;
  /** Counted requests of the run stages (warm-up excluded), their successes and failures. */
  requests: number;
  successful_requests: number;
  failed_requests: number;
  /** TTFT percentiles of the node's successful counted requests, ms; null without a sample. */
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  /** The node's memory, from the cluster facts (`cluster.nodes`) of the merged documents. */
  ram_total_bytes?: number;
  ram_available_bytes?: number;
  /** Most memory in use on the node in any cluster snapshot of the run, bytes. */
  ram_used_peak_bytes?: number;
  /** The machine the job ran on (the runner's name, or the CLI's host's). */
  runner?: string;
}

/** Since 1.5: how a merged document was put together (present only in a merged document). */
export interface MergeFacts {
  /** The nodes merged, in matrix order (primary first). */
  nodes: MergedNodeFacts[];
  /** Matrix entries (`label#index`) with no results to merge. */
  missing_nodes: string[];
  /** Merge-level problems (a missing node, a node whose run failed); each makes the verdict `error`. */
  problems: string[];
  /** Records in the merged requests.jsonl: every request of every node, each exactly once. */
  requests: number;
}

/** Why a run is (in)valid. */
export interface Validity {
  valid: boolean;
  /**
   * Since 1.4: `inconclusive` when no stage had enough dispatch-lag samples to judge a p99 (and nothing
   * else was wrong): the lag is reported, the run is not failed for it.
   */
  status?: 'valid' | 'invalid' | 'inconclusive';
  reasons: string[];
  /** Since 1.4: why the gate could not judge (too few samples), stage by stage. */
  notes?: string[];
  dispatch_lag_p99_ms: number | null;
  max_dispatch_lag_p99_ms: number;
  event_loop_delay_p99_ms: number | null;
  max_event_loop_delay_p99_ms: number;
}

/** The whole document. */
export interface ResultsDocument {
  schema_version: string;
  tool: { name: 'exo-bench'; version: string };
  metadata: {
    started_at: string;
    ended_at: string;
    config_file: string;
    api_url: string;
    is_primary: boolean;
    node_id?: string;
    run_id: string;
    hardware_label?: string;
    node_index?: number;
    endpoint: string;
    /** Since 1.1: what the load was aimed at (never the API key; URL without user info). */
    target?: { kind: 'exo' | 'openai'; base_url: string; models: string[] };
  } & SeedMetadata;
  cluster: {
    expected_nodes: number;
    nodes: ClusterNodeFacts[];
    instances: ClusterInstanceFacts[];
    /** Since 1.3: models that had to be downloaded before loading, and how long it took (not part of any stage). */
    downloads?: DownloadTime[];
    /** Since 1.3: see StatePollingFacts (primary, EXO target). */
    state_polling?: StatePollingFacts;
    /** Since 1.3: state resets seen during the run; absent when none. */
    state_resets?: StateResetFacts[];
  } & SeedCluster;
  configuration: BenchConfig;
  results: {
    stages: StageResults[];
    run: LoadStatistics | null;
    /** Since 1.4: the stages `run` (and the run-level outputs and thresholds) cover: warm-up stages are left out. */
    run_stages?: string[];
  };
  metrics: { snapshots: ClusterSnapshot[] };
  validity: Validity;
  verdict: Verdict;
  /** Why the run could not complete, when it could not. */
  error: { kind: string; message: string; hint?: string } | null;
  /** Since 1.1: each threshold of the config with its observed value and result (primary only). */
  thresholds?: ThresholdOutcome[];
  /** Since 1.1: the comparison with a baseline run; null when no baseline was asked for. */
  comparison?: ComparisonResult | null;
  /** Since 1.4: see Provenance. */
  provenance?: Provenance;
  /** Since 1.5: present in a merged document only; see MergeFacts. */
  merge?: MergeFacts;
}
