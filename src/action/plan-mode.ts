/**
 * `mode: plan`: the matrix from hardware_plan, and (with a token) whether the self-hosted runners are
 * online.
 */
import { describeError } from '../core/errors.js';
import { buildPlan, planStartAtMs, renderPlanMarkdown } from '../plan/index.js';
import { systemClock } from '../util/clock.js';
import type { Ports } from '../core/ports.js';
import { preflightError, renderPreflightMarkdown, runPreflight } from '../preflight/runners.js';
import type { OutputValues } from './publish.js';
import { Outputs } from './constants.js';
import type { ActionInputs } from './inputs.js';
import { loadConfig, abortOnRunnerSignals, type StepFailure } from './mode-common.js';

/** Builds the matrix and checks the runners; a shortfall fails the step when runners are required. */
export async function planMode(
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
): Promise<StepFailure | undefined> {
  const loaded = await loadConfig(inputs, ports, outputs);
  // load_from: all_nodes with an openai target: the schedule is fixed here, from this job's clock.
  const startAtMs = planStartAtMs(loaded.config, systemClock.nowMs());
  const plan = buildPlan(loaded.config, startAtMs);
  outputs[Outputs.Matrix] = JSON.stringify(plan);
  outputs[Outputs.ScheduleStartMs] = startAtMs === undefined ? '' : String(startAtMs);
  ports.logger.info(
    `matrix: ${plan.include.length} node${plan.include.length === 1 ? '' : 's'}${startAtMs === undefined ? '' : `; the first stage starts at ${new Date(startAtMs).toISOString()} (start_at_ms ${startAtMs})`}`,
  );
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
