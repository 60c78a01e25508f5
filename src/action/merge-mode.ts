/**
 * `mode: merge`: the last job of a matrix run (`needs: [the node jobs]`, `if: always()`). It downloads
 * this workflow run's node artifacts with @actions/artifact, merges them into one result for the whole
 * run (src/merge/), judges the thresholds and the baseline on it, and publishes it the way node mode
 * publishes a node: one job summary, the same outputs, and an artifact of its own.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { nodeKey, readNodeFolder, runMerge, type MissingNode, type NodeResult } from '../merge/index.js';
import type { Ports } from '../core/ports.js';
import { describeGateFailures, describeVerdict, failedOnlyOnGates } from '../verdict/index.js';
import { Outputs } from './constants.js';
import type { ActionInputs } from './inputs.js';
import { nodeIdentity, type StepFailure } from './mode-common.js';
import { commentOnPr, loadBaseline } from './node-mode.js';
import { createRunArtifactSource, type RunArtifact, type RunArtifactSource } from './ports.js';
import { publishRun, runOutputs, type OutputValues } from './publish.js';

/** Every merged artifact's name starts so; node artifacts never do. */
export const MERGED_ARTIFACT_PREFIX = 'exo-bench-merged-';

/** The node artifacts merge mode looks for by default: node mode's default names (exo-bench-<label>-<index>-<attempt>). */
export const DEFAULT_NODE_ARTIFACTS = 'exo-bench-*';

/** The merged artifact's name: artifact-name, else exo-bench-merged-<run attempt>. */
export function mergedArtifactName(inputs: ActionInputs): string {
  return inputs.artifactName ?? `${MERGED_ARTIFACT_PREFIX}${nodeIdentity(inputs).runAttempt}`;
}

/** A name pattern where `*` matches any text (and nothing else is special). */
export function namePattern(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

/** The node artifacts of the run: the names that match, never a merged artifact or this step's own. */
export function selectNodeArtifacts(
  artifacts: readonly RunArtifact[],
  pattern: string,
  ownName: string,
): RunArtifact[] {
  const matches = namePattern(pattern);
  return artifacts
    .filter((a) => matches.test(a.name) && a.name !== ownName && !a.name.startsWith(MERGED_ARTIFACT_PREFIX))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Downloads and reads each node artifact. An artifact that cannot be downloaded or read is a missing
 * node with the reason (the merge still publishes what it has). When a re-run left one node several
 * artifacts (one per attempt), the newest attempt's counts.
 */
async function readNodeArtifacts(
  source: RunArtifactSource,
  artifacts: readonly RunArtifact[],
  downloadRoot: string,
  ports: Ports,
): Promise<{ nodes: NodeResult[]; missing: MissingNode[] }> {
  const missing: MissingNode[] = [];
  const byNode = new Map<string, { node: NodeResult; artifact: RunArtifact }>();
  for (const artifact of artifacts) {
    const folder = join(downloadRoot, artifact.name);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    let node: NodeResult;
    try {
      await source.download(artifact, folder);
      node = readNodeFolder(folder, `artifact ${artifact.name}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      ports.logger.warning(`artifact ${artifact.name} (id ${artifact.id}) could not be merged: ${reason}`);
      missing.push({ node: `artifact ${artifact.name}`, reason: `could not be read: ${reason}` });
      continue;
    }
    const key = nodeKey(node.document);
    const attempt = (n: NodeResult): number => n.document.provenance?.run_attempt ?? 0;
    const other = byNode.get(key);
    if (
      other &&
      (attempt(other.node) > attempt(node) ||
        (attempt(other.node) === attempt(node) && other.artifact.id > artifact.id))
    ) {
      ports.logger.info(`node ${key}: artifact ${artifact.name} left out (${other.artifact.name} is newer)`);
      continue;
    }
    if (other)
      ports.logger.info(`node ${key}: artifact ${other.artifact.name} left out (${artifact.name} is newer)`);
    byNode.set(key, { node, artifact });
    ports.logger.info(`node ${key}: artifact ${artifact.name}, ${node.records.length} request(s)`);
  }
  return { nodes: [...byNode.values()].map((entry) => entry.node), missing };
}

/**
 * Merges this run's node artifacts and publishes the result; the failure it returns fails the step after
 * publishing, as node mode's does.
 */
export async function mergeMode(
  inputs: ActionInputs,
  ports: Ports,
  outputs: OutputValues,
  source: RunArtifactSource = createRunArtifactSource(),
): Promise<StepFailure | undefined> {
  const outputDir = resolve(
    inputs.outputDir ?? join(process.env.RUNNER_TEMP ?? process.cwd(), 'exo-bench-merged'),
  );
  mkdirSync(outputDir, { recursive: true });
  const ownName = mergedArtifactName(inputs);
  const pattern = inputs.nodeArtifacts ?? DEFAULT_NODE_ARTIFACTS;
  const { nodes, missing } = await ports.logger.group('Node artifacts', async () => {
    const listed = await source.list();
    const selected = selectNodeArtifacts(listed, pattern, ownName);
    ports.logger.info(
      `${listed.length} artifact(s) in this run, ${selected.length} matching node-artifacts "${pattern}": ${selected.map((a) => a.name).join(', ') || 'none'}`,
    );
    if (selected.length === 0)
      throw new InputError(
        `no artifact of this run matches node-artifacts "${pattern}" (the run has: ${listed.map((a) => a.name).join(', ') || 'no artifact'})`,
        'Run mode: merge in a job that needs the node jobs, with upload-artifact left on in node mode. If the node jobs set artifact-name, give a node-artifacts pattern (`*` matches any text) that matches their names.',
      );
    // Beside the output folder, never inside it: the merged artifact uploads the output folder.
    return readNodeArtifacts(source, selected, join(dirname(outputDir), 'exo-bench-node-artifacts'), ports);
  });
  if (nodes.length === 0)
    throw new InputError(
      `none of the node artifacts could be read: ${missing.map((m) => `${m.node}: ${m.reason}`).join('; ')}`,
      'Each node artifact must hold the results.json and requests.jsonl its node wrote.',
    );
  const baseline = await loadBaseline(
    inputs,
    outputDir,
    ports,
    inputs.artifactName ? { exact: inputs.artifactName } : { prefix: MERGED_ARTIFACT_PREFIX },
  );
  const outcome = await ports.logger.group('Merge', async () =>
    runMerge(nodes, { outputDir, logger: ports.logger, missing, ...(baseline ? { baseline } : {}) }),
  );
  const { document } = outcome;
  outputs[Outputs.ConfigFile] = document.metadata.config_file;
  outputs[Outputs.ExpectedNodes] = String(document.cluster.expected_nodes);
  outputs[Outputs.TimeoutSeconds] = String(document.metadata.timeout_seconds);
  outputs[Outputs.Environment] = JSON.stringify(document.configuration.environment);
  const published = await publishRun(outcome, ports, {
    upload: inputs.uploadArtifact,
    artifactName: ownName,
    outputDir,
    extraFiles: [],
  });
  Object.assign(outputs, runOutputs(outcome), published);
  if (inputs.commentOnPr) await commentOnPr(inputs, outcome, published[Outputs.ArtifactUrl], ports);
  if (outcome.verdict === 'pass') return undefined;
  if (failedOnlyOnGates(document) && !inputs.failOnThreshold) {
    ports.logger.warning(
      `exo-bench: verdict fail (${describeGateFailures(document)}); not failing the step (fail-on-threshold: false)`,
    );
    return undefined;
  }
  return { message: `exo-bench merge: ${describeVerdict(document)}`, annotated: false };
}
