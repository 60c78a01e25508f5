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
  placeInstance,
  readView,
  StateResetWatch,
  waitForApi,
  waitForInstancesGone,
  waitForInstancesReady,
  waitForModelInstancesReady,
  waitForNodes,
  waitForQuiet,
  type ClusterContext,
} from './cluster/orchestrate.js';
import { SnapshotRecorder } from './cluster/snapshots.js';
import type { ClusterView } from './cluster/state.js';
import type { BenchConfig, LoadedConfig } from './config/types.js';
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
import type { Logger, NodeRunPorts } from './ports.js';
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
import { buildResultsDocument, stageResults, type ClusterFacts } from './report/results-document.js';
import { resolveTarget, waitForOpenAiServer, type ResolvedTarget } from './target/index.js';
import { systemClock, type Clock } from './util/clock.js';
import { SecretRedactor, urlPassword, withoutUserInfo } from './util/redact.js';
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

/** How long a probe of another node's API may take before the snapshots stay on this node, ms. */
const POLL_TARGET_PROBE_MS = 3_000;

/**
 * The node whose `/state` the snapshots poll (exo-api.md §12.4): every `/state` read serialises the
 * whole state in the Python process that also relays the load's tokens, so the snapshots go to another
 * node of the cluster when one answers at the address the topology gives for it (its API port; the
 * scheme of this node's URL), and to this node only when none does.
 */
async function chooseStatePollTarget(
  view: ClusterView,
  ownNodeId: string,
  apiUrl: string,
  dispatcher: Agent,
  signal: AbortSignal | undefined,
  logger: Logger,
  policy: 'auto' | 'self',
): Promise<{ client: ExoClient; nodeId: string; servesLoad: boolean }> {
  const protocol = new URL(apiUrl).protocol;
  for (const nodeId of policy === 'self' ? [] : view.nodeIds) {
    const address = view.apiAddresses.get(nodeId);
    if (nodeId === ownNodeId || !address) continue;
    const host = address.ip.includes(':') ? `[${address.ip}]` : address.ip;
    const client = new ExoClient(`${protocol}//${host}:${address.port}`, {
      dispatcher,
      callTimeoutMs: POLL_TARGET_PROBE_MS,
    });
    try {
      if ((await client.nodeId(signal)) === nodeId)
        return { client: new ExoClient(client.baseUrl, { dispatcher }), nodeId, servesLoad: false };
    } catch {
      // Unreachable from here (another network, a firewall): try the next node.
    }
  }
  if (view.nodeIds.length > 1 && policy === 'auto')
    logger.warning(
      "cluster snapshots poll this node's /state: no other node's API answered at the address the topology gives",
    );
  return { client: new ExoClient(apiUrl, { dispatcher }), nodeId: ownNodeId, servesLoad: true };
}

/** What the EXO cluster phase learned, filled in as it goes so that a failure still reports it. */
interface ClusterPhaseState extends ClusterFacts {
  /** Instances this node placed: deleted in cleanup, whatever happens. */
  placedIds: string[];
}

/**
 * The EXO cluster phase: waits for the API and the nodes, then places the instances (primary) or waits
 * for the primary's (secondary), until they are ready.
 */
async function prepareExoCluster(
  config: BenchConfig,
  options: NodeRunOptions,
  context: ClusterContext,
  state: ClusterPhaseState,
  deadlineMs: number,
): Promise<void> {
  const { logger } = context;
  state.nodeId = await waitForApi(context, deadlineMs);
  logger.info(`connected to node ${state.nodeId} at ${options.apiUrl}`);
  let view = await waitForNodes(context, options.expectedNodes, deadlineMs);
  state.view = view;
  logger.info(`cluster has ${view.nodeIds.length} node${view.nodeIds.length === 1 ? '' : 's'}`);
  let ids: string[];
  if (options.isPrimary) {
    const plan = {
      sharding: config.sharding,
      instanceMeta: config.instance_meta,
      nodeCount: options.expectedNodes,
    };
    for (const modelId of config.model_ids) {
      state.placedIds.push((await placeInstance(context, modelId, plan, deadlineMs)).instanceId);
      options.onInstancesPlaced?.([...state.placedIds]);
    }
    view = await waitForInstancesReady(context, state.placedIds, deadlineMs, state.downloads);
    for (const download of state.downloads.times())
      logger.info(
        `downloaded ${download.model_id} (${Math.round(download.bytes / 1e6)} MB) in ${download.seconds} s, before the benchmark`,
      );
    ids = state.placedIds;
  } else {
    ids = await waitForModelInstancesReady(context, config.model_ids, deadlineMs);
    view = await readView(context);
  }
  state.view = view;
  state.instances = ids.flatMap((id) => {
    const instance = view.instances.get(id);
    return instance ? [instance] : [];
  });
  logger.info(`instances ready: ${state.instances.map((i) => `${i.modelId} (${i.instanceId})`).join(', ')}`);
}

/** Total time the stages are scheduled to take, ms (no_overlap stages count their gaps only). */
function scheduledLoadMs(config: BenchConfig): number {
  return config.stages.reduce((sum, stage) => sum + stage.iterations * stage.time_between_requests * 1000, 0);
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
  const client = new ExoClient(options.apiUrl, { dispatcher });
  const context: ClusterContext = {
    client,
    clock,
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    progressIntervalMs: options.progressIntervalMs ?? 5_000,
  };
  // Aborted by SIGINT/SIGTERM, or by the run itself when the cluster loses its instances mid-stage.
  const runAbort = new AbortController();
  const runSignal = signal ? AbortSignal.any([signal, runAbort.signal]) : runAbort.signal;
  let lostInstances: ExoBenchError | undefined;
  let lostWarned = false;
  context.signal = runSignal;
  context.resetWatch = new StateResetWatch();
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
      if (resolved.kind === 'exo' && cluster.view && cluster.nodeId) {
        const target = await chooseStatePollTarget(
          cluster.view,
          cluster.nodeId,
          options.apiUrl,
          dispatcher,
          runSignal,
          logger,
          options.statePollNode ?? 'auto',
        );
        const ownNode = { client, nodeId: cluster.nodeId, resets: context.resetWatch };
        snapshots = new SnapshotRecorder(
          // When the other node stops answering (it left), this node's own state still shows a reset.
          target.servesLoad
            ? [ownNode]
            : [{ client: target.client, nodeId: target.nodeId, resets: pollResets }, ownNode],
          clock,
          logger,
          config.snapshot_interval_seconds * 1000,
          () => cluster.instances,
          (lost, reset) => {
            const which = `instance${lost.length === 1 ? '' : 's'} ${lost.join(', ')}`;
            if (!reset) {
              // A node of the instance left (EXO deletes its instances): the requests say so one by
              // one as connection or 404 errors, and the run still accounts for every one of them.
              if (!lostWarned) logger.warning(`${which} vanished from the cluster state during the stage`);
              lostWarned = true;
              return;
            }
            // A new master started from an empty state: nothing of this run is left to measure.
            if (lostInstances) return;
            lostInstances = (snapshots?.source.resets ?? pollResets).error(which);
            runAbort.abort(lostInstances);
          },
        );
        statePolling = {
          node_id: target.nodeId,
          api_url: withoutUserInfo(target.client.baseUrl),
          serves_load: target.servesLoad,
          interval_seconds: config.snapshot_interval_seconds,
          requests: 0,
        };
        logger.info(
          `cluster snapshots: /state of ${target.servesLoad ? 'this node' : `node ${target.nodeId}`} every ${config.snapshot_interval_seconds} s`,
        );
        snapshots.start();
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
      const ids = cluster.instances.map((instance) => instance.instanceId);
      logger.info('secondary: waiting for the primary to run the stages and delete its instances');
      const secondaryDeadlineMs =
        clock.nowMs() +
        options.timeoutSeconds * 1000 +
        scheduledLoadMs(config) +
        config.request_timeout_seconds * 1000;
      const view = cluster.view;
      await waitForInstancesGone(context, ids, secondaryDeadlineMs, {
        watchedNodeIds: view?.nodeIds ?? [],
        nodeNames: new Map(
          [...(view?.identities ?? [])].map(([nodeId, identity]) => [nodeId, identity.friendlyName]),
        ),
      });
      logger.info('the primary deleted its instances; done');
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
