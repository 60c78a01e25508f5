/**
 * `mode: node`: provision, optionally start EXO (or a simulator), run the engine, compare with a
 * baseline, publish summary, outputs and artifact, and comment on the PR.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runNode, type NodeRunOutcome } from '../run/benchmark.js';
import { startCommand, stopProcessGroup, type StartedProcess } from '../run/exo-process.js';
import { nodeDefaults } from '../run/node-options.js';
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
 * Runs this node's part and publishes it; the failure it returns fails the step after publishing. Over
 * 80 lines because it is the one place that orders provisioning, EXO's start, the run, publication and
 * the PR comment, with the cleanup that must follow EXO's start on every path; each step is a call.
 */
export async function nodeMode(
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
): Promise<StepFailure | undefined> {
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
  let exo: StartedProcess | undefined;
  let simulator: SimulatorHandle | undefined;
  let standInPrimary: Promise<void> | undefined;
  const standInDone = new AbortController();
  const standInFailed = new AbortController();
  let outcome: NodeRunOutcome | undefined;
  try {
    let apiUrl = targetApiUrl(loaded.config, inputs.apiUrl, `http://127.0.0.1:${provisioned.apiPort}`);
    if (inputs.simulate) {
      // The simulator loads only for simulate: true (keeps the real path's start-up short).
      const { playSimulatedPrimary, startSimulatorForConfig } = await import('../run/simulated-target.js');
      const expectedNodes = inputs.expectedNodes ?? defaults.expectedNodes;
      simulator = await startSimulatorForConfig(loaded.config, expectedNodes);
      apiUrl = simulator.url;
      if (!inputs.isPrimary && loaded.config.target.kind === 'exo') {
        // This job's simulator has no primary job of its own: a stand-in places and deletes the
        // instances from node 0 while this secondary watches from node 1, as on a real cluster.
        apiUrl = (simulator.nodes[1] ?? simulator.nodes[0] ?? { url: apiUrl }).url;
        standInPrimary = playSimulatedPrimary(
          simulator,
          loaded.config,
          expectedNodes,
          inputs.timeoutSeconds ?? defaults.timeoutSeconds,
          ports.logger,
          standInDone.signal,
        ).then((failure) => {
          if (failure) standInFailed.abort(new Error(`the simulated primary failed: ${failure}`));
        });
      }
      ports.logger.info(`simulator at ${apiUrl}`);
    } else if (inputs.exoCommand) {
      const logPath = join(outputDir, 'exo.log');
      exo = startCommand(inputs.exoCommand, { ...process.env, ...provisioned.variables }, logPath);
      ports.state.save(State.ExoPid, String(exo.pid));
      ports.logger.info(`started EXO (process group ${exo.pid}), log: ${logPath}`);
    }
    const baseline = await loadBaseline(inputs, outputDir, ports);
    outcome = await runNode(
      loaded,
      {
        ...(baseline ? { baseline } : {}),
        apiUrl,
        isPrimary: inputs.isPrimary,
        expectedNodes: inputs.expectedNodes ?? defaults.expectedNodes,
        timeoutSeconds: inputs.timeoutSeconds ?? defaults.timeoutSeconds,
        outputDir,
        runId: `${nodeIdentity(inputs).runId}-${nodeIdentity(inputs).runAttempt}`,
        hardwareLabel: nodeIdentity(inputs).hardwareLabel,
        nodeIndex: inputs.nodeIndex,
        // The seed's metadata, from the run itself (its workflow passed these as flags).
        gitCommit: process.env.GITHUB_SHA ?? null,
        hardwareLabels: inputs.hardwareLabel ? [inputs.hardwareLabel] : [],
        provenance: githubProvenance(process.env, inputs.configFile, { simulated: inputs.simulate }),
        onInstancesPlaced: (ids) =>
          ports.state.save(State.PlacedInstances, JSON.stringify({ apiUrl, instanceIds: ids })),
        onInstancesDeleted: () => ports.state.save(State.PlacedInstances, ''),
      },
      ports,
      AbortSignal.any([abortOnRunnerSignals(ports), standInFailed.signal]),
    );
  } finally {
    if (exo) {
      const how = await stopProcessGroup(exo.pid);
      ports.logger.info(`stopped EXO (${how})`);
      ports.state.save(State.ExoPid, '');
    }
    standInDone.abort();
    await standInPrimary;
    await simulator?.close();
  }
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
