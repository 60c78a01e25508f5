/**
 * Merging the nodes of one run into one results document. Every figure is recomputed from the union of
 * the nodes' request records with the functions a node run uses (computeStatistics,
 * computeSeedStageStatistics, promptLengthStatistics, outputLengthStatistics): percentiles are exact
 * over the records, never averages of the nodes' percentiles. A request's identity is node + stage +
 * index; the node is `<hardware_label>#<node_index>`, its place in the matrix.
 *
 * With load_from: primary only the primary sends load, so a merge of primary + secondaries gives the
 * primary's figures plus every node's view (verdict, memory, errors). With load_from: all_nodes every
 * node sends its share of each stage (a closed loop or capacity search: the primary alone), and the
 * merge checks each node's records against that rule (judgeShares). What a record cannot give back is taken from the
 * one node that ran the stage (inter-token gaps, in-flight samples, calibration); when several nodes
 * ran a stage, the parts that cannot be combined exactly are left out rather than approximated (see
 * mergeStage).
 */
import { isDeepStrictEqual } from 'node:util';
import type { BenchConfig } from '../config/types.js';
import { InputError } from '../core/errors.js';
import { computeStatistics, outputLengthStatistics, type HistogramSummary } from '../metrics/aggregate.js';
import { promptLengthStatistics } from '../load/prompt-length.js';
import type { RequestRecord } from '../metrics/record.js';
import { computeSeedStageStatistics } from '../metrics/seed.js';
import { buildPlan } from '../plan/plan.js';
import {
  RESULTS_SCHEMA_VERSION,
  ownStageStatistics,
  type ClusterNodeFacts,
  type MergedNodeFacts,
  type MergeFacts,
  type ResultsDocument,
  type StageResults,
  type Validity,
} from '../results/document.js';
import { judgeValidity } from '../verdict/validity.js';
import { judgeShares, judgeSharedSchedule, type NodeSchedule } from '../load/schedule.js';
import { VERSION } from '../core/version.js';
import { recordPlace, type NodeResult } from './read.js';

/** A line of the merged requests.jsonl: the node's record and the node it came from. */
export type MergedRecord = RequestRecord & { node: string };

/** A node the merge expected but could not read (no artifact, or an unreadable one). */
export interface MissingNode {
  /** `label#index` when known, else the artifact's name. */
  node: string;
  reason: string;
}

/** What mergeNodeResults produced: the document before its gates and verdict, and the records. */
export interface MergedRun {
  document: ResultsDocument;
  /** Every record of every node, each once, with its node; sorted by send time. */
  records: MergedRecord[];
  /** The records the run-level figures and thresholds cover (warm-up and capacity search stages left out). */
  runRecords: MergedRecord[];
}

/** `label#index`: the node's key (and the first part of a request's identity). */
export function nodeKey(document: ResultsDocument): string {
  return `${document.metadata.hardware_label ?? 'node'}#${document.metadata.node_index ?? 0}`;
}

/** The run a node belongs to: the workflow run when known (attempts may differ), else its run id. */
function runOf(document: ResultsDocument): string {
  return document.provenance?.run_id !== undefined
    ? `workflow run ${document.provenance.run_id}`
    : `run ${document.metadata.run_id}`;
}

/** Checks the nodes belong together; throws InputError saying what to fix. */
function checkSameRun(nodes: readonly NodeResult[]): void {
  if (nodes.length === 0)
    throw new InputError('nothing to merge: no node result given', 'Give at least one node folder.');
  const bySource = new Map<string, NodeResult>();
  const byKey = new Map<string, NodeResult>();
  for (const node of nodes) {
    if (bySource.has(node.folder))
      throw new InputError(
        `${node.source} is given twice`,
        'Give each node folder once (check the list of folders).',
      );
    bySource.set(node.folder, node);
    const key = nodeKey(node.document);
    const other = byKey.get(key);
    if (other)
      throw new InputError(
        `node ${key} appears twice: in ${other.source} and in ${node.source}`,
        'Give each node of the run once. Node runs are told apart by hardware label and node index (the action sets them from the matrix; the CLI from --label and --index).',
      );
    byKey.set(key, node);
  }
  const first = nodes[0] as NodeResult;
  for (const node of nodes.slice(1)) {
    if (runOf(node.document) !== runOf(first.document))
      throw new InputError(
        `the nodes come from different runs: ${first.source} is from ${runOf(first.document)}, ${node.source} from ${runOf(node.document)}`,
        'Merge the folders of one run only. Nodes run with the CLI share a run when each is given the same --run-id.',
      );
    if (!isDeepStrictEqual(node.document.configuration, first.document.configuration))
      throw new InputError(
        `the nodes ran different configs: ${first.source} (${first.document.metadata.config_file}) and ${node.source} (${node.document.metadata.config_file}) differ`,
        'Every node of a run must run the same config; merge the folders of one run only.',
      );
  }
}

/** The matrix entries of the config: `label#index` of every node the run should have. */
function expectedNodes(config: BenchConfig): PlanEntry[] {
  return buildPlan(config).include.map((entry) => ({
    key: `${entry.label}#${entry.index}`,
    isPrimary: entry.is_primary,
  }));
}

/**
 * A stage merged from the nodes that ran it. From the records: every statistic. From the one node
 * that ran it: the inter-token gaps (a streaming histogram, not in the records), in-flight samples, peak
 * in flight, calibration and a capacity search's outcome. With several such nodes: gaps keep their exact count, mean and max (the
 * percentiles of a histogram summary cannot be combined: null), the peak is the largest node's peak
 * (a lower bound of the cluster's), samples and client CPU are left out, calibration is the first node's.
 */
function mergeStage(
  name: string,
  ran: ReadonlyArray<{ stage: StageResults }>,
  records: readonly RequestRecord[],
): StageResults {
  const first = (ran[0] as { stage: StageResults }).stage;
  const startedAtMs = Math.min(...ran.map((r) => r.stage.started_at_ms));
  const endedAtMs = Math.max(...ran.map((r) => r.stage.ended_at_ms));
  const completedAtMs = Math.max(...ran.map((r) => r.stage.stage_completed_at * 1000));
  const seed = computeSeedStageStatistics(records, startedAtMs, completedAtMs);
  if (ran.length === 1) {
    // The node's own timing fields, not a round trip through milliseconds.
    seed.stage_started_at = first.stage_started_at;
    seed.stage_completed_at = first.stage_completed_at;
    seed.stage_duration_s = first.stage_duration_s;
  }
  const gapCount = ran.reduce((sum, r) => sum + r.stage.itl_ms.count, 0);
  const itl: HistogramSummary =
    ran.length === 1
      ? first.itl_ms
      : {
          count: gapCount,
          mean:
            gapCount > 0
              ? ran.reduce((sum, r) => sum + (r.stage.itl_ms.mean ?? 0) * r.stage.itl_ms.count, 0) / gapCount
              : null,
          p50: null,
          p90: null,
          p95: null,
          p99: null,
          max: gapCount > 0 ? Math.max(...ran.map((r) => r.stage.itl_ms.max ?? -Infinity)) : null,
        };
  return {
    name,
    config: first.config,
    // The plan is the config's (the same on every node); its achieved rate is the sending node's.
    load_shape: first.load_shape,
    ...seed,
    ...ownStageStatistics(computeStatistics(records)),
    prompt_length: promptLengthStatistics(
      records,
      first.config.prompt_length,
      first.prompt_length.calibration,
    ),
    output_length: outputLengthStatistics(records, first.config.generation_length),
    started_at_ms: startedAtMs,
    ended_at_ms: endedAtMs,
    peak_in_flight: Math.max(...ran.map((r) => r.stage.peak_in_flight)),
    itl_ms: itl,
    interrupted: ran.some((r) => r.stage.interrupted),
    in_flight_samples: ran.length === 1 ? first.in_flight_samples : [],
    // What the sending node's load generator cost its machine; the CPU of several machines is no one figure.
    ...(ran.length === 1 && first.client_cpu ? { client_cpu: first.client_cpu } : {}),
    // A capacity search is one node's (the primary's, whatever load_from says): its probes and capacity.
    ...(ran.length === 1 && first.search ? { search: first.search } : {}),
  };
}

/** The node's memory: its cluster facts from any merged document, and its peak use in the snapshots. */
function nodeMemory(
  nodeId: string | undefined,
  clusterNodes: ReadonlyMap<string, ClusterNodeFacts>,
  documents: readonly ResultsDocument[],
): Pick<MergedNodeFacts, 'ram_total_bytes' | 'ram_available_bytes' | 'ram_used_peak_bytes'> {
  if (nodeId === undefined) return {};
  const facts = clusterNodes.get(nodeId);
  let peak: number | undefined;
  for (const document of documents)
    for (const snapshot of document.metrics.snapshots) {
      const used = snapshot.memory_used_bytes_by_node[nodeId];
      if (used !== undefined && (peak === undefined || used > peak)) peak = used;
    }
  return {
    ...(facts?.ram_total_bytes !== undefined ? { ram_total_bytes: facts.ram_total_bytes } : {}),
    ...(facts?.ram_available_bytes !== undefined ? { ram_available_bytes: facts.ram_available_bytes } : {}),
    ...(peak !== undefined ? { ram_used_peak_bytes: peak } : {}),
  };
}

/**
 * The merged validity: the worst of the nodes' (each node's reasons and notes, prefixed with the node),
 * the dispatch lag judged again over the merged records of a stage that several nodes sent, and the
 * merge-level problems. The dispatch-lag figure is the worst stage p99 over the merged records; the
 * event-loop figure the worst node's.
 */
function mergeValidity(
  config: BenchConfig,
  nodes: readonly NodeResult[],
  stages: readonly StageResults[],
  stageSenders: ReadonlyMap<string, number>,
): Validity {
  const reasons: string[] = [];
  const notes: string[] = [];
  let inconclusive = false;
  let worstLoop: number | null = null;
  for (const node of nodes) {
    const v = node.document.validity;
    const key = nodeKey(node.document);
    reasons.push(...v.reasons.map((reason) => `node ${key}: ${reason}`));
    notes.push(...(v.notes ?? []).map((note) => `node ${key}: ${note}`));
    if (v.status === 'inconclusive') inconclusive = true;
    if (v.event_loop_delay_p99_ms !== null && (worstLoop === null || v.event_loop_delay_p99_ms > worstLoop))
      worstLoop = v.event_loop_delay_p99_ms;
  }
  const merged = judgeValidity(config, [...stages], null);
  const sharedStages = stages.filter((stage) => (stageSenders.get(stage.name) ?? 0) > 1);
  if (sharedStages.length > 0) {
    // A stage sent by one node was judged by that node already; one sent by several is judged again here.
    const again = judgeValidity(config, sharedStages, null);
    reasons.push(...again.reasons.map((reason) => `merged records: ${reason}`));
  }
  // load_from: all_nodes: the nodes must have followed the same starts, on clocks within the tolerance,
  // each sending exactly its share (a stage the primary sent alone: the primary only).
  const schedules = sharedSchedules(nodes);
  const shared = judgeSharedSchedule(schedules);
  reasons.push(...shared.reasons.map((reason) => `shared schedule: ${reason}`));
  const shares = judgeShares(
    schedules.map((schedule) => ({ ...schedule, records: recordsOf(nodes, schedule.node) })),
    config.stages,
  );
  reasons.push(...shares.map((reason) => `shared schedule: ${reason}`));
  notes.push(...shared.notes.map((note) => `shared schedule: ${note}`));
  const status = reasons.length > 0 ? 'invalid' : inconclusive ? 'inconclusive' : 'valid';
  return {
    valid: reasons.length === 0,
    status,
    reasons,
    ...(notes.length > 0 ? { notes } : {}),
    dispatch_lag_p99_ms: merged.dispatch_lag_p99_ms,
    max_dispatch_lag_p99_ms: config.max_dispatch_lag_p99_ms,
    event_loop_delay_p99_ms: worstLoop,
    max_event_loop_delay_p99_ms: merged.max_event_loop_delay_p99_ms,
  };
}

/** The schedules of the nodes that shared the load (`load_from: all_nodes`), by node key. */
function sharedSchedules(nodes: readonly NodeResult[]): NodeSchedule[] {
  return nodes.flatMap((node) =>
    node.document.schedule ? [{ node: nodeKey(node.document), schedule: node.document.schedule }] : [],
  );
}

/** The records of the node whose key is `key`. */
function recordsOf(nodes: readonly NodeResult[], key: string): readonly RequestRecord[] {
  return nodes.find((node) => nodeKey(node.document) === key)?.records ?? [];
}

/** The merged document's `merge.schedule`: tolerance, measured spread and each node's offset. */
function mergedSchedule(nodes: readonly NodeResult[]): MergeFacts['schedule'] {
  const schedules = sharedSchedules(nodes);
  if (schedules.length === 0) return undefined;
  return {
    skew_tolerance_ms: Math.min(...schedules.map((n) => n.schedule.skew_tolerance_ms)),
    skew_ms: judgeSharedSchedule(schedules).skewMs,
    clock_offsets_ms: Object.fromEntries(schedules.map((n) => [n.node, n.schedule.clock_offset_ms])),
  };
}

/** A matrix entry of the config: `label#index` and whether it is the primary. */
type PlanEntry = { key: string; isPrimary: boolean };

/** The nodes in matrix order, primary first; nodes outside the matrix (CLI runs without --label) after, as given. */
function inMatrixOrder(given: readonly NodeResult[], plan: readonly PlanEntry[]): NodeResult[] {
  const order = new Map(plan.map((entry, index) => [entry.key, index]));
  return [...given].sort(
    (a, b) =>
      (order.get(nodeKey(a.document)) ?? plan.length) - (order.get(nodeKey(b.document)) ?? plan.length),
  );
}

/**
 * The matrix entries with no node given (as `missing_nodes`), and a problem for each, for each
 * unreadable artifact outside the matrix, and for a merge without the primary.
 */
function absentNodeProblems(
  plan: readonly PlanEntry[],
  nodes: readonly NodeResult[],
  missing: readonly MissingNode[],
): { missingNodes: string[]; problems: string[] } {
  const problems: string[] = [];
  const present = new Set(nodes.map((node) => nodeKey(node.document)));
  const missingNodes = plan.filter((entry) => !present.has(entry.key)).map((entry) => entry.key);
  for (const key of missingNodes) {
    const why = missing.find((absent) => absent.node === key)?.reason ?? 'no results were given for it';
    const primaryNote = plan.find((entry) => entry.key === key)?.isPrimary ? ' (the primary)' : '';
    problems.push(`node ${key}${primaryNote} is missing: ${why}`);
  }
  for (const absent of missing)
    if (!plan.some((entry) => entry.key === absent.node)) problems.push(`${absent.node}: ${absent.reason}`);
  if (!nodes.some((node) => node.document.metadata.is_primary))
    problems.push('no node of the merge is the primary: the load and the run-level figures are not in it');
  return { missingNodes, problems };
}

/**
 * Every node's records tagged with the node, and for each stage the nodes' results of it (a node that
 * sent or recorded requests of it). Adds a problem for a node whose run failed and for records that
 * disagree with the node's results.json; throws InputError for a record of no stage of the config.
 */
function collectRecords(
  nodes: readonly NodeResult[],
  stageNames: readonly string[],
  problems: string[],
): { records: MergedRecord[]; ranBy: Map<string, Array<{ stage: StageResults }>> } {
  const records: MergedRecord[] = [];
  const ranBy = new Map<string, Array<{ stage: StageResults }>>();
  for (const node of nodes) {
    const key = nodeKey(node.document);
    if (node.document.error)
      problems.push(
        `node ${key}: its run failed (${node.document.error.kind}: ${node.document.error.message})`,
      );
    const counts = new Map<string, number>();
    for (const record of node.records) {
      if (!stageNames.includes(record.stage))
        throw new InputError(
          `${node.source}: request ${recordPlace(record)} belongs to no stage of the config`,
          'Merge the folders of one run only.',
        );
      counts.set(record.stage, (counts.get(record.stage) ?? 0) + 1);
      records.push({ ...record, node: key });
    }
    for (const stage of node.document.results.stages) {
      const recorded = counts.get(stage.name) ?? 0;
      if (recorded !== stage.fired_requests)
        problems.push(
          `node ${key}: requests.jsonl holds ${recorded} request(s) of stage ${stage.name}, its results.json counts ${stage.fired_requests} (a truncated or mixed-up artifact?)`,
        );
      if (stage.fired_requests > 0 || recorded > 0) {
        const list = ranBy.get(stage.name) ?? [];
        list.push({ stage });
        ranBy.set(stage.name, list);
      }
    }
    for (const [stage, recorded] of counts)
      if (!node.document.results.stages.some((listed) => listed.name === stage))
        problems.push(
          `node ${key}: requests.jsonl holds ${recorded} request(s) of stage ${stage}, which its results.json does not list`,
        );
  }
  records.sort((a, b) => a.sent_at_ms - b.sent_at_ms || a.node.localeCompare(b.node) || a.index - b.index);
  return { records, ranBy };
}

/** The stages some node ran, in config order, each merged; and how many nodes sent each. */
function mergeStages(
  stageNames: readonly string[],
  ranBy: ReadonlyMap<string, Array<{ stage: StageResults }>>,
  records: readonly MergedRecord[],
): { stages: StageResults[]; stageSenders: Map<string, number> } {
  const stages: StageResults[] = [];
  const stageSenders = new Map<string, number>();
  for (const name of stageNames) {
    const ran = ranBy.get(name);
    if (!ran) continue;
    stageSenders.set(name, ran.length);
    stages.push(
      mergeStage(
        name,
        ran,
        records.filter((record) => record.stage === name),
      ),
    );
  }
  return { stages, stageSenders };
}

/** Each node's cluster facts, once per node id, the first document that has them winning. */
function clusterNodesOf(nodes: readonly NodeResult[]): Map<string, ClusterNodeFacts> {
  const clusterNodes = new Map<string, ClusterNodeFacts>();
  for (const node of nodes)
    for (const facts of node.document.cluster.nodes)
      if (!clusterNodes.has(facts.node_id)) clusterNodes.set(facts.node_id, facts);
  return clusterNodes;
}

/** One node's view for `merge.nodes`: its verdict, its own run-level counts and TTFT, its memory. */
function mergedNodeFacts(
  node: NodeResult,
  runStages: readonly string[],
  clusterNodes: ReadonlyMap<string, ClusterNodeFacts>,
  documents: readonly ResultsDocument[],
): MergedNodeFacts {
  const { document } = node;
  const own = computeStatistics(node.records.filter((record) => runStages.includes(record.stage)));
  const runner = document.provenance?.runner?.name;
  return {
    node: nodeKey(document),
    ...(document.metadata.hardware_label !== undefined
      ? { hardware_label: document.metadata.hardware_label }
      : {}),
    ...(document.metadata.node_index !== undefined ? { node_index: document.metadata.node_index } : {}),
    is_primary: document.metadata.is_primary,
    ...(document.metadata.node_id !== undefined ? { node_id: document.metadata.node_id } : {}),
    source: node.source,
    verdict: document.verdict,
    validity_status: document.validity.status ?? (document.validity.valid ? 'valid' : 'invalid'),
    ...(document.error ? { error: document.error.message } : {}),
    fired_requests: node.records.length,
    requests: own.total_requests,
    successful_requests: own.successful_requests,
    failed_requests: own.failed_requests,
    ttft_p50_ms: own.ttft_ms.p50,
    ttft_p95_ms: own.ttft_ms.p95,
    ...nodeMemory(document.metadata.node_id, clusterNodes, documents),
    ...(runner !== undefined ? { runner } : {}),
  };
}

/** The primary's metadata over the whole run: the earliest start, the latest end, every hardware label. */
function mergedMetadata(
  base: ResultsDocument,
  documents: readonly ResultsDocument[],
): ResultsDocument['metadata'] {
  const startedAt = documents.map((d) => d.metadata.started_at).sort()[0] ?? base.metadata.started_at;
  const endedAt =
    documents
      .map((d) => d.metadata.ended_at)
      .sort()
      .at(-1) ?? base.metadata.ended_at;
  return {
    ...base.metadata,
    started_at: startedAt,
    ended_at: endedAt,
    is_primary: true,
    benchmark_started_at: Math.min(...documents.map((d) => d.metadata.benchmark_started_at)),
    benchmark_completed_at: Math.max(...documents.map((d) => d.metadata.benchmark_completed_at)),
    total_duration_s:
      Math.max(...documents.map((d) => d.metadata.benchmark_completed_at * 1000)) / 1000 -
      Math.min(...documents.map((d) => d.metadata.benchmark_started_at * 1000)) / 1000,
    hardware_labels: [...new Set(documents.flatMap((d) => d.metadata.hardware_labels))],
  };
}

/** The merge's error: its first problem (and how many more), of a failed node's kind, else input; null without problems. */
function mergeError(nodes: readonly NodeResult[], problems: readonly string[]): ResultsDocument['error'] {
  const firstProblem = problems[0];
  if (!firstProblem) return null;
  return {
    kind: nodes.find((node) => node.document.error)?.document.error?.kind ?? 'input',
    message:
      problems.length > 1
        ? `${firstProblem} (and ${problems.length - 1} more: see merge.problems)`
        : firstProblem,
    hint: 'The merged figures cover the nodes that were merged. Re-run the failed or missing node jobs, or merge the folders of one complete run.',
  };
}

/**
 * Merges the nodes of one run. Throws InputError when they do not belong together (a node given twice,
 * different runs or configs). A node the matrix expects but that is absent, a node whose run failed or
 * whose records disagree with its results.json is a merge problem: the document is still written, with
 * an error saying which node and what to do.
 */
export function mergeNodeResults(
  given: readonly NodeResult[],
  missing: readonly MissingNode[] = [],
): MergedRun {
  checkSameRun(given);
  const plan = expectedNodes((given[0] as NodeResult).document.configuration);
  const nodes = inMatrixOrder(given, plan);
  const primary = nodes.find((node) => node.document.metadata.is_primary) ?? (nodes[0] as NodeResult);
  const config = primary.document.configuration;
  const { missingNodes, problems } = absentNodeProblems(plan, nodes, missing);
  const stageNames = config.stages.map((stage) => stage.name);
  const { records, ranBy } = collectRecords(nodes, stageNames, problems);
  const { stages, stageSenders } = mergeStages(stageNames, ranBy, records);
  // As on a node (judgeRun): warm-up stages and capacity searches (overloaded on purpose) are left out.
  const runStages = stages
    .filter((stage) => !stage.config.warmup && !stage.config.search)
    .map((stage) => stage.name);
  const runRecords = records.filter((record) => runStages.includes(record.stage));
  const clusterNodes = clusterNodesOf(nodes);
  const documents = nodes.map((node) => node.document);
  const mergedNodes = nodes.map((node) => mergedNodeFacts(node, runStages, clusterNodes, documents));
  const base = primary.document;
  const schedule = mergedSchedule(nodes);
  const document: ResultsDocument = {
    schema_version: RESULTS_SCHEMA_VERSION,
    tool: { name: 'exo-bench', version: VERSION },
    metadata: mergedMetadata(base, documents),
    cluster: { ...base.cluster, nodes: [...clusterNodes.values()] },
    configuration: config,
    results: {
      stages,
      run: runRecords.length > 0 ? computeStatistics(runRecords) : null,
      run_stages: runStages,
    },
    // The primary polls the cluster; a secondary's snapshots would repeat the same view.
    metrics: {
      snapshots:
        (base.metrics.snapshots.length > 0
          ? base.metrics.snapshots
          : nodes.find((node) => node.document.metrics.snapshots.length > 0)?.document.metrics.snapshots) ??
        [],
    },
    validity: mergeValidity(config, nodes, stages, stageSenders),
    verdict: 'error',
    error: mergeError(nodes, problems),
    ...(base.provenance ? { provenance: base.provenance } : {}),
    merge: {
      nodes: mergedNodes,
      missing_nodes: missingNodes,
      problems,
      requests: records.length,
      ...(schedule ? { schedule } : {}),
    },
  };
  return { document, records, runRecords };
}
