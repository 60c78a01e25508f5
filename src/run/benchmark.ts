/**
 * The use case both shells call: one node's part of a benchmark. The primary brings the models up,
 * runs every stage and tears down; a secondary waits for the primary's instances, then for their
 * deletion. Either way the node writes results.json, requests.jsonl and summary.md into the output
 * folder, on every path, and returns a verdict instead of throwing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { ExoClient } from '../cluster/client.js';
import {
  deleteInstances,
  DownloadTracker,
  StateResetWatch,
  waitForQuiet,
  type ClusterContext,
} from '../cluster/orchestrate.js';
import {
  isConnected,
  prepareExoCluster,
  startClusterSnapshots,
  waitForPrimaryToFinish,
  type ClusterPhaseState,
} from '../cluster/phase.js';
import type { SnapshotRecorder } from '../cluster/snapshots.js';
import { Http1Dispatcher, type StreamDispatcher } from '../stream/index.js';
import { awaitStageStart, publishStageStart } from '../cluster/beacon.js';
import type { LoadedConfig, SearchConfig, StageConfig } from '../config/types.js';
import { CancelledError, ExoBenchError, InputError, describeError } from '../core/errors.js';
import {
  calibrationNonce,
  describeCalibration,
  httpPromptProbe,
  prepareStagePrompts,
  prepareWorkloadPrompts,
  PromptCalibrator,
  type StagePrompts,
} from '../load/calibrate.js';
import { requestBuilder } from '../load/request-builder.js';
import {
  searchCapacity,
  searchMode,
  searchRange,
  type ProbeMeasurement,
  type SearchMode,
} from '../load/search.js';
import type { RequestOptions, RequestSpec } from '../load/request.js';
import { runStage, type StageRun } from '../load/stage.js';
import {
  isPrimaryOnlyStage,
  plannedStageStarts,
  scheduleReasons,
  shareCount,
  stageOverrun,
  type LoadShare,
  type PlannedStarts,
  type ScheduleFacts,
} from '../load/schedule.js';
import { planPosition } from '../plan/plan.js';
import { measureClockOffset } from './clock-offset.js';
import { LIMITS } from '../config/schema.js';
import { traceOffsetsMs } from '../config/trace.js';
import { planArrivals, tracePlan } from '../load/arrivals.js';
import { primaryLoadLength, primaryOnlyStageMaxMs } from '../load/duration.js';
import { expectedCache, stageWorkload, type StageWorkload } from '../load/workload.js';
import { computeStatistics, histogramSummary } from '../metrics/aggregate.js';
import { Histogram } from '../metrics/histogram.js';
import type { RequestRecord } from '../metrics/record.js';
import { completeSeedStage } from '../metrics/seed.js';
import type { Logger, NodeRunPorts } from '../core/ports.js';
import { outputPaths, type OutputPaths } from '../results/files.js';
import { writeReports, type WrittenReports } from '../report/write.js';
import { JsonlWriter } from '../report/jsonl.js';
import type {
  ClientCpuUsage,
  Provenance,
  ResultsDocument,
  StatePollingFacts,
  StageResults,
} from '../results/document.js';
import { buildResultsDocument, stageResults } from '../report/results-document.js';
import { clientCpuUsage, markCpu, type CpuMark } from '../results/client-cpu.js';
import { resolveTarget, waitForOpenAiServer, type ResolvedTarget } from '../target/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { LoopDelayMonitor } from '../util/loop-delay.js';
import { SecretRedactor, urlPassword } from '../util/redact.js';
import { evaluateGates, type BaselineInput } from '../verdict/index.js';
import { METRICS, type MetricDefinition } from '../metrics/catalog.js';
import { judgeValidity, judgeVerdict } from '../verdict/validity.js';

/** How a node takes part in the run. */
export interface NodeRunOptions {
  /**
   * Base URL of this node's EXO API, or of the OpenAI-compatible server (the shells pass `--api-url` /
   * `api-url` when given, else the config's `target.base_url`: see `targetApiUrl`).
   */
  apiUrl: string;
  /** Where `target.api_key_env` is read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  isPrimary: boolean;
  /** Nodes the topology must show (the hardware_plan total unless overridden). */
  expectedNodes: number;
  /** Deadline for nodes, placement and readiness, seconds. */
  timeoutSeconds: number;
  outputDir: string;
  /** Identifies the run in nonces and metadata. */
  runId: string;
  hardwareLabel?: string;
  nodeIndex?: number;
  clock?: Clock;
  /** Poll period of the cluster waits, ms (default 500). */
  pollIntervalMs?: number;
  /** Gap between progress lines, ms (default 5,000). */
  progressIntervalMs?: number;
  /** Bound of the wait for in-flight requests to drain between stages, ms (default 60,000). */
  quietTimeoutMs?: number;
  /** Told as soon as instances exist, so a post step can delete them if this process dies. */
  onInstancesPlaced?(instanceIds: string[]): void;
  /** Told once the instances are confirmed deleted. */
  onInstancesDeleted?(): void;
  /** A baseline run to compare with (or why there is none); see src/verdict/baseline.ts. */
  baseline?: BaselineInput;
  /**
   * Whose `/state` the cluster snapshots read: `auto` (default) another node when one answers, `self`
   * this node's (what bench/state-polling.mjs compares against; not a config field).
   */
  statePollNode?: 'auto' | 'self';
  /**
   * Least period of the snapshots when they read the node that serves the load, seconds (default
   * SERVING_NODE_MIN_POLL_SECONDS; bench/state-polling.mjs sets 0 to show what it protects against).
   */
  servingNodeMinPollSeconds?: number;
  /** Recorded as `metadata.git_commit` (the seed's `--git-commit`); null when not given. */
  gitCommit?: string | null;
  /** Recorded as `metadata.hardware_labels` (the seed's `--hardware-labels`); [] when not given. */
  hardwareLabels?: string[];
  /** Where the run comes from (the shell fills it); `started_at` is set here. */
  provenance?: Provenance;
  /**
   * `load_from: all_nodes` with an openai target: the first stage's start the plan job fixed (the
   * matrix entries' `start_at_ms`), epoch ms. Required there; ignored, with a warning, anywhere else.
   */
  scheduleStartMs?: number;
}

/** What a node run produced. */
export type NodeRunOutcome = WrittenReports;

/** What the phases of one node run share: its files, connections, signals and what it has learnt. */
interface NodeRun {
  loaded: LoadedConfig;
  options: NodeRunOptions;
  logger: Logger;
  clock: Clock;
  /** The shell's signal (SIGINT/SIGTERM); readiness and calibration probes stop on it. */
  signal: AbortSignal | undefined;
  /** The shell's signal or the run's own abort (the cluster lost its instances): the stages stop on it. */
  runAbort: AbortController;
  paths: OutputPaths;
  requestsFile: JsonlWriter;
  /** The control plane's HTTP client: EXO's API, readiness, beacons, calibration (see dispatchersFor). */
  dispatcher: ClosableDispatcher;
  /** What the stages' streamed requests go through (see dispatchersFor). */
  loadDispatcher: ClosableDispatcher;
  context: ClusterContext & { resetWatch: StateResetWatch };
  /** Resets seen by the snapshots' own state reads (when they poll another node). */
  pollResets: StateResetWatch;
  startedAtMs: number;
  /** The process's CPU time at the run's start (results.json's client_cpu). */
  cpuAtStart: CpuMark;
  deadlineMs: number;
  secrets: SecretRedactor;
  loopDelay: LoopDelayMonitor;
  cluster: ClusterPhaseState;
  target?: ResolvedTarget;
  stages: StageResults[];
  allRecords: RequestRecord[];
  snapshots?: SnapshotRecorder;
  statePolling?: StatePollingFacts;
  /** Set when a reset of EXO's state took the run's instances: the stage loop ends with it. */
  lostInstances?: ExoBenchError;
  /**
   * With `load_from: all_nodes`: this node's share and the schedule it followed (results' `schedule`);
   * `starts`: each stage's start when the plan fixed them (openai targets), in config order.
   */
  shared?: { share: LoadShare; facts: ScheduleFacts; starts?: number[] };
  /**
   * The longest a stage's prompt sizing has taken on this node so far, ms. With `load_from: all_nodes`
   * the primary leaves the secondaries time for it after a stage it sent alone (they size their prompts
   * only once its start is published, and may not have the calibrations it already holds).
   */
  longestPreparationMs: number;
}

/** Runs this node's part of the benchmark. Never throws: failures become `verdict: error`. */
export async function runNode(
  loaded: LoadedConfig,
  options: NodeRunOptions,
  ports: NodeRunPorts,
  signal?: AbortSignal,
): Promise<NodeRunOutcome> {
  const run = await openRun(loaded, options, ports, signal);
  let failure: ExoBenchError | Error | undefined;
  try {
    const share = loadShare(loaded.config, options);
    const planned = plannedStarts(run);
    const target = await connectTarget(run);
    if (share) await runSharedStages(run, target, share, planned);
    else if (options.isPrimary) await runStagesAsPrimary(run, target);
    else if (target.kind === 'openai')
      run.logger.info('secondary: an openai target has no cluster to wait for; nothing to do');
    else
      await waitForPrimaryToFinish(
        loaded.config,
        options,
        run.context,
        run.cluster,
        primaryLoadLength(loaded.config),
      );
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    run.logger.error(describeError(error));
  } finally {
    await closeRun(run);
  }
  return writeReports(run.paths, run.options.outputDir, judgeRun(run, failure), run.allRecords);
}

/** Opens the run: the output folder and requests.jsonl, one HTTP dispatcher, the cluster context. */
async function openRun(
  loaded: LoadedConfig,
  options: NodeRunOptions,
  ports: NodeRunPorts,
  signal: AbortSignal | undefined,
): Promise<NodeRun> {
  const { logger } = ports;
  const clock = options.clock ?? systemClock;
  mkdirSync(options.outputDir, { recursive: true });
  const paths = outputPaths(options.outputDir);
  writeFileSync(paths.requests, '');
  const requestsFile = new JsonlWriter(paths.requests);
  const { dispatcher, loadDispatcher } = await dispatchersFor(options.env ?? process.env);
  // Aborted by SIGINT/SIGTERM, or by the run itself when the cluster loses its instances mid-stage.
  const runAbort = new AbortController();
  const context: ClusterContext & { resetWatch: StateResetWatch } = {
    client: new ExoClient(options.apiUrl, { dispatcher }),
    clock,
    logger,
    signal: signal ? AbortSignal.any([signal, runAbort.signal]) : runAbort.signal,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    progressIntervalMs: options.progressIntervalMs ?? 5_000,
    resetWatch: new StateResetWatch(),
  };
  const startedAtMs = clock.nowMs();
  // Credentials this run holds: masked in logs, and redacted from whatever a server sends back.
  const secrets = new SecretRedactor(ports);
  secrets.add(urlPassword(options.apiUrl));
  return {
    loaded,
    options,
    logger,
    clock,
    signal,
    runAbort,
    paths,
    requestsFile,
    dispatcher,
    loadDispatcher,
    context,
    pollResets: new StateResetWatch(),
    startedAtMs,
    cpuAtStart: markCpu(),
    deadlineMs: startedAtMs + options.timeoutSeconds * 1000,
    secrets,
    loopDelay: new LoopDelayMonitor(),
    cluster: { placedIds: [], instances: [], downloads: new DownloadTracker() },
    stages: [],
    allRecords: [],
    longestPreparationMs: 0,
  };
}

/** An HTTP client a run owns and closes at its end. */
type ClosableDispatcher = StreamDispatcher & { close(): Promise<void> };

/**
 * The run's HTTP clients. By default one lean HTTP/1.1 dispatcher (src/stream/http1.ts) carries both the
 * control plane and the stages' streamed requests: no cap on connections, idle keep-alive sockets reused
 * per origin. `EXO_BENCH_HTTP_CLIENT=undici` puts both on one undici `Agent` instead (for before/after
 * comparisons in bench/), loaded only then: undici parses with llhttp in WebAssembly, which V8 tiers up
 * to its optimising compiler in every run that loads it (≈ 0.13 s of CPU, bench/README.md).
 */
async function dispatchersFor(
  env: NodeJS.ProcessEnv,
): Promise<{ dispatcher: ClosableDispatcher; loadDispatcher: ClosableDispatcher }> {
  if (env.EXO_BENCH_HTTP_CLIENT === 'undici') {
    const { Agent } = await import('../util/undici.js');
    const agent = new Agent({
      connections: null,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      connect: { timeout: 30_000 },
    });
    return { dispatcher: agent, loadDispatcher: agent };
  }
  const lean = new Http1Dispatcher({ connectTimeoutMs: 30_000 });
  return { dispatcher: lean, loadDispatcher: lean };
}

/** Resolves the target and waits for it: an OpenAI server's readiness, or the EXO cluster phase. */
async function connectTarget(run: NodeRun): Promise<ResolvedTarget> {
  const { loaded, options, logger, context, secrets } = run;
  const resolved = resolveTarget(loaded.config, options.apiUrl, options.env ?? process.env);
  run.target = resolved;
  secrets.add(resolved.apiKey);
  secrets.add(urlPassword(resolved.baseUrl));
  if (resolved.kind === 'openai') {
    await logger.group('Target', async () => {
      await waitForOpenAiServer(
        resolved,
        {
          dispatcher: run.dispatcher,
          clock: run.clock,
          logger,
          progressIntervalMs: context.progressIntervalMs,
          ...(run.signal ? { signal: run.signal } : {}),
        },
        run.deadlineMs,
      );
      logger.info(
        `OpenAI-compatible server ready at ${resolved.baseUrl}; model ${resolved.models.join(', ')}`,
      );
    });
  } else {
    await logger.group('Cluster', () =>
      prepareExoCluster(loaded.config, options, context, run.cluster, run.deadlineMs),
    );
  }
  return resolved;
}

/** The primary's part: cluster snapshots, then every stage in order, each drained before the next. */
async function runStagesAsPrimary(run: NodeRun, target: ResolvedTarget): Promise<void> {
  const { config } = run.loaded;
  await startSnapshots(run, target);
  run.loopDelay.enable();
  const calibrator = promptCalibrator(run, target);
  for (const stage of config.stages) await runOneStage(run, target, stage, calibrator);
  run.loopDelay.disable();
  run.snapshots?.stop();
}

/**
 * `load_from: all_nodes` (src/load/schedule.ts, docs/load-from.md): which requests this node sends.
 * Undefined with `load_from: primary`. A node's position is its place in the plan's matrix, found from
 * its hardware label and index; the primary is position 0 whatever it was told.
 */
function loadShare(config: LoadedConfig['config'], options: NodeRunOptions): LoadShare | undefined {
  if (config.load_from !== 'all_nodes') return undefined;
  const nodes = options.expectedNodes;
  if (options.isPrimary) return { node: 0, nodes };
  const position =
    options.hardwareLabel !== undefined && options.nodeIndex !== undefined
      ? planPosition(config, options.hardwareLabel, options.nodeIndex)
      : undefined;
  if (position === undefined || position >= nodes || position === 0)
    throw new InputError(
      `load_from: all_nodes: this secondary (label ${options.hardwareLabel ?? '(none)'}, index ${options.nodeIndex ?? '(none)'}) is not a secondary of the plan of ${nodes} node${nodes === 1 ? '' : 's'}`,
      "Give each node its matrix entry's hardware label and index (the action's hardware-label and node-index inputs; the CLI's --label and --index): request i of a stage goes to the node at position i mod N of the plan.",
    );
  return { node: position, nodes };
}

/** The stage starts of a schedule the plan fixed, and what the results record of it. */
interface PlannedSchedule {
  planned: PlannedStarts;
  /** Each stage's start, config order, epoch ms (plannedStageStarts). */
  starts: number[];
}

/** How far ahead a planned start may lie: the longest start delay a config may ask for. */
const MAX_START_AHEAD_MS = LIMITS.maxTimeoutSeconds * 1000;

/**
 * `load_from: all_nodes` with an openai target (docs/load-from.md): every stage's start, from the start
 * the plan job fixed (`scheduleStartMs`) and the config alone, so every node computes the same ones.
 * Undefined for any other run (a start given there is ignored, with a warning). Throws InputError when
 * the start is missing, or when this node came too late to take part in any stage on time (a re-run of
 * one node job reuses the plan's start) or the start lies implausibly far ahead (not epoch ms).
 */
function plannedStarts(run: NodeRun): PlannedSchedule | undefined {
  const { config } = run.loaded;
  const startAtMs = run.options.scheduleStartMs;
  if (config.load_from !== 'all_nodes' || config.target.kind !== 'openai') {
    if (startAtMs !== undefined)
      run.logger.warning(
        `the schedule start ${startAtMs} is ignored: it is for load_from: all_nodes with an openai target (this run's stages start ${config.load_from === 'all_nodes' ? 'when the primary publishes them' : 'one after another on this node'})`,
      );
    return undefined;
  }
  const hint =
    "Pass every node the plan's start: the action input schedule-start-ms: ${{ matrix.start_at_ms }} (each entry of mode: plan's matrix carries it, and its output schedule-start-ms), or the CLI's --schedule-start-ms with the start_at_ms `exo-bench plan` printed. Every node of the run must get the same value.";
  if (startAtMs === undefined)
    throw new InputError(
      'load_from: all_nodes with an openai target needs the start the plan job fixed (its start_at_ms), and none was given',
      hint,
    );
  const spans = config.stages.map((_, index) => plannedStageMs(run, index));
  const drainMs = (config.all_nodes_drain_seconds ?? config.request_timeout_seconds) * 1000;
  const starts = plannedStageStarts(
    startAtMs,
    spans,
    drainMs,
    config.clock_skew_tolerance_ms ?? DEFAULT_SKEW_TOLERANCE_MS,
  );
  const nowMs = run.clock.nowMs();
  const plannedEndMs = (starts.at(-1) ?? startAtMs) + (spans.at(-1) ?? 0);
  if (nowMs > plannedEndMs)
    throw new InputError(
      `the planned schedule (first stage at ${new Date(startAtMs).toISOString()}) ended at ${new Date(plannedEndMs).toISOString()}, before this node started: it cannot send any stage on time`,
      'A re-run of one node job reuses the old plan; re-run the whole workflow (its plan job fixes a new start), or raise all_nodes_start_delay_seconds if the jobs start that late.',
    );
  if (startAtMs > nowMs + MAX_START_AHEAD_MS)
    throw new InputError(
      `the schedule start ${startAtMs} lies ${((startAtMs - nowMs) / 86_400_000).toFixed(1)} days ahead: it is epoch milliseconds on the plan job's clock`,
      hint,
    );
  run.logger.info(
    `load_from: all_nodes: stage starts fixed at plan time (drain bound ${drainMs / 1000} s): ${config.stages.map((stage, index) => `${stage.name} ${new Date(starts[index] ?? startAtMs).toISOString()}`).join(', ')}`,
  );
  return { planned: { start_at_ms: startAtMs, drain_ms: drainMs }, starts };
}

/**
 * Every node's part with `load_from: all_nodes`: every node sends its share of each stage (request i
 * when i mod N = its position) at the plan's offsets from the stage's start. EXO target: to its own
 * node's API, on the start the primary publishes once the previous stage has drained cluster-wide
 * (src/cluster/beacon.ts); the primary also runs the snapshots. A closed loop or a capacity search
 * (EXO targets only) is the primary's alone, run whole as with load_from: primary, while the other nodes
 * wait for the next stage's start. openai target: to the one server, on the starts the plan fixed
 * (`planned`), every stage's prompts sized before the first. Every node records when it began each stage.
 */
async function runSharedStages(
  run: NodeRun,
  target: ResolvedTarget,
  share: LoadShare,
  planned: PlannedSchedule | undefined,
): Promise<void> {
  const { config } = run.loaded;
  const offset = await measureClockOffset(run.options.env ?? process.env);
  const facts: ScheduleFacts = {
    load_from: 'all_nodes',
    node: share.node,
    nodes: share.nodes,
    skew_tolerance_ms: config.clock_skew_tolerance_ms ?? DEFAULT_SKEW_TOLERANCE_MS,
    clock_offset_ms: offset.offsetMs,
    clock_offset_source: offset.source,
    ...(planned ? { planned: planned.planned } : {}),
    stages: [],
  };
  run.shared = { share, facts, ...(planned ? { starts: planned.starts } : {}) };
  run.logger.info(
    `load_from: all_nodes: this node is ${share.node} of ${share.nodes} (it sends requests i with i mod ${share.nodes} = ${share.node}); clock offset ${offset.offsetMs === null ? 'not measured' : `${offset.offsetMs.toFixed(3)} ms (${offset.source})`}`,
  );
  if (run.options.isPrimary) await startSnapshots(run, target);
  run.loopDelay.enable();
  const calibrator = promptCalibrator(run, target);
  // Planned starts leave no window between stages that is free of the other nodes' requests: every
  // stage's calibration probes go out before the first start, so none lands in a stage.
  const prompts = planned ? await prepareEveryStagePrompts(run, target, calibrator) : undefined;
  for (const stage of config.stages)
    await runOneStage(run, target, stage, calibrator, prompts?.get(stage.name));
  run.loopDelay.disable();
  run.snapshots?.stop();
}

/** Every stage's prompts, by stage name, sized now (planned starts: before the first stage's start). */
async function prepareEveryStagePrompts(
  run: NodeRun,
  target: ResolvedTarget,
  calibrator: PromptCalibrator | undefined,
): Promise<Map<string, StagePrompts>> {
  return run.logger.group('Prompts', async () => {
    const prompts = new Map<string, StagePrompts>();
    for (const stage of run.loaded.config.stages) {
      const trace = run.loaded.traces?.get(stage.name);
      prompts.set(
        stage.name,
        await prepareOneStagePrompts(run, target, stage, stageWorkload(stage, trace), calibrator),
      );
    }
    return prompts;
  });
}

/** The default of clock_skew_tolerance_ms (the config's schema writes it with all_nodes). */
const DEFAULT_SKEW_TOLERANCE_MS = 20;

/**
 * The start of a shared stage (`stageIndex` in the config), epoch ms. Planned starts: the plan's, at
 * once. Else the primary publishes it (its previous stage has drained: a shared one's planned end
 * passed and every node's requests ended in EXO's state, or one it sent alone ended and drained); a
 * secondary reads it from its node's `/state`.
 */
async function sharedStageStart(
  run: NodeRun,
  target: ResolvedTarget,
  stageIndex: number,
  preparationMs: number,
): Promise<number> {
  const { config } = run.loaded;
  const { context, options } = run;
  const planned = run.shared?.starts?.[stageIndex];
  if (planned !== undefined) return planned;
  if (!options.isPrimary) {
    // Bounded by what the primary may take: readiness (stage 0), or the previous shared stage's
    // schedule, its requests' deadline and the drain; and the whole of every stage it sent alone since.
    const previous = run.shared?.facts.stages.at(-1);
    const previousIndex = previous ? config.stages.findIndex((s) => s.name === previous.name) : -1;
    const requestMs = config.request_timeout_seconds * 1000;
    const quietMs = options.quietTimeoutMs ?? 60_000;
    const primarysAloneMs = config.stages
      .slice(previousIndex + 1, stageIndex)
      .reduce((sum, skipped) => sum + primaryOnlyStageMaxMs(skipped, requestMs, quietMs), 0);
    const bound =
      options.timeoutSeconds * 1000 +
      (previous ? plannedStageMs(run, previousIndex) : 0) +
      requestMs +
      quietMs +
      primarysAloneMs;
    return awaitStageStart(
      context,
      options.runId,
      stageIndex,
      (previous?.start_ms ?? run.clock.nowMs()) + bound,
      run.cluster.instances.map((instance) => instance.instanceId),
    );
  }
  const model = target.models[0] ?? config.model_ids[0] ?? '';
  return publishStageStart(
    context,
    { baseUrl: target.baseUrl, model, headers: target.headers, dispatcher: run.dispatcher },
    options.runId,
    stageIndex,
    preparationMs,
  );
}

/** A shared stage's planned length, ms: its last send's offset (trace stages: the trace's). */
function plannedStageMs(run: NodeRun, stageIndex: number): number {
  const stage = run.loaded.config.stages[stageIndex];
  if (!stage) return 0;
  const trace = run.loaded.traces?.get(stage.name);
  if (trace) {
    const offsets = traceOffsetsMs(trace.requests, stage.trace_speed ?? 1, stage.iterations);
    return tracePlan((index: number) => offsets[index] ?? 0, stage.iterations).durationMs;
  }
  const plan = planArrivals(stage, run.loaded.config.seed, stageIndex);
  return plan.kind === 'open' ? plan.durationMs : 0;
}

/** Starts the cluster snapshots (EXO targets, once connected). */
async function startSnapshots(run: NodeRun, target: ResolvedTarget): Promise<void> {
  const { config } = run.loaded;
  if (target.kind === 'exo' && isConnected(run.cluster)) {
    const watch = await startClusterSnapshots(
      config,
      run.options,
      run.context,
      run.cluster,
      run.pollResets,
      run.dispatcher,
      (lost) => {
        run.lostInstances = lost;
        run.runAbort.abort(lost);
      },
    );
    run.snapshots = watch.snapshots;
    run.statePolling = watch.statePolling;
  }
}

/** The prompt calibrator of the run (config calibrate_prompts), or undefined. */
function promptCalibrator(run: NodeRun, target: ResolvedTarget): PromptCalibrator | undefined {
  const { config } = run.loaded;
  const origin = new URL(target.baseUrl).origin;
  return config.calibrate_prompts
    ? new PromptCalibrator(
        (model) =>
          httpPromptProbe(
            {
              dispatcher: run.dispatcher,
              origin,
              path: target.chatPath,
              headers: target.headers,
              timeoutMs: config.request_timeout_seconds * 1000,
              ...(run.signal ? { signal: run.signal } : {}),
            },
            model,
          ),
        calibrationNonce(run.options.runId),
      )
    : undefined;
}

/**
 * One stage: size its prompts (unless `preparedPrompts` were sized before), run its schedule, record
 * its results, let the cluster drain. With `load_from: all_nodes` on an EXO target, a stage the primary
 * sends alone (isPrimaryOnlyStage) goes to runPrimaryOnlyStage.
 */
async function runOneStage(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  calibrator: PromptCalibrator | undefined,
  preparedPrompts?: StagePrompts,
): Promise<void> {
  if (run.shared && isPrimaryOnlyStage(stage)) {
    await runPrimaryOnlyStage(run, target, stage, calibrator, run.shared);
    return;
  }
  if (stage.search) {
    await runSearchStage(run, target, stage, stage.search, calibrator);
    return;
  }
  await runScheduledStage(run, target, stage, calibrator, run.shared, preparedPrompts);
}

/**
 * A closed loop or capacity search with `load_from: all_nodes` (EXO targets; an openai target's config
 * refuses it): the primary runs it whole, exactly as with load_from: primary — every index, the search's
 * probes and their drains, no beacon — then lets the cluster drain, and records it in the schedule as
 * its own (`sent_by: primary`). A secondary sends nothing in it: it goes on to the next stage, whose
 * start the primary publishes only once this one has drained.
 */
async function runPrimaryOnlyStage(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  calibrator: PromptCalibrator | undefined,
  shared: NonNullable<NodeRun['shared']>,
): Promise<void> {
  const kind = stage.search ? 'a capacity search' : 'a closed loop';
  if (shared.starts) throw new Error(`stage ${stage.name}: ${kind} cannot run on starts fixed at plan time`);
  if (!run.options.isPrimary) {
    run.logger.info(
      `stage ${stage.name}: ${kind}, sent by the primary alone; this node waits for the next stage's start`,
    );
    return;
  }
  const beganAtMs = run.clock.nowMs();
  const recordsBefore = run.allRecords.length;
  try {
    if (stage.search) await runSearchStage(run, target, stage, stage.search, calibrator);
    else await runScheduledStage(run, target, stage, calibrator, undefined);
  } finally {
    // Recorded on every path: a stage cut short is still the primary's, with what it sent.
    const ran = run.stages.at(-1);
    shared.facts.stages.push({
      name: stage.name,
      sent_by: 'primary',
      start_ms: ran?.name === stage.name ? ran.started_at_ms : beganAtMs,
      late_ms: 0,
      requests: run.allRecords.length - recordsBefore,
    });
  }
  // The barrier: the next stage's start is published once nothing of this one is in flight anywhere
  // (a search's last probe has drained already; this is then one poll).
  if (target.kind === 'exo') await drainCluster(run);
}

/**
 * A scheduled stage (open or closed loop): its prompts, its schedule, its results, the drain. `shared`:
 * this node's share of a stage every node sends (load_from: all_nodes), from the start the primary
 * publishes or the plan fixed; undefined: every request, from now.
 */
async function runScheduledStage(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  calibrator: PromptCalibrator | undefined,
  shared: NodeRun['shared'],
  preparedPrompts?: StagePrompts,
): Promise<void> {
  const { config } = run.loaded;
  const { logger, clock } = run;
  const stageIndex = config.stages.indexOf(stage);
  const gaps = new Histogram();
  const trace = run.loaded.traces?.get(stage.name);
  const workload = stageWorkload(stage, trace);
  // A trace's requests are sent at their timestamps (scaled), from the stage's start.
  const offsets = trace
    ? traceOffsetsMs(trace.requests, stage.trace_speed ?? 1, stage.iterations)
    : undefined;
  const { stageRun, prompts, cpu } = await logger.group(`Stage ${stage.name}`, async () => {
    const { prompts, startAtMs } = await stagePromptsAndStart(
      run,
      target,
      stage,
      stageIndex,
      calibrator,
      shared,
      preparedPrompts,
      workload,
    );
    const cpuFrom = markCpu();
    const stageRun = await runStage(stage, {
      clock,
      logger,
      request: stageRequestOptions(run, (gapMs) => gaps.record(gapMs)),
      buildRequest: requestBuilder(config, target, run.options.runId, stage, prompts),
      onRecord: (record) => keepRecord(run, record),
      signal: run.context.signal,
      progressIntervalMs: run.context.progressIntervalMs,
      ...(offsets ? { plan: tracePlan((index: number) => offsets[index] ?? 0, stage.iterations) } : {}),
      // Each stage draws its random arrivals from its own stream of the run's seed.
      seed: config.seed,
      stageIndex,
      ...(shared && startAtMs !== undefined ? { startAtMs, share: shared.share } : {}),
    });
    return { stageRun, prompts, cpu: stageCpu(run, cpuFrom, stageRun.records.length) };
  });
  const ranStage = stageResults(
    stageRun,
    gaps,
    prompts.calibration,
    workload
      ? {
          source: workload.source,
          cache: expectedCache(workload, config.unique_prompts, stage.warmup_requests),
        }
      : undefined,
  );
  ranStage.client_cpu = cpu;
  if (shared?.starts) recordOverrun(run, shared, stageIndex, stageRun);
  keepStageResults(run, stage, ranStage, stageRun.interrupted);
  // Planned starts: the next stage waits for its own start; the drain bound is in it.
  if (shared && !shared.starts) await awaitSharedStageEnd(run, shared, stageIndex);
  // EXO's state shows requests still in flight; a plain OpenAI server has no such view. A secondary
  // whose next stage is the primary's alone does not wait: the primary drains before and after it, and
  // this node's next probes wait for the next published start.
  if (target.kind === 'exo' && !(shared && nextStageIsPrimarysAlone(run, stageIndex)))
    await drainCluster(run);
  // The seed's stage ends after the drain.
  completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
}

/**
 * A scheduled stage's prompts (sized now unless `preparedPrompts` were) and, when shared, its start.
 * Usually the prompts come first and the primary leaves the secondaries twice its own preparation time
 * to be ready. After a stage the primary sent alone, a secondary reads the start first: its calibration
 * probes must not land in the primary's closed loop or search, which may still run until the start is
 * published; the primary then leaves twice the longest preparation it has seen (the secondary may lack
 * a calibration the primary holds from the stage it sent alone).
 */
async function stagePromptsAndStart(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  stageIndex: number,
  calibrator: PromptCalibrator | undefined,
  shared: NodeRun['shared'],
  preparedPrompts: StagePrompts | undefined,
  workload: StageWorkload | undefined,
): Promise<{ prompts: StagePrompts; startAtMs: number | undefined }> {
  const afterPrimarys =
    shared !== undefined && !shared.starts && previousStageIsPrimarysAlone(run, stageIndex);
  const prepare = async (): Promise<StagePrompts> =>
    preparedPrompts ?? (await prepareOneStagePrompts(run, target, stage, workload, calibrator));
  if (!shared) return { prompts: await prepare(), startAtMs: undefined };
  if (afterPrimarys && !run.options.isPrimary) {
    const published = await sharedStageStart(run, target, stageIndex, 0);
    const prompts = await prepare();
    return { prompts, startAtMs: recordSharedStart(run, stage, shared, published) };
  }
  const preparedFromMs = run.clock.nowMs();
  const prompts = await prepare();
  const preparationMs = run.clock.nowMs() - preparedFromMs;
  const leadFor = afterPrimarys ? Math.max(preparationMs, run.longestPreparationMs) : preparationMs;
  const published = await sharedStageStart(run, target, stageIndex, leadFor);
  return { prompts, startAtMs: recordSharedStart(run, stage, shared, published) };
}

/** True when the stage before `stageIndex` (config order) is one the primary sends alone. */
function previousStageIsPrimarysAlone(run: NodeRun, stageIndex: number): boolean {
  const previous = run.loaded.config.stages[stageIndex - 1];
  return previous !== undefined && isPrimaryOnlyStage(previous);
}

/** True when a secondary's next stage (config order) is one the primary sends alone. */
function nextStageIsPrimarysAlone(run: NodeRun, stageIndex: number): boolean {
  const next = run.loaded.config.stages[stageIndex + 1];
  return !run.options.isPrimary && next !== undefined && isPrimaryOnlyStage(next);
}

/**
 * A stage's prompts, sized before its schedule starts (calibration probes are not stage requests). A
 * trace or shared_prefix stage composes a prompt per request from offsets measured once
 * (src/load/workload.ts).
 */
async function prepareOneStagePrompts(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  workload: StageWorkload | undefined,
  calibrator: PromptCalibrator | undefined,
): Promise<StagePrompts> {
  const { config } = run.loaded;
  const fromMs = run.clock.nowMs();
  const prompts = workload
    ? await prepareWorkloadPrompts(
        calibrator,
        target.models,
        workload,
        config.unique_prompts,
        `${run.options.runId}\u0000${stage.name}`,
      )
    : await prepareStagePrompts(calibrator, target.models, stage.prompt_length, config.unique_prompts);
  notePreparation(run, run.clock.nowMs() - fromMs);
  logCalibration(run.logger, stage, prompts);
  return prompts;
}

/** Keeps the longest prompt sizing of the run (`longestPreparationMs`). */
function notePreparation(run: NodeRun, preparationMs: number): void {
  run.longestPreparationMs = Math.max(run.longestPreparationMs, preparationMs);
}

/** One line per model saying how the stage's prompts were sized (a warning when they could not be). */
function logCalibration(logger: Logger, stage: StageConfig, prompts: StagePrompts): void {
  for (const calibration of prompts.calibration.models) {
    const line = describeCalibration(calibration);
    if (line.warn) logger.warning(`stage ${stage.name}: ${line.text}`);
    else logger.info(`stage ${stage.name}: ${line.text}`);
  }
}

/**
 * A shared stage's start (sharedStageStart's), recorded in the schedule facts with how late this node
 * is for it now (its prompts are ready), and logged with this node's share of the requests.
 */
function recordSharedStart(
  run: NodeRun,
  stage: StageConfig,
  shared: NonNullable<NodeRun['shared']>,
  startAtMs: number,
): number {
  const lateMs = Math.max(0, run.clock.nowMs() - startAtMs);
  shared.facts.stages.push({
    name: stage.name,
    sent_by: 'shared',
    start_ms: startAtMs,
    late_ms: lateMs,
    requests: shareCount(shared.share, stage.iterations),
  });
  run.logger.info(
    `stage ${stage.name}: shared start ${new Date(startAtMs).toISOString()}${lateMs > 0 ? `, ${lateMs.toFixed(1)} ms late here` : ''}; ${shareCount(shared.share, stage.iterations)} of ${stage.iterations} requests are this node's`,
  );
  return startAtMs;
}

/**
 * After a shared stage: the other nodes send until its planned end (give or take their clocks), and
 * every node lets all of it drain: the primary before it publishes the next start, a secondary before
 * its calibration probes for the next stage (they must not land in this one).
 */
async function awaitSharedStageEnd(
  run: NodeRun,
  shared: NonNullable<NodeRun['shared']>,
  stageIndex: number,
): Promise<void> {
  const { clock } = run;
  const plannedEndMs =
    (shared.facts.stages.at(-1)?.start_ms ?? clock.nowMs()) +
    plannedStageMs(run, stageIndex) +
    shared.facts.skew_tolerance_ms;
  if (clock.nowMs() < plannedEndMs) await clock.sleepUntil(plannedEndMs, run.context.signal);
}

/**
 * Planned starts: which of this node's requests of the stage were still in flight at the next stage's
 * start (recorded as the stage's `overrun`; none for the last stage). They were not cancelled: they
 * ended by themselves (runStage waits for them), so the next stage begins late here.
 */
function recordOverrun(
  run: NodeRun,
  shared: NonNullable<NodeRun['shared']>,
  stageIndex: number,
  stageRun: StageRun,
): void {
  const nextStartMs = shared.starts?.[stageIndex + 1];
  const facts = shared.facts.stages.at(-1);
  if (nextStartMs === undefined || !facts) return;
  facts.overrun = stageOverrun(
    stageRun.records.map((record) => record.ended_at_ms),
    nextStartMs,
  );
  if (facts.overrun.requests > 0)
    run.logger.warning(
      `stage ${facts.name}: ${facts.overrun.requests} of this node's requests were still in flight at the next stage's start (the last ended ${facts.overrun.ms.toFixed(1)} ms after it): all_nodes_drain_seconds is too short for them`,
    );
}

/** How a stage's requests are sent: the run's load dispatcher and the config's deadlines. */
function stageRequestOptions(run: NodeRun, onTokenGap: (gapMs: number) => void): RequestOptions {
  const { config } = run.loaded;
  return {
    dispatcher: run.loadDispatcher,
    requestTimeoutMs: config.request_timeout_seconds * 1000,
    idleTimeoutMs: config.stream_idle_timeout_seconds * 1000,
    onTokenGap,
  };
}

/** An ended request: its error redacted of the run's secrets, appended to requests.jsonl and kept. */
function keepRecord(run: NodeRun, record: RequestRecord): void {
  if (run.secrets.any && record.error_message !== undefined)
    record.error_message = run.secrets.redact(record.error_message);
  run.requestsFile.append(record);
  run.allRecords.push(record);
}

/** Adds a stage's results to the run; a stage cut short (lost instances, cancellation) ends the run. */
function keepStageResults(
  run: NodeRun,
  stage: StageConfig,
  ranStage: StageResults,
  interrupted: boolean,
): void {
  run.stages.push(ranStage);
  if (run.lostInstances) throw run.lostInstances;
  if (interrupted || run.signal?.aborted) throw new CancelledError('cancelled during stage ' + stage.name);
}

/** Waits (bounded by quietTimeoutMs) until EXO's state shows no request of the run in flight. */
async function drainCluster(run: NodeRun): Promise<void> {
  await waitForQuiet(run.context, run.clock.nowMs() + (run.options.quietTimeoutMs ?? 60_000));
}

/** What every probe of one capacity search shares. */
interface SearchProbeContext {
  run: NodeRun;
  target: ResolvedTarget;
  stage: StageConfig;
  search: SearchConfig;
  metric: MetricDefinition;
  mode: SearchMode;
  /** The load's unit in log lines: `req/s` or `in flight`. */
  unit: string;
  /** The stage's requests, numbered on across probes. */
  buildRequest: (index: number) => RequestSpec;
  /** The token gaps of every probe of the stage. */
  gaps: Histogram;
  /** Every probe's run so far, in order. */
  runs: StageRun[];
}

/**
 * A capacity search stage (src/load/search.ts): each probe is a sub-stage run through runStage with a
 * synthetic StageConfig — `probe_requests` requests at a constant rate of `load` per second, or with
 * `concurrency: load` — under the stage's name, its records numbered on across probes and tagged with
 * `probe`. Every probe ends when all of its requests have ended (runStage drains), and on an EXO target
 * the cluster is also let go quiet before the next, so no probe inherits another's queue.
 */
async function runSearchStage(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  search: SearchConfig,
  calibrator: PromptCalibrator | undefined,
): Promise<void> {
  const { config } = run.loaded;
  const { logger, clock } = run;
  const metric = METRICS.get(search.metric);
  if (!metric) throw new Error(`unknown search metric ${search.metric}`);
  const mode = searchMode(search);
  const unit = mode === 'rate' ? 'req/s' : 'in flight';
  const gaps = new Histogram();
  const runs: StageRun[] = [];
  const { results, prompts, cpu } = await logger.group(`Stage ${stage.name}`, async () => {
    const preparedFromMs = clock.nowMs();
    const prompts = await prepareStagePrompts(
      calibrator,
      target.models,
      stage.prompt_length,
      config.unique_prompts,
    );
    notePreparation(run, clock.nowMs() - preparedFromMs);
    logCalibration(logger, stage, prompts);
    const bound = search.max !== undefined ? `≤ ${search.max}` : `≥ ${search.min ?? 0}`;
    logger.info(
      `stage ${stage.name}: capacity search, ${search.metric} ${bound}, ${mode} ${searchRange(search).min}–${searchRange(search).max}, ${search.probe_requests} requests per probe, at most ${search.max_probes} probes`,
    );
    // Requests are numbered on across probes, so that (stage, index) stays unique in requests.jsonl.
    let offset = 0;
    const buildRequest = requestBuilder(config, target, run.options.runId, stage, prompts);
    const probe: SearchProbeContext = {
      run,
      target,
      stage,
      search,
      metric,
      mode,
      unit,
      buildRequest,
      gaps,
      runs,
    };
    const cpuFrom = markCpu();
    const results = await searchCapacity(search, metric.requiredSamples, (load, probeIndex) => {
      const first = offset;
      offset += search.probe_requests;
      return runSearchProbe(probe, load, probeIndex, first);
    });
    const capacity =
      results.capacity === null
        ? `below ${results.capacity_high ?? searchRange(search).min} ${unit}`
        : `${results.capacity} ${unit} (bracket ${results.capacity_low}–${results.capacity_high ?? '∞'})`;
    logger.info(
      `stage ${stage.name}: capacity ${capacity}, ${results.probes.length} probes, ${results.reason}`,
    );
    return { results, prompts, cpu: stageCpu(run, cpuFrom, offset) };
  });
  // The stage's results cover all its probes together; its `search` says what each found.
  const combined = combineProbeRuns(stage, runs, config.seed, clock);
  const ranStage = { ...stageResults(combined, gaps, prompts.calibration), search: results, client_cpu: cpu };
  keepStageResults(run, stage, ranStage, combined.interrupted);
  completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
}

/**
 * One probe of a capacity search at `load`: a sub-stage of `probe_requests` requests numbered from
 * `first`, run to its end, then (EXO) the cluster let go quiet; returns its figures to the search.
 */
async function runSearchProbe(
  probe: SearchProbeContext,
  load: number,
  probeIndex: number,
  first: number,
): Promise<ProbeMeasurement> {
  const { run, stage, search, metric, gaps } = probe;
  const { logger, clock } = run;
  const probeGaps = new Histogram();
  const stageRun = await runStage(probeStageConfig(stage, search, probe.mode, load), {
    clock,
    logger,
    request: stageRequestOptions(run, (gapMs) => {
      gaps.record(gapMs);
      probeGaps.record(gapMs);
    }),
    buildRequest: (index) => probe.buildRequest(first + index),
    onRecord: (record) => {
      record.index += first;
      record.probe = probeIndex;
      keepRecord(run, record);
    },
    signal: run.context.signal,
    progressIntervalMs: run.context.progressIntervalMs,
  });
  probe.runs.push(stageRun);
  const stats = computeStatistics(stageRun.records);
  const observation = metric.observe(stats, histogramSummary(probeGaps));
  const interrupted = stageRun.interrupted || run.signal?.aborted === true || run.lostInstances !== undefined;
  // Drain: the next probe must not start on this one's queue (runStage already waited for every request).
  if (!interrupted && probe.target.kind === 'exo') await drainCluster(run);
  const value = observation.value === null ? '–' : formatProbeValue(observation.value);
  logger.info(
    `stage ${stage.name}: probe ${probeIndex} at ${load} ${probe.unit}: ${search.metric} ${value} over ${observation.samples} samples, ${stats.failed_requests}/${stats.total_requests} failed`,
  );
  return {
    requests: stats.total_requests,
    failures: stats.failed_requests,
    value: observation.value,
    samples: observation.samples,
    started_at_ms: stageRun.startedAtMs,
    ended_at_ms: stageRun.endedAtMs,
    achieved_rps: stats.total_requests > 0 ? stats.requests_per_second : null,
    interrupted,
  };
}

/** A probe's synthetic stage: `probe_requests` requests at `load` per second, or `load` in flight. */
function probeStageConfig(
  stage: StageConfig,
  search: SearchConfig,
  mode: SearchMode,
  load: number,
): StageConfig {
  return {
    name: stage.name,
    prompt_length: stage.prompt_length,
    generation_length: stage.generation_length,
    time_between_requests: mode === 'rate' ? 1 / load : 0,
    iterations: search.probe_requests,
    no_overlap: false,
    warmup_requests: 0,
    warmup: false,
    ...(mode === 'concurrency' ? { concurrency: load } : {}),
  };
}

/** A search stage's probes as one stage run: their records, span, peak and samples together. */
function combineProbeRuns(stage: StageConfig, runs: StageRun[], seed: number, clock: Clock): StageRun {
  return {
    stage,
    records: runs.flatMap((probeRun) => probeRun.records).sort((a, b) => a.index - b.index),
    startedAtMs: runs[0]?.startedAtMs ?? clock.nowMs(),
    endedAtMs: runs.reduce(
      (latest, probeRun) => Math.max(latest, probeRun.endedAtMs),
      runs[0]?.startedAtMs ?? 0,
    ),
    peakInFlight: runs.reduce((peak, probeRun) => Math.max(peak, probeRun.peakInFlight), 0),
    inFlightSamples: runs.flatMap((probeRun) => probeRun.inFlightSamples),
    interrupted: runs.some((probeRun) => probeRun.interrupted),
    // Each probe had its own plan; the stage's load shape says "capacity search" (loadShape).
    plan: runs[0]?.plan ?? { kind: 'closed', concurrency: 1, pauseMs: 0 },
    seed,
  };
}

/** The CPU the process used since `from`, a stage's span in which `requests` requests were sent. */
function stageCpu(run: NodeRun, from: CpuMark, requests: number): ClientCpuUsage {
  return clientCpuUsage(from, markCpu(), requests, simulatedInProcess(run));
}

/** The shells set provenance.simulated exactly when the simulator runs in this process (`--simulate`). */
function simulatedInProcess(run: NodeRun): boolean {
  return run.options.provenance?.simulated === true;
}

/** A probe's metric value in a log line: 3 significant digits, no exponent. */
function formatProbeValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}

/** Closes the run on every path: snapshots stopped, requests.jsonl closed, placed instances deleted. */
async function closeRun(run: NodeRun): Promise<void> {
  const { options, cluster, logger, snapshots, statePolling } = run;
  run.loopDelay.disable();
  snapshots?.stop();
  if (statePolling && snapshots) statePolling.requests = snapshots.requests;
  run.requestsFile.close();
  if (options.isPrimary && cluster.placedIds.length > 0) {
    // Cleanup runs on every path; cancellation gets a fresh deadline of its own (not the aborted signal).
    const cleanupContext: ClusterContext = { ...run.context };
    delete cleanupContext.signal;
    await logger.group('Cleanup', async () => {
      const left = await deleteInstances(cleanupContext, cluster.placedIds, run.clock.nowMs() + 60_000);
      if (left.length === 0) options.onInstancesDeleted?.();
    });
  }
  if (run.loadDispatcher !== run.dispatcher) await run.loadDispatcher.close().catch(() => undefined);
  await run.dispatcher.close().catch(() => undefined);
}

/** The results document with validity, gates and verdict judged. */
function judgeRun(run: NodeRun, failure: ExoBenchError | Error | undefined): ResultsDocument {
  const { loaded, options, stages, loopDelay, secrets } = run;
  // The run-level figures (outputs, headline, run thresholds) leave warm-up stages out, and say so; and
  // capacity search stages, whose probes are overloaded on purpose (their capacity is their figure).
  const runStages = stages
    .filter((stage) => !stage.config.warmup && !stage.config.search)
    .map((stage) => stage.name);
  const runRecords = run.allRecords.filter((record) => runStages.includes(record.stage));
  const validity = judgeValidity(loaded.config, stages, loopDelay.percentileMs(99), loopDelay.sampleCount);
  // A shared stage this node began late was not sent on the one schedule.
  const lateReasons = run.shared ? scheduleReasons(run.shared.facts) : [];
  if (lateReasons.length > 0) {
    validity.reasons.push(...lateReasons);
    validity.valid = false;
    validity.status = 'invalid';
  }
  // With all_nodes every node sends a share: its own figures describe its share, and the merge (of
  // every node's records) is the run's result, gated there. A node's own gates would judge a part.
  const sendsLoad = options.isPrimary || run.shared !== undefined;
  const errorInfo = failure
    ? {
        kind: failure instanceof ExoBenchError ? failure.kind : 'internal',
        message: secrets.redact(failure.message),
        ...(failure instanceof ExoBenchError && failure.hint ? { hint: secrets.redact(failure.hint) } : {}),
      }
    : null;
  const document = buildResultsDocument({
    loaded,
    run: options,
    startedAtMs: run.startedAtMs,
    completedAtMs: run.clock.nowMs(),
    target: run.target,
    cluster: run.cluster,
    statePolling: run.statePolling,
    stateResets: [...run.context.resetWatch.resets, ...run.pollResets.resets],
    stages,
    runStatistics: sendsLoad && runRecords.length > 0 ? computeStatistics(runRecords) : null,
    runStages,
    snapshots: run.snapshots?.snapshots ?? [],
    validity,
    error: errorInfo,
    ...(run.shared ? { schedule: run.shared.facts } : {}),
  });
  document.client_cpu = clientCpuUsage(
    run.cpuAtStart,
    markCpu(),
    run.allRecords.length,
    simulatedInProcess(run),
  );
  if (options.isPrimary && !run.shared)
    Object.assign(document, evaluateGates(document, runRecords, options.baseline, run.logger));
  document.verdict = sendsLoad ? judgeVerdict(document) : errorInfo ? 'error' : 'pass';
  return document;
}
