/**
 * `mode: provision`: this node's EXO environment (EXO_HOME, namespace, port, arguments) exported for
 * the steps that start EXO; `mode: node` provisions the same way first.
 */
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/types.js';
import type { Ports } from '../core/ports.js';
import { planProvision, prepareExoHome, type Provision } from '../run/provision.js';
import type { OutputValues } from './publish.js';
import { Outputs } from './constants.js';
import type { ActionInputs } from './inputs.js';
import { nodeIdentity } from './mode-common.js';

/** Plans and prepares this node's EXO environment, exports it and sets its outputs. */
export function provision(
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
