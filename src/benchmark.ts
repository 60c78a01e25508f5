/**
 * The use case both shells call: one node's part of a benchmark. The primary brings the models up,
 * runs every stage and tears down; a secondary waits for the primary's instances, then for their
 * deletion. Either way the node writes results.json, requests.jsonl and summary.md into the output
 * folder, on every path, and returns a verdict instead of throwing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent } from 'undici';
import { ExoClient } from './cluster/client.js';
import {
  deleteInstances,
  DownloadTracker,
  StateResetWatch,
  waitForQuiet,
  type ClusterContext,
} from './cluster/orchestrate.js';
import {
  isConnected,
  prepareExoCluster,
  startClusterSnapshots,
  waitForPrimaryToFinish,
  type ClusterPhaseState,
} from './cluster/phase.js';
import type { SnapshotRecorder } from './cluster/snapshots.js';
import type { LoadedConfig } from './config/types.js';
import { CancelledError, ExoBenchError, describeError } from './errors.js';
import {
  calibrationNonce,
  describeCalibration,
  httpPromptProbe,
  prepareStagePrompts,
  PromptCalibrator,
} from './load/calibrate.js';
import { requestBuilder } from './load/request-builder.js';
import { runStage } from './load/stage.js';
import { computeStatistics } from './metrics/aggregate.js';
import { Histogram } from './metrics/histogram.js';
import type { RequestRecord } from './metrics/record.js';
import { completeSeedStage } from './metrics/seed.js';
import type { NodeRunPorts } from './ports.js';
import { REPORT_FILE, REQUESTS_FILE, RESULTS_FILE, SUMMARY_FILE } from './report/files.js';
import { JsonlWriter } from './report/jsonl.js';
import type {
  Provenance,
  ResultsDocument,
  StatePollingFacts,
  StageResults,
  Verdict,
} from './report/results.js';
import { renderHtmlReport } from './report/html.js';
import { renderSummary } from './report/summary.js';
import { chartInputs } from './report/charts.js';
import { buildResultsDocument, stageResults } from './report/results-document.js';
import { resolveTarget, waitForOpenAiServer, type ResolvedTarget } from './target/index.js';
import { systemClock, type Clock } from './util/clock.js';
import { SecretRedactor, urlPassword } from './util/redact.js';
import { evaluateGates, writeBenchmarkActionFiles, type BaselineInput } from './verdict/index.js';
import { judgeValidity, judgeVerdict } from './verdict/validity.js';

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

/** Runs this node's part of the benchmark. Never throws: failures become `verdict: error`. */
export async function runNode(
  loaded: LoadedConfig,
  options: NodeRunOptions,
  ports: NodeRunPorts,
  signal?: AbortSignal,
): Promise<NodeRunOutcome> {
  const { config } = loaded;
  const { logger } = ports;
  const clock = options.clock ?? systemClock;
  mkdirSync(options.outputDir, { recursive: true });
  const resultsPath = join(options.outputDir, RESULTS_FILE);
  const requestsPath = join(options.outputDir, REQUESTS_FILE);
  const summaryPath = join(options.outputDir, SUMMARY_FILE);
  const reportPath = join(options.outputDir, REPORT_FILE);
  writeFileSync(requestsPath, '');
  const requestsFile = new JsonlWriter(requestsPath);

  // One dispatcher for everything: no hidden cap on connections (a Pool per origin, unlimited).
  const dispatcher = new Agent({
    connections: null,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    connect: { timeout: 30_000 },
  });
  // Aborted by SIGINT/SIGTERM, or by the run itself when the cluster loses its instances mid-stage.
  const runAbort = new AbortController();
  const runSignal = signal ? AbortSignal.any([signal, runAbort.signal]) : runAbort.signal;
  let lostInstances: ExoBenchError | undefined;
  const context: ClusterContext & { resetWatch: StateResetWatch } = {
    client: new ExoClient(options.apiUrl, { dispatcher }),
    clock,
    logger,
    signal: runSignal,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    progressIntervalMs: options.progressIntervalMs ?? 5_000,
    resetWatch: new StateResetWatch(),
  };
  const startedAtMs = clock.nowMs();
  const deadlineMs = startedAtMs + options.timeoutSeconds * 1000;

  const cluster: ClusterPhaseState = { placedIds: [], instances: [], downloads: new DownloadTracker() };
  let target: ResolvedTarget | undefined;
  const stages: StageResults[] = [];
  const allRecords: RequestRecord[] = [];
  let failure: ExoBenchError | Error | undefined;
  let snapshots: SnapshotRecorder | undefined;
  let statePolling: StatePollingFacts | undefined;
  const pollResets = new StateResetWatch();
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });

  // Credentials this run holds: masked in logs, and redacted from whatever a server sends back.
  const secrets = new SecretRedactor(ports);
  secrets.add(urlPassword(options.apiUrl));

  try {
    const resolved = resolveTarget(config, options.apiUrl, options.env ?? process.env);
    target = resolved;
    secrets.add(resolved.apiKey);
    secrets.add(urlPassword(resolved.baseUrl));
    if (resolved.kind === 'openai') {
      await logger.group('Target', async () => {
        await waitForOpenAiServer(
          resolved,
          {
            dispatcher,
            clock,
            logger,
            progressIntervalMs: context.progressIntervalMs,
            ...(signal ? { signal } : {}),
          },
          deadlineMs,
        );
        logger.info(
          `OpenAI-compatible server ready at ${resolved.baseUrl}; model ${resolved.models.join(', ')}`,
        );
      });
    } else {
      await logger.group('Cluster', () => prepareExoCluster(config, options, context, cluster, deadlineMs));
    }

    if (options.isPrimary) {
      if (resolved.kind === 'exo' && isConnected(cluster)) {
        const watch = await startClusterSnapshots(
          config,
          options,
          context,
          cluster,
          pollResets,
          dispatcher,
          (lost) => {
            lostInstances = lost;
            runAbort.abort(lost);
          },
        );
        snapshots = watch.snapshots;
        statePolling = watch.statePolling;
      }
      loopDelay.enable();
      const origin = new URL(resolved.baseUrl).origin;
      const calibrator = config.calibrate_prompts
        ? new PromptCalibrator(
            (model) =>
              httpPromptProbe(
                {
                  dispatcher,
                  origin,
                  path: resolved.chatPath,
                  headers: resolved.headers,
                  timeoutMs: config.request_timeout_seconds * 1000,
                  ...(signal ? { signal } : {}),
                },
                model,
              ),
            calibrationNonce(options.runId),
          )
        : undefined;
      for (const stage of config.stages) {
        const gaps = new Histogram();
        const { run, prompts } = await logger.group(`Stage ${stage.name}`, async () => {
          // Probes run before the stage's schedule starts: they are not stage requests.
          const prompts = await prepareStagePrompts(
            calibrator,
            resolved.models,
            stage.prompt_length,
            config.unique_prompts,
          );
          for (const calibration of prompts.calibration.models) {
            const line = describeCalibration(calibration);
            if (line.warn) logger.warning(`stage ${stage.name}: ${line.text}`);
            else logger.info(`stage ${stage.name}: ${line.text}`);
          }
          const run = await runStage(stage, {
            clock,
            logger,
            request: {
              dispatcher,
              requestTimeoutMs: config.request_timeout_seconds * 1000,
              idleTimeoutMs: config.stream_idle_timeout_seconds * 1000,
              onTokenGap: (gapMs) => gaps.record(gapMs),
            },
            buildRequest: requestBuilder(config, resolved, options.runId, stage, prompts),
            onRecord: (record) => {
              if (secrets.any && record.error_message !== undefined)
                record.error_message = secrets.redact(record.error_message);
              requestsFile.append(record);
              allRecords.push(record);
            },
            signal: runSignal,
            progressIntervalMs: context.progressIntervalMs,
          });
          return { run, prompts };
        });
        stages.push(stageResults(run, gaps, prompts.calibration));
        if (lostInstances) throw lostInstances;
        if (run.interrupted || signal?.aborted)
          throw new CancelledError('cancelled during stage ' + stage.name);
        // EXO's state shows requests still in flight; a plain OpenAI server has no such view.
        if (resolved.kind === 'exo')
          await waitForQuiet(context, clock.nowMs() + (options.quietTimeoutMs ?? 60_000));
        // The seed's stage ends after the drain.
        const ranStage = stages[stages.length - 1] as StageResults;
        completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
      }
      loopDelay.disable();
      snapshots?.stop();
    } else if (resolved.kind === 'openai') {
      logger.info('secondary: an openai target has no cluster to wait for; nothing to do');
    } else {
      await waitForPrimaryToFinish(config, options, context, cluster);
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    logger.error(describeError(error));
  } finally {
    loopDelay.disable();
    snapshots?.stop();
    if (statePolling && snapshots) statePolling.requests = snapshots.requests;
    requestsFile.close();
    if (options.isPrimary && cluster.placedIds.length > 0) {
      // Cleanup runs on every path; cancellation gets a fresh deadline of its own (not the aborted signal).
      const cleanupContext: ClusterContext = { ...context };
      delete cleanupContext.signal;
      await logger.group('Cleanup', async () => {
        const left = await deleteInstances(cleanupContext, cluster.placedIds, clock.nowMs() + 60_000);
        if (left.length === 0) options.onInstancesDeleted?.();
      });
    }
    await dispatcher.close().catch(() => undefined);
  }

  // The run-level figures (outputs, headline, run thresholds) leave warm-up stages out, and say so.
  const runStages = stages.filter((stage) => !stage.config.warmup).map((stage) => stage.name);
  const runRecords = allRecords.filter((record) => runStages.includes(record.stage));
  const eventLoopP99Ms = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : null;
  const validity = judgeValidity(config, stages, eventLoopP99Ms, loopDelay.count);
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
    startedAtMs,
    completedAtMs: clock.nowMs(),
    target,
    cluster,
    statePolling,
    stateResets: [...context.resetWatch.resets, ...pollResets.resets],
    stages,
    runStatistics: options.isPrimary && runRecords.length > 0 ? computeStatistics(runRecords) : null,
    runStages,
    snapshots: snapshots?.snapshots ?? [],
    validity,
    error: errorInfo,
  });
  if (options.isPrimary)
    Object.assign(document, evaluateGates(document, runRecords, options.baseline, logger));
  document.verdict = options.isPrimary ? judgeVerdict(document) : errorInfo ? 'error' : 'pass';
  writeFileSync(resultsPath, `${JSON.stringify(document, null, 2)}\n`);
  const benchmarkFiles = writeBenchmarkActionFiles(options.outputDir, document);
  const charts = chartInputs(allRecords);
  const summaryMarkdown = renderSummary(document, charts);
  writeFileSync(summaryPath, summaryMarkdown);
  writeFileSync(reportPath, renderHtmlReport(document, charts));
  return {
    verdict: document.verdict,
    document,
    resultsPath,
    requestsPath,
    summaryPath,
    reportPath,
    summaryMarkdown,
    benchmarkSmallerPath: benchmarkFiles.smallerPath,
    benchmarkBiggerPath: benchmarkFiles.biggerPath,
  };
}
