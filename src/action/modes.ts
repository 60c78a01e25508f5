/**
 * The three modes of the main step: `plan` (the matrix), `provision` (this node's EXO environment) and
 * `node` (provision, optionally start EXO, run the engine, publish). Every declared output is set on
 * every path; the summary and artifact are published before the step fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runNode, type NodeRunOutcome } from '../benchmark.js';
import { loadConfigFile } from '../config/index.js';
import type { LoadedConfig } from '../config/types.js';
import { describeError, formatConfigProblem } from '../errors.js';
import { startCommand, stopProcessGroup, type StartedProcess } from '../exo-process.js';
import { nodeDefaults } from '../node-options.js';
import { buildPlan, renderPlanMarkdown } from '../plan/index.js';
import type { Ports } from '../ports.js';
import { preflightError, renderPreflightMarkdown, runPreflight } from '../preflight/runners.js';
import { planProvision, prepareExoHome, type Provision } from '../provision.js';
import { renderErrorSummary } from '../report/error-summary.js';
import { runOutputs, publishRun, type OutputValues } from './publish.js';
import type { SimulatorHandle } from '../simulator/index.js';
import { targetApiUrl } from '../target/index.js';
import { abortOnSignals, type SignalAbort } from '../util/signals.js';
import { Outputs, State } from './constants.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { annotateError, errorSummaryFor, failureLine, type ErrorContext } from './error-report.js';
import { createActionPorts } from './ports.js';
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

/** Every output starts empty and is set at the end whatever happened. */
function emptyOutputs(): OutputValues {
  const values: OutputValues = {};
  for (const name of Object.values(Outputs)) values[name] = '';
  return values;
}

async function loadConfig(inputs: ActionInputs, ports: Ports, outputs: OutputValues): Promise<LoadedConfig> {
  outputs[Outputs.ConfigFile] = inputs.configFile;
  const loaded = await loadConfigFile(inputs.configFile, process.env);
  for (const warning of loaded.warnings) {
    ports.logger.warning(formatConfigProblem(warning), {
      title: 'exo-bench config',
      file: warning.file,
      ...(warning.line > 0 ? { startLine: warning.line, startColumn: warning.column } : {}),
    });
  }
  const defaults = nodeDefaults(loaded.config);
  outputs[Outputs.ExpectedNodes] = String(inputs.expectedNodes ?? defaults.expectedNodes);
  outputs[Outputs.TimeoutSeconds] = String(inputs.timeoutSeconds ?? defaults.timeoutSeconds);
  outputs[Outputs.Environment] = JSON.stringify(loaded.config.environment);
  return loaded;
}

async function planMode(
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
): Promise<StepFailure | undefined> {
  const loaded = await loadConfig(inputs, ports, outputs);
  const plan = buildPlan(loaded.config);
  outputs[Outputs.Matrix] = JSON.stringify(plan);
  ports.logger.info(`matrix: ${plan.include.length} node${plan.include.length === 1 ? '' : 's'}`);
  // Set first: building the source can throw (an empty token), and every output must have a value.
  outputs[Outputs.RunnersReady] = 'unknown';
  if (inputs.waitForRunnersSeconds > 0 && !inputs.githubToken)
    ports.logger.warning(
      `wait-for-runners: ${inputs.waitForRunnersSeconds} has no effect without github-token: the runners are not checked (give a token that may read self-hosted runners)`,
    );
  // @actions/github loads only when used: it is most of the bundle's start-up time (bench/cold-start.mjs).
  const source = inputs.githubToken
    ? (await import('./runners.js')).createGitHubRunnerSource(inputs.githubToken, inputs.runnerScope, {
        logger: ports.logger,
      })
    : undefined;
  const preflight = await runPreflight(
    source,
    {
      hardwarePlan: loaded.config.hardware_plan,
      waitSeconds: inputs.waitForRunnersSeconds,
      signal: abortOnRunnerSignals(ports),
    },
    ports.logger,
  );
  outputs[Outputs.RunnersReady] = preflight.runnersReady;
  await ports.summary.write(
    `${renderPlanMarkdown(plan, inputs.configFile)}\n${renderPreflightMarkdown(preflight)}`,
  );
  const requireRunners = inputs.requireRunners ?? Boolean(inputs.githubToken);
  const shortfall = requireRunners ? preflightError(preflight) : undefined;
  return shortfall ? { message: describeError(shortfall), annotated: false } : undefined;
}

function nodeIdentity(inputs: ActionInputs): {
  runId: string;
  runAttempt: string;
  hardwareLabel: string;
  nodeIndex: number;
} {
  return {
    runId: process.env.GITHUB_RUN_ID ?? 'local',
    runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '1',
    hardwareLabel: inputs.hardwareLabel ?? 'node',
    nodeIndex: inputs.nodeIndex,
  };
}

function provision(
  loaded: LoadedConfig,
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
): Provision {
  const tempDir = process.env.RUNNER_TEMP;
  const provisioned = planProvision(loaded.config, {
    ...nodeIdentity(inputs),
    apiPort: inputs.apiPort,
    isPrimary: inputs.isPrimary,
    ...(inputs.modelsDir ? { modelsDir: resolve(inputs.modelsDir) } : {}),
    ...(inputs.readOnlyModelsDirs ? { readOnlyModelsDirs: inputs.readOnlyModelsDirs } : {}),
    ...(tempDir ? { tempDir } : {}),
  });
  prepareExoHome(provisioned);
  for (const [name, value] of Object.entries(provisioned.variables)) ports.env.exportVariable(name, value);
  outputs[Outputs.ExoHome] = provisioned.exoHome;
  outputs[Outputs.Namespace] = provisioned.namespace;
  outputs[Outputs.ApiPort] = String(provisioned.apiPort);
  outputs[Outputs.ExoArgs] = provisioned.exoArgs;
  outputs[Outputs.ModelsDir] = provisioned.modelsDir;
  ports.logger.info(
    `EXO_HOME=${provisioned.exoHome}, models in ${provisioned.modelsDir}, EXO_BENCH_EXO_ARGS=${provisioned.exoArgs}`,
  );
  return provisioned;
}

function defaultArtifactName(inputs: ActionInputs): string {
  const id = nodeIdentity(inputs);
  return `exo-bench-${id.hardwareLabel}-${id.nodeIndex}-${id.runAttempt}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

async function nodeMode(
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
      const { playSimulatedPrimary, startSimulatorForConfig } = await import('../simulated-target.js');
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

/** The artifact of this node in another run: the exact artifact-name, or the default name of any attempt. */
async function baselineFetcher(
  inputs: ActionInputs,
  outputDir: string,
  ports: Ports,
): Promise<BaselineFetcher | undefined> {
  const repository = process.env.GITHUB_REPOSITORY;
  if (!inputs.githubToken || !repository) return undefined;
  const id = nodeIdentity(inputs);
  const defaultName = defaultArtifactName(inputs);
  const { createArtifactBaselineFetcher } = await import('./baseline.js');
  return createArtifactBaselineFetcher({
    token: inputs.githubToken,
    repository,
    workflowRef: process.env.GITHUB_WORKFLOW_REF,
    currentRunId: id.runId === 'local' ? undefined : Number(id.runId),
    artifact: inputs.artifactName
      ? { exact: inputs.artifactName }
      : { prefix: defaultName.slice(0, defaultName.length - id.runAttempt.length) },
    downloadRoot: join(outputDir, '..', 'exo-bench-baseline'),
    logger: ports.logger,
    ...(process.env.GITHUB_SERVER_URL ? { serverUrl: process.env.GITHUB_SERVER_URL } : {}),
  });
}

/** Resolves the baseline input; a baseline that cannot be had is reported, never fatal. */
async function loadBaseline(
  inputs: ActionInputs,
  outputDir: string,
  ports: Ports,
): Promise<BaselineInput | undefined> {
  if (!inputs.baseline || !inputs.isPrimary) return undefined;
  const needsGitHub = inputs.baseline === 'latest' || inputs.baseline.startsWith('run:');
  const fetcher = needsGitHub ? await baselineFetcher(inputs, outputDir, ports) : undefined;
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
async function commentOnPr(
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

let signalAbort: SignalAbort | undefined;

/** One AbortSignal for SIGINT/SIGTERM (the runner sends them on cancellation), shared by every mode. */
function abortOnRunnerSignals(ports: Ports): AbortSignal {
  signalAbort ??= abortOnSignals({
    onSignal: (name) => ports.logger.warning(`${name}: stopping the run; partial results will be published`),
  });
  return signalAbort.signal;
}

/** Why the step fails; `annotated` when its annotations are already written (nothing more to raise). */
export interface StepFailure {
  message: string;
  annotated: boolean;
}

/** A summary port that remembers whether this step wrote its summary. */
function trackSummary(ports: Ports): { ports: Ports; written(): boolean } {
  let written = false;
  return {
    ports: {
      ...ports,
      summary: {
        write: async (markdown) => {
          written = true;
          await ports.summary.write(markdown);
        },
      },
    },
    written: () => written,
  };
}

/**
 * Runs the main step; returns why it must fail, if it must. Every path publishes one summary and sets
 * every output; an error that stops the step is annotated once per problem, with an error summary.
 */
export async function runMainStep(
  actionPorts: Ports = createActionPorts(),
): Promise<StepFailure | undefined> {
  const tracked = trackSummary(actionPorts);
  const ports = tracked.ports;
  const outputs = emptyOutputs();
  let failure: StepFailure | undefined;
  let inputs: ActionInputs | undefined;
  try {
    inputs = readInputs();
    if (inputs.mode === 'plan') failure = await planMode(inputs, ports, outputs);
    else if (inputs.mode === 'provision')
      provision(await loadConfig(inputs, ports, outputs), inputs, ports, outputs);
    else failure = await nodeMode(inputs, ports, outputs);
  } catch (error) {
    annotateError(error, ports, process.env);
    failure = { message: failureLine(error), annotated: true };
    if (!outputs[Outputs.Verdict] && inputs?.mode !== 'plan' && inputs?.mode !== 'provision')
      outputs[Outputs.Verdict] = 'error';
    if (!tracked.written()) {
      const context: ErrorContext = {
        workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
        env: process.env,
        ...(inputs
          ? {
              mode: inputs.mode,
              configFile: inputs.configFile,
              provenance: githubProvenance(process.env, inputs.configFile, { simulated: inputs.simulate }),
            }
          : {}),
      };
      await ports.summary
        .write(renderErrorSummary(errorSummaryFor(error, context)))
        .catch((summaryError: unknown) =>
          ports.logger.warning(`could not write the job summary: ${String(summaryError)}`),
        );
    }
  } finally {
    for (const [name, value] of Object.entries(outputs)) ports.outputs.set(name, value);
    // The post step must know main ran to its end (it publishes an "interrupted" summary only if not).
    ports.state.save(State.MainFinished, 'true');
  }
  return failure;
}
