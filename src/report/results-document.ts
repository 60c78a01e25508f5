/**
 * The results document of a node's run (results.json), put together from what the phases of runNode
 * (src/run/benchmark.ts) learnt: the run's identity, the cluster, each stage's statistics, validity and the
 * error if any. The gates and the verdict are added afterwards (src/verdict/).
 */
import type { ClusterPhaseState } from '../cluster/phase.js';
import type { ClusterSnapshot } from '../cluster/snapshots.js';
import type { ClusterView, InstanceView } from '../cluster/state.js';
import type { LoadedConfig } from '../config/types.js';
import type { StageCalibration } from '../load/calibrate.js';
import { DEFAULT_BURSTINESS, describeShape } from '../load/arrivals.js';
import type { StageRun } from '../load/stage.js';
import type { ScheduleFacts } from '../load/schedule.js';
import type { ExpectedCache } from '../load/workload.js';
import {
  computeStatistics,
  histogramSummary,
  outputLengthStatistics,
  type LoadStatistics,
} from '../metrics/aggregate.js';
import type { Histogram } from '../metrics/histogram.js';
import { computeSeedStageStatistics } from '../metrics/seed.js';
import type { ResolvedTarget } from '../target/index.js';
import { withoutUserInfo } from '../util/redact.js';
import { VERSION } from '../core/version.js';
import {
  RESULTS_SCHEMA_VERSION,
  ownStageStatistics,
  type ClusterInstanceFacts,
  type ClusterNodeFacts,
  type PrefixCacheComparison,
  type Provenance,
  type ResultsDocument,
  type LoadShape,
  type StageResults,
  type StatePollingFacts,
  type StateResetFacts,
  type Validity,
} from '../results/document.js';
import { seedCluster, seedMetadata } from '../results/seed-document.js';
import { promptLengthStatistics } from '../load/prompt-length.js';

/** Who ran: the node's part as the shell described it (NodeRunOptions satisfies this). */
export interface RunIdentity {
  apiUrl: string;
  isPrimary: boolean;
  runId: string;
  expectedNodes: number;
  timeoutSeconds: number;
  hardwareLabel?: string;
  nodeIndex?: number;
  gitCommit?: string | null;
  hardwareLabels?: string[];
  provenance?: Provenance;
}

/** What the EXO cluster phase learnt (src/cluster/phase.ts fills it in as it goes). */
export type ClusterFacts = Omit<ClusterPhaseState, 'placedIds'>;

/** Everything the document is made of. */
export interface ResultsInputs {
  loaded: LoadedConfig;
  run: RunIdentity;
  startedAtMs: number;
  completedAtMs: number;
  /** Undefined when the target could not be resolved (a config error). */
  target: ResolvedTarget | undefined;
  cluster: ClusterFacts;
  statePolling: StatePollingFacts | undefined;
  /** Every state reset seen, by any watch (sorted by time here). */
  stateResets: StateResetFacts[];
  stages: StageResults[];
  /** The run-level statistics (primary only; warm-up stages left out), or null. */
  runStatistics: LoadStatistics | null;
  /** The stages the run-level figures cover (primary only). */
  runStages: string[];
  snapshots: ClusterSnapshot[];
  validity: Validity;
  error: ResultsDocument['error'];
  /** With `load_from: all_nodes`: the schedule this node followed. */
  schedule?: ScheduleFacts;
}

/** The results document, verdict `error` until the gates and the verdict are judged. */
export function buildResultsDocument(input: ResultsInputs): ResultsDocument {
  const { loaded, run, startedAtMs, completedAtMs, target, cluster } = input;
  const { config } = loaded;
  return {
    schema_version: RESULTS_SCHEMA_VERSION,
    tool: { name: 'exo-bench', version: VERSION },
    metadata: {
      started_at: new Date(startedAtMs).toISOString(),
      ended_at: new Date(completedAtMs).toISOString(),
      config_file: loaded.file,
      api_url: withoutUserInfo(run.apiUrl),
      is_primary: run.isPrimary,
      run_id: run.runId,
      endpoint: config.endpoint,
      ...(target
        ? { target: { kind: target.kind, base_url: withoutUserInfo(target.baseUrl), models: target.models } }
        : {}),
      ...(cluster.nodeId ? { node_id: cluster.nodeId } : {}),
      ...(run.hardwareLabel ? { hardware_label: run.hardwareLabel } : {}),
      ...(run.nodeIndex !== undefined ? { node_index: run.nodeIndex } : {}),
      ...seedMetadata({
        startedAtMs,
        completedAtMs,
        gitCommit: run.gitCommit ?? null,
        hardwareLabels: run.hardwareLabels ?? [],
        expectedNodes: run.expectedNodes,
        timeoutSeconds: run.timeoutSeconds,
      }),
    },
    cluster: {
      expected_nodes: run.expectedNodes,
      nodes: nodeFacts(cluster.view),
      instances: instanceFacts(cluster.instances),
      ...(cluster.downloads.times().length > 0 ? { downloads: cluster.downloads.times() } : {}),
      ...(input.statePolling ? { state_polling: input.statePolling } : {}),
      ...(input.stateResets.length > 0
        ? { state_resets: [...input.stateResets].sort((a, b) => a.at_ms - b.at_ms) }
        : {}),
      ...seedCluster(config, target?.models ?? config.model_ids, cluster.instances),
    },
    // A password in base_url is a credential: the document is for anyone with the artifact.
    configuration:
      config.target.kind === 'openai'
        ? { ...config, target: { ...config.target, base_url: withoutUserInfo(config.target.base_url) } }
        : config,
    results: {
      stages: input.stages,
      run: input.runStatistics,
      ...(run.isPrimary || input.schedule ? { run_stages: input.runStages } : {}),
    },
    metrics: { snapshots: input.snapshots },
    validity: input.validity,
    verdict: 'error',
    error: input.error,
    ...(run.provenance
      ? { provenance: { ...run.provenance, started_at: new Date(startedAtMs).toISOString() } }
      : {}),
    ...(input.schedule ? { schedule: input.schedule } : {}),
  };
}

function nodeFacts(view: ClusterView | undefined): ClusterNodeFacts[] {
  if (!view) return [];
  return view.nodeIds.map((nodeId) => {
    const identity = view.identities.get(nodeId);
    const memory = view.memory.get(nodeId);
    const facts: ClusterNodeFacts = {
      node_id: nodeId,
      chip: identity?.chip ?? '',
      friendly_name: identity?.friendlyName ?? '',
    };
    if (memory) {
      facts.ram_total_bytes = memory.totalBytes;
      facts.ram_available_bytes = memory.availableBytes;
    }
    return facts;
  });
}

function instanceFacts(instances: InstanceView[]): ClusterInstanceFacts[] {
  return instances.map((instance) => ({
    instance_id: instance.instanceId,
    model_id: instance.modelId,
    kind: instance.kind,
    shard_kind: instance.shardKind,
    node_ids: instance.nodeIds,
    sharding: instance.shardKind.replace(/ShardMetadata$/, ''),
    instance_meta: instance.kind.replace(/Instance$/, ''),
  }));
}

/** A stage's results: the seed's figures under its names, ours beside them. */
export function stageResults(
  run: StageRun,
  gaps: Histogram,
  calibration: StageCalibration,
  expected?: { source: PrefixCacheComparison['source']; cache: ExpectedCache },
): StageResults {
  const statistics = computeStatistics(run.records);
  return {
    name: run.stage.name,
    config: run.stage,
    // The seed's figures under its names, ours beside them (src/results/document.ts).
    ...computeSeedStageStatistics(run.records, run.startedAtMs, run.endedAtMs),
    ...ownStageStatistics(statistics),
    prompt_length: promptLengthStatistics(run.records, run.stage.prompt_length, calibration),
    output_length: outputLengthStatistics(run.records, run.stage.generation_length),
    started_at_ms: run.startedAtMs,
    ended_at_ms: run.endedAtMs,
    peak_in_flight: run.peakInFlight,
    itl_ms: histogramSummary(gaps),
    interrupted: run.interrupted,
    in_flight_samples: run.inFlightSamples,
    ...(expected ? { prefix_cache: prefixCacheComparison(expected.source, expected.cache, statistics) } : {}),
    load_shape: loadShape(run),
  };
}

/** The expected prefix-cache hit rate beside the server's, in the definition the server's figure uses. */
export function prefixCacheComparison(
  source: PrefixCacheComparison['source'],
  cache: ExpectedCache,
  statistics: LoadStatistics,
): PrefixCacheComparison {
  const reportedSource = statistics.cache_hit_source;
  return {
    source,
    expected_cached_tokens: cache.cached_tokens,
    expected_prompt_tokens: cache.prompt_tokens,
    expected_hit_rate: cache.hit_rate,
    expected_hit_requests: cache.hit_requests,
    expected_request_hit_share: cache.request_hit_share,
    reported_hit_rate: statistics.cache_hit_rate,
    reported_source: reportedSource,
    expected_for_reported:
      reportedSource === 'cached_tokens'
        ? cache.hit_rate
        : reportedSource === 'prefix_cache_hit'
          ? cache.request_hit_share
          : null,
  };
}

/** The shape a stage ran: its plan, and the send rate it achieved (from the records' dispatch times). */
export function loadShape(run: StageRun): LoadShape {
  const { stage, plan } = run;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const record of run.records) {
    firstMs = Math.min(firstMs, record.dispatched_at_ms);
    lastMs = Math.max(lastMs, record.dispatched_at_ms);
  }
  const sent = run.records.length;
  const open = plan.kind === 'open';
  const closed = plan.kind === 'closed';
  // A capacity search ran probes of their own loads (results.stages[].search): no one plan to report.
  const search = stage.search;
  return {
    loop: search ? (search.rate ? 'open' : 'closed') : plan.kind,
    description: search ? `capacity search (${search.rate ? 'rate' : 'concurrency'})` : describeShape(stage),
    arrival: open && !search ? plan.arrival : null,
    burstiness: open && !search && plan.arrival === 'gamma' ? (stage.burstiness ?? DEFAULT_BURSTINESS) : null,
    seed: run.seed,
    concurrency: closed && !search ? plan.concurrency : null,
    pause_ms: closed && !search ? plan.pauseMs : null,
    ramp_to_rate: stage.ramp_to_rate ?? null,
    planned_duration_ms: open && !search ? plan.durationMs : null,
    planned_rate_rps:
      open && !search && stage.iterations > 1 && plan.durationMs > 0
        ? ((stage.iterations - 1) * 1000) / plan.durationMs
        : null,
    achieved_rate_rps: sent > 1 && lastMs > firstMs ? ((sent - 1) * 1000) / (lastMs - firstMs) : null,
  };
}
