/**
 * `mode: node`: provision, optionally start EXO (or a simulator), run the engine, compare with a
 * baseline, publish summary, outputs and artifact, and comment on the PR.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runNode, type NodeRunOptions, type NodeRunOutcome } from '../run/benchmark.js';
import { startCommand, stopProcessGroup, type StartedProcess } from '../run/exo-process.js';
import { nodeDefaults, type NodeDefaults } from '../run/node-options.js';
import type { Provision } from '../run/provision.js';
import type { LoadedConfig } from '../config/types.js';
import { applySimulatedClockOffset, simulatedClockOffsetMs } from '../run/clock-offset.js';
import type { Ports } from '../core/ports.js';
import { runOutputs, publishRun, type OutputValues } from './publish.js';
import type { SimulatorHandle } from '../simulator/index.js';
import { targetApiUrl } from '../target/index.js';
import { Outputs, State } from './constants.js';
import type { ActionInputs } from './inputs.js';
import { githubProvenance } from './provenance.js';
import {
  describeGateFailures,
  describeVerdict,
  failedOnlyOnGates,
  resolveBaseline,
  type BaselineFetcher,
  type BaselineInput,
} from '../verdict/index.js';
import { commentMarker, renderPrComment } from '../verdict/render.js';
import {
  loadConfig,
  nodeIdentity,
  defaultArtifactName,
  abortOnRunnerSignals,
  type StepFailure,
} from './mode-common.js';
import { provision } from './provision-mode.js';

/**
 * Runs this node's part and publishes it; the failure it returns fails the step after publishing. It
 * orders the steps: the node's setup, the server's start, the run, the server's stop on every path
 * (also when the start or the run throws), then publication and the PR comment.
 */
export async function nodeMode(
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
): Promise<StepFailure | undefined> {
  const { outputDir, loaded, provisioned, defaults } = await prepareNode(inputs, ports, outputs);
  const server: NodeServer = { standInDone: new AbortController(), standInFailed: new AbortController() };
  let outcome: NodeRunOutcome | undefined;
  try {
    const apiUrl = await startServer(server, loaded, inputs, defaults, provisioned, outputDir, ports);
    const baseline = await loadBaseline(inputs, outputDir, ports);
    outcome = await runNode(
      loaded,
      nodeRunOptions(inputs, defaults, apiUrl, outputDir, baseline, ports),
      ports,
      AbortSignal.any([abortOnRunnerSignals(ports), server.standInFailed.signal]),
    );
  } finally {
    await stopServer(server, ports);
  }
  return publishNodeRun(inputs, outcome, server.exo, outputDir, ports, outputs);
}

/** What nodeMode's setup gives the run: the output folder, the config, the EXO environment, defaults. */
interface PreparedNode {
  outputDir: string;
  loaded: LoadedConfig;
  provisioned: Provision;
  defaults: NodeDefaults;
}

/**
 * The node's setup, before anything is started: the output folder (saved for the post step), the
 * config, the EXO environment, the artifact's name, and (tests of load_from: all_nodes) a shifted clock.
 */
async function prepareNode(inputs: ActionInputs, ports: Ports, outputs: OutputValues): Promise<PreparedNode> {
  const outputDir = resolve(
    inputs.outputDir ?? join(process.env.RUNNER_TEMP ?? process.cwd(), 'exo-bench-results'),
  );
  mkdirSync(outputDir, { recursive: true });
  ports.state.save(State.OutputDir, outputDir);
  // A config that does not load fails here; runMainStep publishes the error summary.
  const loaded = await loadConfig(inputs, ports, outputs);
  const provisioned = provision(loaded, inputs, ports, outputs);
  ports.state.save(
    State.ArtifactName,
    inputs.uploadArtifact ? (inputs.artifactName ?? defaultArtifactName(inputs)) : '',
  );
  const defaults = nodeDefaults(loaded.config);
  // The tests of load_from: all_nodes run each node job with a clock of its own (src/run/clock-offset.ts).
  const simulatedOffset = simulatedClockOffsetMs(process.env);
  if (simulatedOffset !== undefined) {
    applySimulatedClockOffset(simulatedOffset);
    ports.logger.warning(`this node's clock is shifted by ${simulatedOffset} ms (simulated clock skew)`);
  }
  return { outputDir, loaded, provisioned, defaults };
}

/** What this node's load goes to when the action starts it, and what must be stopped on every path. */
interface NodeServer {
  /** EXO started from `exo-command`. */
  exo?: StartedProcess;
  /** The simulator (`simulate: true`). */
  simulator?: SimulatorHandle;
  /** A secondary's simulated primary, settled when it has deleted its instances or stopped. */
  standInPrimary?: Promise<void>;
  /** Tells the stand-in primary the run is over. */
  standInDone: AbortController;
  /** Aborted when the stand-in primary fails: the run stops on it. */
  standInFailed: AbortController;
}

/**
 * Starts what the action starts: the simulator (`simulate`), or EXO (`exo-command`). Fills `server` as
 * each part starts, so that stopServer stops it even when a later step throws. Returns the API URL the
 * run loads.
 */
async function startServer(
  server: NodeServer,
  loaded: LoadedConfig,
  inputs: ActionInputs,
  defaults: NodeDefaults,
  provisioned: Provision,
  outputDir: string,
  ports: Ports,
): Promise<string> {
  const apiUrl = targetApiUrl(loaded.config, inputs.apiUrl, `http://127.0.0.1:${provisioned.apiPort}`);
  if (inputs.simulate) return startSimulated(server, loaded, inputs, defaults, ports);
  if (inputs.exoCommand) {
    const logPath = join(outputDir, 'exo.log');
    const exo = startCommand(inputs.exoCommand, { ...process.env, ...provisioned.variables }, logPath);
    server.exo = exo;
    ports.state.save(State.ExoPid, String(exo.pid));
    ports.logger.info(`started EXO (process group ${exo.pid}), log: ${logPath}`);
  }
  return apiUrl;
}

/**
 * Starts the simulator; for a secondary of an EXO target also a stand-in primary. Returns the URL of
 * the simulated node this job loads.
 */
async function startSimulated(
  server: NodeServer,
  loaded: LoadedConfig,
  inputs: ActionInputs,
  defaults: NodeDefaults,
  ports: Ports,
): Promise<string> {
  // The simulator loads only for simulate: true (keeps the real path's start-up short).
  const { playSimulatedPrimary, startSimulatorForConfig } = await import('../run/simulated-target.js');
  const expectedNodes = inputs.expectedNodes ?? defaults.expectedNodes;
  const simulator = await startSimulatorForConfig(loaded.config, expectedNodes);
  server.simulator = simulator;
  let apiUrl = simulator.url;
  if (!inputs.isPrimary && loaded.config.target.kind === 'exo') {
    // This job's simulator has no primary job of its own: a stand-in places and deletes the
    // instances from node 0 while this secondary watches from node 1, as on a real cluster.
    apiUrl = (simulator.nodes[1] ?? simulator.nodes[0] ?? { url: apiUrl }).url;
    server.standInPrimary = playSimulatedPrimary(
      simulator,
      loaded.config,
      expectedNodes,
      inputs.timeoutSeconds ?? defaults.timeoutSeconds,
      ports.logger,
      server.standInDone.signal,
    ).then((failure) => {
      if (failure) server.standInFailed.abort(new Error(`the simulated primary failed: ${failure}`));
    });
  }
  ports.logger.info(`simulator at ${apiUrl}`);
  return apiUrl;
}

/** Stops what startServer started: EXO's process group, the stand-in primary, the simulator. */
async function stopServer(server: NodeServer, ports: Ports): Promise<void> {
  if (server.exo) {
    const how = await stopProcessGroup(server.exo.pid);
    ports.logger.info(`stopped EXO (${how})`);
    ports.state.save(State.ExoPid, '');
  }
  server.standInDone.abort();
  await server.standInPrimary;
  await server.simulator?.close();
}

/** The engine's options for this node, from the inputs (the config's defaults where none is given). */
function nodeRunOptions(
  inputs: ActionInputs,
  defaults: NodeDefaults,
  apiUrl: string,
  outputDir: string,
  baseline: BaselineInput | undefined,
  ports: Ports,
): NodeRunOptions {
  return {
    ...(baseline ? { baseline } : {}),
    apiUrl,
    isPrimary: inputs.isPrimary,
    expectedNodes: inputs.expectedNodes ?? defaults.expectedNodes,
    timeoutSeconds: inputs.timeoutSeconds ?? defaults.timeoutSeconds,
    outputDir,
    runId: `${nodeIdentity(inputs).runId}-${nodeIdentity(inputs).runAttempt}`,
    hardwareLabel: nodeIdentity(inputs).hardwareLabel,
    nodeIndex: inputs.nodeIndex,
    ...(inputs.scheduleStartMs !== undefined ? { scheduleStartMs: inputs.scheduleStartMs } : {}),
    // The seed's metadata, from the run itself (its workflow passed these as flags).
    gitCommit: process.env.GITHUB_SHA ?? null,
    hardwareLabels: inputs.hardwareLabel ? [inputs.hardwareLabel] : [],
    provenance: githubProvenance(process.env, inputs.configFile, { simulated: inputs.simulate }),
    onInstancesPlaced: (ids) =>
      ports.state.save(State.PlacedInstances, JSON.stringify({ apiUrl, instanceIds: ids })),
    onInstancesDeleted: () => ports.state.save(State.PlacedInstances, ''),
  };
}

/**
 * Publishes the run (summary, outputs, artifact with EXO's log, the PR comment) and says whether the
 * step fails: not on a pass, nor on failed gates alone with `fail-on-threshold: false`.
 */
async function publishNodeRun(
  inputs: ActionInputs,
  outcome: NodeRunOutcome,
  exo: StartedProcess | undefined,
  outputDir: string,
  ports: Ports,
  outputs: OutputValues,
): Promise<StepFailure | undefined> {
  const extraFiles = exo && existsSync(exo.logPath) ? [exo.logPath] : [];
  const published = await publishRun(outcome, ports, {
    upload: inputs.uploadArtifact,
    artifactName: inputs.artifactName ?? defaultArtifactName(inputs),
    outputDir,
    extraFiles,
  });
  Object.assign(outputs, runOutputs(outcome), published);
  ports.state.save(State.CleanedUp, 'true');
  if (inputs.commentOnPr) await commentOnPr(inputs, outcome, published[Outputs.ArtifactUrl], ports);
  if (outcome.verdict === 'pass') return undefined;
  if (failedOnlyOnGates(outcome.document) && !inputs.failOnThreshold) {
    ports.logger.warning(
      `exo-bench: verdict fail (${describeGateFailures(outcome.document)}); not failing the step (fail-on-threshold: false)`,
    );
    return undefined;
  }
  // An error was annotated by the engine when it happened; any other verdict is annotated here, once,
  // with every reason (validity and gates together).
  return {
    message: `exo-bench: ${describeVerdict(outcome.document)}`,
    annotated: Boolean(outcome.document.error),
  };
}

/** Which artifact of another run is the baseline: an exact name, or a name prefix (any attempt). */
export type BaselineArtifact = { exact: string } | { prefix: string };

/** This node's artifact in another run: the exact artifact-name, or the default name of any attempt. */
function nodeBaselineArtifact(inputs: ActionInputs): BaselineArtifact {
  const id = nodeIdentity(inputs);
  const defaultName = defaultArtifactName(inputs);
  return inputs.artifactName
    ? { exact: inputs.artifactName }
    : { prefix: defaultName.slice(0, defaultName.length - id.runAttempt.length) };
}

async function baselineFetcher(
  inputs: ActionInputs,
  outputDir: string,
  ports: Ports,
  artifact: BaselineArtifact,
): Promise<BaselineFetcher | undefined> {
  const repository = process.env.GITHUB_REPOSITORY;
  if (!inputs.githubToken || !repository) return undefined;
  const id = nodeIdentity(inputs);
  const { createArtifactBaselineFetcher } = await import('./baseline.js');
  return createArtifactBaselineFetcher({
    token: inputs.githubToken,
    repository,
    workflowRef: process.env.GITHUB_WORKFLOW_REF,
    currentRunId: id.runId === 'local' ? undefined : Number(id.runId),
    artifact,
    downloadRoot: join(outputDir, '..', 'exo-bench-baseline'),
    logger: ports.logger,
    ...(process.env.GITHUB_SERVER_URL ? { serverUrl: process.env.GITHUB_SERVER_URL } : {}),
  });
}

/**
 * Resolves the baseline input; a baseline that cannot be had is reported, never fatal. `artifact` says
 * which artifact of another run to compare with (default: this node's; merge mode: the merged one).
 */
export async function loadBaseline(
  inputs: ActionInputs,
  outputDir: string,
  ports: Ports,
  artifact: BaselineArtifact = nodeBaselineArtifact(inputs),
): Promise<BaselineInput | undefined> {
  if (!inputs.baseline || !inputs.isPrimary) return undefined;
  const needsGitHub = inputs.baseline === 'latest' || inputs.baseline.startsWith('run:');
  const fetcher = needsGitHub ? await baselineFetcher(inputs, outputDir, ports, artifact) : undefined;
  if (needsGitHub && !fetcher) {
    return {
      status: 'unavailable',
      source: inputs.baseline,
      reason: `baseline ${inputs.baseline} needs the github-token input (with "actions: read") and GITHUB_REPOSITORY`,
    };
  }
  return ports.logger.group('Baseline', () => resolveBaseline(inputs.baseline ?? '', fetcher));
}

/** Posts or updates the PR comment; problems are warnings (a fork's read-only token is normal). */
export async function commentOnPr(
  inputs: ActionInputs,
  outcome: NodeRunOutcome,
  artifactUrl: string | undefined,
  ports: Ports,
): Promise<void> {
  const { pullRequestNumber, upsertPrComment } = await import('./comment.js');
  const pullNumber = pullRequestNumber();
  const repository = process.env.GITHUB_REPOSITORY;
  if (pullNumber === undefined || !repository) {
    ports.logger.info('comment-on-pr: not a pull_request event; no comment');
    return;
  }
  if (!inputs.githubToken) {
    ports.logger.warning('comment-on-pr needs the github-token input (with "pull-requests: write")');
    return;
  }
  if (!inputs.isPrimary) return;
  const marker = commentMarker(process.env.GITHUB_WORKFLOW ?? 'workflow', inputs.configFile);
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = process.env.GITHUB_RUN_ID;
  const body = renderPrComment(outcome.document, marker, {
    ...(runId ? { runUrl: `${server}/${repository}/actions/runs/${runId}` } : {}),
    ...(artifactUrl ? { artifactUrl } : {}),
  });
  try {
    await upsertPrComment({
      token: inputs.githubToken,
      repository,
      pullNumber,
      marker,
      body,
      logger: ports.logger,
    });
  } catch (error) {
    ports.logger.warning(
      `could not comment on PR #${pullNumber}: ${error instanceof Error ? error.message : String(error)} (the token needs "pull-requests: write"; PRs from forks get a read-only token)`,
    );
  }
}
