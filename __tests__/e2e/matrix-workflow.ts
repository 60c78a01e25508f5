/**
 * One run of a matrix workflow as examples/workflows/bench-matrix.yml wires it, for the end-to-end tests
 * of `load_from: all_nodes`: the plan job, one node job per matrix entry (in parallel, each node process
 * on a clock of its own through EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS) and the merge job, as separate
 * processes through the runner's files (./runner.ts), with an artifact service of the run's own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { ArtifactStandin } from '../helpers/artifact-standin.js';
import { artifactFiles, describeStep } from '../helpers/merge-checks.js';
import { runStep, type SimulatorProcess, type StepOptions, type StepResult } from './runner.js';

/** An entry of the plan's matrix (`start_at_ms` with an openai target only). */
export interface MatrixEntry {
  label: string;
  index: number;
  is_primary: boolean;
  expected_nodes: number;
  sends_load?: boolean;
  start_at_ms?: number;
}

/** A request of the simulator's ground truth (`GET /_simulator/requests`). */
export interface TruthRecord {
  id: string;
  arrived_at_ms: number;
}

/** What the tests read of the merge job's results.json. */
export interface MergedDocument {
  verdict: string;
  error: { message: string } | null;
  validity: { valid: boolean; reasons: string[] };
  results: { run: { total_requests: number; ttft_ms: { p50: number; p95: number } } | null };
  merge: {
    nodes: Array<{ node: string; is_primary: boolean; requests: number }>;
    requests: number;
    schedule?: {
      skew_tolerance_ms: number;
      skew_ms: number | null;
      clock_offsets_ms: Record<string, number>;
    };
  };
}

/** What the jobs of one run produced. */
export interface WorkflowRun {
  matrix: MatrixEntry[];
  plan: StepResult;
  nodes: StepResult[];
  merge: StepResult;
  /** Node artifacts' files, in matrix order. */
  artifacts: Array<Map<string, string>>;
  /** The merge job's artifact's files. */
  merged: Map<string, string>;
  /** The simulator's ground truth of this run's requests (cleared before the run). */
  truth: TruthRecord[];
}

export interface WorkflowOptions {
  /** The test's temp folder: the run gets `root/runId`. */
  root: string;
  simulator: SimulatorProcess;
  runId: string;
  /** The config's text, written to `.github/configs/<configName>` of the run's workspace. */
  configName: string;
  config: string;
  /** Each node process's clock offset (ms), in matrix order. */
  offsets: readonly number[];
  /** Inputs a node job adds to the ones every node job has (e.g. `api-url`, `schedule-start-ms`). */
  nodeInputs: (entry: MatrixEntry, position: number) => Record<string, string>;
  /** Deadline of each step (default 90 s). */
  stepTimeoutMs?: number;
}

/** Plan, node jobs and the merge job, as a workflow runs them; the plan job must pass. */
export async function runMatrixWorkflow(options: WorkflowOptions): Promise<WorkflowRun> {
  const { root, simulator, runId, configName, offsets } = options;
  const service = await ArtifactStandin.start();
  try {
    /** A step in a job of its own: its own RUNNER_TEMP and runtime token; `env` on top. */
    const step = (
      job: string,
      inputs: Record<string, string>,
      env: Record<string, string> = {},
    ): StepOptions => {
      const runnerTemp = join(root, runId, 'jobs', job, 'runner-temp');
      mkdirSync(runnerTemp, { recursive: true });
      return {
        kind: 'main',
        stepDir: join(root, runId, 'jobs', job, 'step'),
        workspace,
        runnerTemp,
        inputs,
        timeoutMs: options.stepTimeoutMs ?? 90_000,
        env: { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: '1', ...service.env(job), ...env },
      };
    };
    const workspace = join(root, runId, 'workspace');
    const configFile = `.github/configs/${configName}`;
    mkdirSync(join(workspace, '.github', 'configs'), { recursive: true });
    writeFileSync(join(workspace, configFile), options.config);
    await fetch(`${simulator.control}/_simulator/requests`, { method: 'DELETE' });
    const plan = await runStep(step('plan', { mode: 'plan', 'config-file': configFile }));
    if (plan.exitCode !== 0) throw new Error(`the plan job failed: ${describeStep(plan)}`);
    const matrix = (JSON.parse(plan.outputs.get(Outputs.Matrix) ?? '') as { include: MatrixEntry[] }).include;
    const nodes = await Promise.all(
      matrix.map((entry, i) =>
        runStep(
          step(
            `node-${entry.label}-${entry.index}`,
            {
              mode: 'node',
              'config-file': configFile,
              'is-primary': String(entry.is_primary),
              'expected-nodes': String(entry.expected_nodes),
              'hardware-label': entry.label,
              'node-index': String(entry.index),
              ...options.nodeInputs(entry, i),
            },
            { EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS: String(offsets[i] ?? 0) },
          ),
        ),
      ),
    );
    const merge = await runStep(step('merge', { mode: 'merge' }));
    const truth = (await (await fetch(`${simulator.control}/_simulator/requests`)).json()) as TruthRecord[];
    const artifacts = matrix.map((entry) => {
      const artifact = service.artifacts.find((a) => a.name === `exo-bench-${entry.label}-${entry.index}-1`);
      if (!artifact)
        throw new Error(
          `no artifact for ${entry.label}#${entry.index}: ${nodes.map(describeStep).join('\n')}`,
        );
      return artifactFiles(artifact);
    });
    const mergedArtifact = service.artifacts.find((a) => a.name === 'exo-bench-merged-1');
    if (!mergedArtifact) throw new Error(`no merged artifact: ${describeStep(merge)}`);
    return { matrix, plan, nodes, merge, artifacts, merged: artifactFiles(mergedArtifact), truth };
  } finally {
    await service.close();
  }
}
