/**
 * The main step: reads the inputs and runs one of four modes, each in its own file: `plan` (the
 * matrix, plan-mode.ts), `provision` (this node's EXO environment, provision-mode.ts), `node`
 * (provision, optionally start EXO, run the engine, publish; node-mode.ts) and `merge` (the nodes'
 * artifacts of this run merged into one result, published like a node's; merge-mode.ts). Every declared output is
 * set on every path; the summary and artifact are published before the step fails.
 */
import type { Ports } from '../core/ports.js';
import { renderErrorSummary } from '../report/error-summary.js';
import type { OutputValues } from './publish.js';
import { Outputs, State } from './constants.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { annotateError, errorSummaryFor, failureLine, type ErrorContext } from './error-report.js';
import { createActionPorts } from './ports.js';
import { githubProvenance } from './provenance.js';
import { loadConfig, type StepFailure } from './mode-common.js';
import { planMode } from './plan-mode.js';
import { provision } from './provision-mode.js';
import { nodeMode } from './node-mode.js';
import { mergeMode } from './merge-mode.js';

export type { StepFailure } from './mode-common.js';

/** Every output starts empty and is set at the end whatever happened. */
function emptyOutputs(): OutputValues {
  const values: OutputValues = {};
  for (const name of Object.values(Outputs)) values[name] = '';
  return values;
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
    else if (inputs.mode === 'merge') failure = await mergeMode(inputs, ports, outputs);
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
