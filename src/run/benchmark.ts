/**
 * The use case both shells call: one node's part of a benchmark. The primary brings the models up,
 * runs every stage and tears down; a secondary waits for the primary's instances, then for their
 * deletion. Either way the node writes results.json, requests.jsonl and summary.md into the output
 * folder, on every path, and returns a verdict instead of throwing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Agent } from 'undici';
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
import type { LoadedConfig, SearchConfig, StageConfig } from '../config/types.js';
import { CancelledError, ExoBenchError, describeError } from '../core/errors.js';
import {
  calibrationNonce,
  describeCalibration,
  httpPromptProbe,
  prepareStagePrompts,
  prepareWorkloadPrompts,
  PromptCalibrator,
} from '../load/calibrate.js';
import { requestBuilder } from '../load/request-builder.js';
import { searchCapacity, searchMode, searchRange } from '../load/search.js';
import { runStage, type StageRun } from '../load/stage.js';
import { traceOffsetsMs } from '../config/trace.js';
import { tracePlan } from '../load/arrivals.js';
import { primaryLoadLength } from '../load/duration.js';
import { expectedCache, stageWorkload } from '../load/workload.js';
import { computeStatistics, histogramSummary } from '../metrics/aggregate.js';
import { Histogram } from '../metrics/histogram.js';
import type { RequestRecord } from '../metrics/record.js';
import { completeSeedStage } from '../metrics/seed.js';
import type { Logger, NodeRunPorts } from '../core/ports.js';
import { REPORT_FILE, REQUESTS_FILE, RESULTS_FILE, SUMMARY_FILE } from '../results/files.js';
import { JsonlWriter } from '../report/jsonl.js';
import type {
  ClientCpuUsage,
  Provenance,
  ResultsDocument,
  StatePollingFacts,
  StageResults,
  Verdict,
} from '../results/document.js';
import { renderHtmlReport } from '../report/html.js';
import { renderSummary } from '../report/summary.js';
import { chartInputs } from '../report/charts.js';
import { buildResultsDocument, stageResults } from '../report/results-document.js';
import { clientCpuUsage, markCpu, type CpuMark } from '../results/client-cpu.js';
import { resolveTarget, waitForOpenAiServer, type ResolvedTarget } from '../target/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { SecretRedactor, urlPassword } from '../util/redact.js';
import { evaluateGates, writeBenchmarkActionFiles, type BaselineInput } from '../verdict/index.js';
import { METRICS } from '../metrics/catalog.js';
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
}

/** What a node run produced. */
export interface NodeRunOutcome {
  verdict: Verdict;
  document: ResultsDocument;
  resultsPath: string;
  requestsPath: string;
  summaryPath: string;
  /** Self-contained HTML report with the charts. */
  reportPath: string;
  summaryMarkdown: string;
  /** github-action-benchmark files (customSmallerIsBetter / customBiggerIsBetter). */
  benchmarkSmallerPath: string;
  benchmarkBiggerPath: string;
}

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
  paths: { results: string; requests: string; summary: string; report: string };
  requestsFile: JsonlWriter;
  dispatcher: Agent;
  context: ClusterContext & { resetWatch: StateResetWatch };
  /** Resets seen by the snapshots' own state reads (when they poll another node). */
  pollResets: StateResetWatch;
  startedAtMs: number;
  /** The process's CPU time at the run's start (results.json's client_cpu). */
  cpuAtStart: CpuMark;
  deadlineMs: number;
  secrets: SecretRedactor;
  loopDelay: IntervalHistogram;
  cluster: ClusterPhaseState;
  target?: ResolvedTarget;
  stages: StageResults[];
  allRecords: RequestRecord[];
  snapshots?: SnapshotRecorder;
  statePolling?: StatePollingFacts;
  /** Set when a reset of EXO's state took the run's instances: the stage loop ends with it. */
  lostInstances?: ExoBenchError;
}

/** Runs this node's part of the benchmark. Never throws: failures become `verdict: error`. */
export async function runNode(
  loaded: LoadedConfig,
  options: NodeRunOptions,
  ports: NodeRunPorts,
  signal?: AbortSignal,
): Promise<NodeRunOutcome> {
  const run = openRun(loaded, options, ports, signal);
  let failure: ExoBenchError | Error | undefined;
  try {
    const target = await connectTarget(run);
    if (options.isPrimary) await runStagesAsPrimary(run, target);
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
  return writeReports(run, judgeRun(run, failure));
}

/** Opens the run: the output folder and requests.jsonl, one HTTP dispatcher, the cluster context. */
function openRun(
  loaded: LoadedConfig,
  options: NodeRunOptions,
  ports: NodeRunPorts,
  signal: AbortSignal | undefined,
): NodeRun {
  const { logger } = ports;
  const clock = options.clock ?? systemClock;
  mkdirSync(options.outputDir, { recursive: true });
  const paths = {
    results: join(options.outputDir, RESULTS_FILE),
    requests: join(options.outputDir, REQUESTS_FILE),
    summary: join(options.outputDir, SUMMARY_FILE),
    report: join(options.outputDir, REPORT_FILE),
  };
  writeFileSync(paths.requests, '');
  const requestsFile = new JsonlWriter(paths.requests);
  // One dispatcher for everything: no hidden cap on connections (a Pool per origin, unlimited).
  const dispatcher = new Agent({
    connections: null,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    connect: { timeout: 30_000 },
  });
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
    context,
    pollResets: new StateResetWatch(),
    startedAtMs,
    cpuAtStart: markCpu(),
    deadlineMs: startedAtMs + options.timeoutSeconds * 1000,
    secrets,
    loopDelay: monitorEventLoopDelay({ resolution: 1 }),
    cluster: { placedIds: [], instances: [], downloads: new DownloadTracker() },
    stages: [],
    allRecords: [],
  };
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
  run.loopDelay.enable();
  const origin = new URL(target.baseUrl).origin;
  const calibrator = config.calibrate_prompts
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
  for (const stage of config.stages) await runOneStage(run, target, stage, calibrator);
  run.loopDelay.disable();
  run.snapshots?.stop();
}

/** One stage: size its prompts, run its schedule, record its results, let the cluster drain. */
async function runOneStage(
  run: NodeRun,
  target: ResolvedTarget,
  stage: StageConfig,
  calibrator: PromptCalibrator | undefined,
): Promise<void> {
  if (stage.search) {
    await runSearchStage(run, target, stage, stage.search, calibrator);
    return;
  }
  const { config } = run.loaded;
  const { logger, clock, secrets } = run;
  const gaps = new Histogram();
  const trace = run.loaded.traces?.get(stage.name);
  const workload = stageWorkload(stage, trace);
  // A trace's requests are sent at their timestamps (scaled), from the stage's start.
  const offsets = trace
    ? traceOffsetsMs(trace.requests, stage.trace_speed ?? 1, stage.iterations)
    : undefined;
  const { stageRun, prompts, cpu } = await logger.group(`Stage ${stage.name}`, async () => {
    // Probes run before the stage's schedule starts: they are not stage requests. A trace or
    // shared_prefix stage composes a prompt per request from offsets measured once (src/load/workload.ts).
    const prompts = workload
      ? await prepareWorkloadPrompts(
          calibrator,
          target.models,
          workload,
          config.unique_prompts,
          `${run.options.runId}\u0000${stage.name}`,
        )
      : await prepareStagePrompts(calibrator, target.models, stage.prompt_length, config.unique_prompts);
    for (const calibration of prompts.calibration.models) {
      const line = describeCalibration(calibration);
      if (line.warn) logger.warning(`stage ${stage.name}: ${line.text}`);
      else logger.info(`stage ${stage.name}: ${line.text}`);
    }
    const cpuFrom = markCpu();
    const stageRun = await runStage(stage, {
      clock,
      logger,
      request: {
        dispatcher: run.dispatcher,
        requestTimeoutMs: config.request_timeout_seconds * 1000,
        idleTimeoutMs: config.stream_idle_timeout_seconds * 1000,
        onTokenGap: (gapMs) => gaps.record(gapMs),
      },
      buildRequest: requestBuilder(config, target, run.options.runId, stage, prompts),
      onRecord: (record) => {
        if (secrets.any && record.error_message !== undefined)
          record.error_message = secrets.redact(record.error_message);
        run.requestsFile.append(record);
        run.allRecords.push(record);
      },
      signal: run.context.signal,
      progressIntervalMs: run.context.progressIntervalMs,
      ...(offsets ? { plan: tracePlan((index: number) => offsets[index] ?? 0, stage.iterations) } : {}),
      // Each stage draws its random arrivals from its own stream of the run's seed.
      seed: config.seed,
      stageIndex: config.stages.indexOf(stage),
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
  run.stages.push(ranStage);
  if (run.lostInstances) throw run.lostInstances;
  if (stageRun.interrupted || run.signal?.aborted)
    throw new CancelledError('cancelled during stage ' + stage.name);
  // EXO's state shows requests still in flight; a plain OpenAI server has no such view.
  if (target.kind === 'exo')
    await waitForQuiet(run.context, clock.nowMs() + (run.options.quietTimeoutMs ?? 60_000));
  // The seed's stage ends after the drain.
  completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
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
  const { logger, clock, secrets } = run;
  const metric = METRICS.get(search.metric);
  if (!metric) throw new Error(`unknown search metric ${search.metric}`);
  const mode = searchMode(search);
  const unit = mode === 'rate' ? 'req/s' : 'in flight';
  const bound = search.max !== undefined ? `≤ ${search.max}` : `≥ ${search.min ?? 0}`;
  const gaps = new Histogram();
  const runs: StageRun[] = [];
  const { results, prompts, cpu } = await logger.group(`Stage ${stage.name}`, async () => {
    const prompts = await prepareStagePrompts(
      calibrator,
      target.models,
      stage.prompt_length,
      config.unique_prompts,
    );
    for (const calibration of prompts.calibration.models) {
      const line = describeCalibration(calibration);
      if (line.warn) logger.warning(`stage ${stage.name}: ${line.text}`);
      else logger.info(`stage ${stage.name}: ${line.text}`);
    }
    logger.info(
      `stage ${stage.name}: capacity search, ${search.metric} ${bound}, ${mode} ${searchRange(search).min}–${searchRange(search).max}, ${search.probe_requests} requests per probe, at most ${search.max_probes} probes`,
    );
    // Requests are numbered on across probes, so that (stage, index) stays unique in requests.jsonl.
    let offset = 0;
    const buildRequest = requestBuilder(config, target, run.options.runId, stage, prompts);
    const cpuFrom = markCpu();
    const results = await searchCapacity(search, metric.requiredSamples, async (load, probeIndex) => {
      const probeStage: StageConfig = {
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
      const first = offset;
      offset += search.probe_requests;
      const probeGaps = new Histogram();
      const stageRun = await runStage(probeStage, {
        clock,
        logger,
        request: {
          dispatcher: run.dispatcher,
          requestTimeoutMs: config.request_timeout_seconds * 1000,
          idleTimeoutMs: config.stream_idle_timeout_seconds * 1000,
          onTokenGap: (gapMs) => {
            gaps.record(gapMs);
            probeGaps.record(gapMs);
          },
        },
        buildRequest: (index) => buildRequest(first + index),
        onRecord: (record) => {
          record.index += first;
          record.probe = probeIndex;
          if (secrets.any && record.error_message !== undefined)
            record.error_message = secrets.redact(record.error_message);
          run.requestsFile.append(record);
          run.allRecords.push(record);
        },
        signal: run.context.signal,
        progressIntervalMs: run.context.progressIntervalMs,
      });
      runs.push(stageRun);
      const stats = computeStatistics(stageRun.records);
      const observation = metric.observe(stats, histogramSummary(probeGaps));
      const interrupted =
        stageRun.interrupted || run.signal?.aborted === true || run.lostInstances !== undefined;
      // Drain: the next probe must not start on this one's queue (runStage already waited for every request).
      if (!interrupted && target.kind === 'exo')
        await waitForQuiet(run.context, clock.nowMs() + (run.options.quietTimeoutMs ?? 60_000));
      const value = observation.value === null ? '–' : formatProbeValue(observation.value);
      logger.info(
        `stage ${stage.name}: probe ${probeIndex} at ${load} ${unit}: ${search.metric} ${value} over ${observation.samples} samples, ${stats.failed_requests}/${stats.total_requests} failed`,
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
  const combined: StageRun = {
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
    seed: config.seed,
  };
  const ranStage = { ...stageResults(combined, gaps, prompts.calibration), search: results, client_cpu: cpu };
  run.stages.push(ranStage);
  if (run.lostInstances) throw run.lostInstances;
  if (combined.interrupted || run.signal?.aborted)
    throw new CancelledError('cancelled during stage ' + stage.name);
  completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
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
  const eventLoopP99Ms = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : null;
  const validity = judgeValidity(loaded.config, stages, eventLoopP99Ms, loopDelay.count);
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
    runStatistics: options.isPrimary && runRecords.length > 0 ? computeStatistics(runRecords) : null,
    runStages,
    snapshots: run.snapshots?.snapshots ?? [],
    validity,
    error: errorInfo,
  });
  document.client_cpu = clientCpuUsage(
    run.cpuAtStart,
    markCpu(),
    run.allRecords.length,
    simulatedInProcess(run),
  );
  if (options.isPrimary)
    Object.assign(document, evaluateGates(document, runRecords, options.baseline, run.logger));
  document.verdict = options.isPrimary ? judgeVerdict(document) : errorInfo ? 'error' : 'pass';
  return document;
}

/** Writes results.json, the benchmark-action files, summary.md and report.html. */
function writeReports(run: NodeRun, document: ResultsDocument): NodeRunOutcome {
  const { paths } = run;
  writeFileSync(paths.results, `${JSON.stringify(document, null, 2)}\n`);
  const benchmarkFiles = writeBenchmarkActionFiles(run.options.outputDir, document);
  const charts = chartInputs(run.allRecords);
  const summaryMarkdown = renderSummary(document, charts);
  writeFileSync(paths.summary, summaryMarkdown);
  writeFileSync(paths.report, renderHtmlReport(document, charts));
  return {
    verdict: document.verdict,
    document,
    resultsPath: paths.results,
    requestsPath: paths.requests,
    summaryPath: paths.summary,
    reportPath: paths.report,
    summaryMarkdown,
    benchmarkSmallerPath: benchmarkFiles.smallerPath,
    benchmarkBiggerPath: benchmarkFiles.biggerPath,
  };
}
