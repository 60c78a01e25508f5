/**
 * What the modes of the main step share: the config as every mode loads it, this node's identity and
 * default artifact name, the runner's cancellation signal, and how a mode says the step fails.
 */
import { loadConfigFile } from '../config/index.js';
import type { LoadedConfig } from '../config/types.js';
import { formatConfigProblem } from '../core/errors.js';
import { nodeDefaults } from '../run/node-options.js';
import type { Ports } from '../core/ports.js';
import type { OutputValues } from './publish.js';
import { abortOnSignals, type SignalAbort } from '../util/signals.js';
import { Outputs } from './constants.js';
import type { ActionInputs } from './inputs.js';

/** Why the step fails; `annotated` when its annotations are already written (nothing more to raise). */
export interface StepFailure {
  message: string;
  annotated: boolean;
}

/** Loads the config and sets the outputs every mode reports (config file, node count, timeout, environment). */
export async function loadConfig(
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
): Promise<LoadedConfig> {
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

/** Who this node is in the matrix and the workflow run. */
export function nodeIdentity(inputs: ActionInputs): {
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

/** The artifact name when none is given: hardware label, node index and run attempt (no collisions in a matrix). */
export function defaultArtifactName(inputs: ActionInputs): string {
  const id = nodeIdentity(inputs);
  return `exo-bench-${id.hardwareLabel}-${id.nodeIndex}-${id.runAttempt}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

let signalAbort: SignalAbort | undefined;

/** One AbortSignal for SIGINT/SIGTERM (the runner sends them on cancellation), shared by every mode. */
export function abortOnRunnerSignals(ports: Ports): AbortSignal {
  signalAbort ??= abortOnSignals({
    onSignal: (name) => ports.logger.warning(`${name}: stopping the run; partial results will be published`),
  });
  return signalAbort.signal;
}
