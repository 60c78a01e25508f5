/**
 * Issue #14's end-to-end check: the action's plan job and four node jobs, as separate processes through
 * the runner's files, against a 4-node simulator with the realistic multi-node defaults of real Macs
 * (exo-api.md §12): nodes start stopped and each job starts its own with `exo-command` and
 * `$EXO_BENCH_EXO_ARGS` (as `exo` would be started), links form only after probe rounds (10 s), every
 * start holds a 3 s election, and models are not on disk (downloaded at 100 MB/s into the job's
 * models dir). The primary must place one instance across all four nodes, every time; a second run on
 * the same models dirs must download nothing.
 *
 * EXO_BENCH_REAL_CLUSTER_RUNS=N repeats the first run N times (bench/real-cluster.mjs runs 20 and prints
 * the table); EXO_BENCH_REAL_CLUSTER_REPORT=FILE writes each run's facts there as JSON.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import {
  CLI_BUNDLE,
  missingBundles,
  runStep,
  startSimulatorProcess,
  type StepOptions,
  type StepResult,
} from './runner.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const RUNS = Math.max(1, Number(process.env.EXO_BENCH_REAL_CLUSTER_RUNS ?? '1') || 1);
const REPORT = process.env.EXO_BENCH_REAL_CLUSTER_REPORT;

const CONFIG = `# e2e: one short stage on four Macs
hardware_plan:
  M3ULTRA: 4
timeout_seconds: 120
request_timeout_seconds: 20
snapshot_interval_seconds: 1
# Five bundles and the simulator share two cores here; lateness of the load generator is not under test.
max_dispatch_lag_p99_ms: 500
model_ids:
  - '${MODEL}'
stages:
  - name: 'short'
    prompt_length: 48
    generation_length: 10
    time_between_requests: 0.1
    iterations: 6
`;

/**
 * The realistic multi-node defaults stay (links, elections, downloads, node timeout, /state cost); only
 * the runner lifecycle after the download is shortened, which is not what this test is about.
 */
const PROFILE = {
  runnerIdleMs: 5,
  runnerConnectMs: 5,
  loadDurationMs: 50,
  runnerLoadedMs: 5,
  warmupMs: 5,
  placementDelayMs: 1,
  deleteDelayMs: 1,
  shutdownMs: 5,
};

interface MatrixEntry {
  label: string;
  index: number;
  is_primary: boolean;
  expected_nodes: number;
}

interface PrimaryResults {
  verdict: string;
  error: { message: string } | null;
  validity: { reasons: string[] };
  cluster: {
    instances: Array<{ node_ids: string[]; sharding?: string; instance_meta?: string }>;
    downloads?: Array<{ model_id: string; bytes: number; seconds: number }>;
    state_polling?: { serves_load: boolean; requests: number };
    state_resets?: unknown[];
  };
}

/** What one run of the cluster showed. */
interface RunFacts {
  run: string;
  seconds: number;
  verdicts: string[];
  placed_nodes: number;
  simulator_nodes: number;
  all_nodes_placed: boolean;
  downloaded_bytes: number;
  download_seconds: number;
  polled_serving_node: boolean | null;
  primary_error: string | null;
}

/** Why a step failed: its exit code, its results' error, and its log. */
function describeStep(step: StepResult): string {
  let error = '';
  try {
    const results = JSON.parse(readFileSync(step.outputs.get(Outputs.ResultsPath) ?? '', 'utf8')) as {
      error: { message: string; hint?: string } | null;
    };
    error = results.error ? `${results.error.message} (${results.error.hint ?? ''})` : '';
  } catch {
    // no results.json
  }
  return `exit ${step.exitCode}: ${error}\n${step.stdout.split('\n').slice(-30).join('\n')}\n${step.stderr}`;
}

describe('a 4-node cluster formed as real Macs form it (realistic simulator defaults)', () => {
  let root: string;
  let workspace: string;
  let profilePath: string;
  let stepCounter = 0;
  const facts: RunFacts[] = [];

  beforeAll(() => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-real-cluster-'));
    workspace = join(root, 'workspace');
    mkdirSync(join(workspace, '.github', 'configs'), { recursive: true });
    writeFileSync(join(workspace, '.github', 'configs', 'bench_4.yaml'), CONFIG);
    profilePath = join(workspace, 'profile.json');
    writeFileSync(profilePath, JSON.stringify(PROFILE));
  });

  afterAll(() => {
    if (REPORT) writeFileSync(REPORT, JSON.stringify(facts, null, 2));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function step(run: string, job: string, inputs: Record<string, string>): StepOptions {
    const runnerTemp = join(root, run, job, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    stepCounter += 1;
    return {
      kind: 'main',
      stepDir: join(root, run, job, `step-${stepCounter}`),
      workspace,
      runnerTemp,
      inputs,
      timeoutMs: 150_000,
      env: { GITHUB_RUN_ID: run.replace(/\D/g, '') || '1', GITHUB_RUN_ATTEMPT: '1' },
    };
  }

  /** One workflow run: the plan job, then the four node jobs at once, each starting its node's "EXO". */
  async function runCluster(
    run: string,
    modelsDirs: string[],
  ): Promise<{ facts: RunFacts; steps: StepResult[] }> {
    const started = Date.now();
    const simulator = await startSimulatorProcess([
      '--nodes',
      '4',
      '--stopped-nodes',
      '--profile',
      profilePath,
    ]);
    try {
      const plan = await runStep(
        step(run, 'plan', { mode: 'plan', 'config-file': '.github/configs/bench_4.yaml' }),
      );
      expect([plan.exitCode, describeStep(plan)]).toEqual([0, describeStep(plan)]);
      const matrix = (JSON.parse(plan.outputs.get(Outputs.Matrix) ?? '') as { include: MatrixEntry[] })
        .include;
      expect(matrix.map((entry) => entry.is_primary)).toEqual([true, false, false, false]);
      const steps = await Promise.all(
        matrix.map((entry, i) =>
          runStep(
            step(run, `node-${entry.index}`, {
              mode: 'node',
              'config-file': '.github/configs/bench_4.yaml',
              'is-primary': String(entry.is_primary),
              'expected-nodes': String(entry.expected_nodes),
              'hardware-label': entry.label,
              'node-index': String(entry.index),
              'api-url': simulator.nodes[i]?.url ?? '',
              'models-dir': modelsDirs[i] ?? '',
              'upload-artifact': 'false',
              // What `exo $EXO_BENCH_EXO_ARGS` is on a Mac: this job's node, started with the provisioned flags.
              'exo-command': `exec "${process.execPath}" "${CLI_BUNDLE}" simulate node --control ${simulator.control} --index ${i} $EXO_BENCH_EXO_ARGS`,
            }),
          ),
        ),
      );
      const primary = JSON.parse(
        readFileSync(steps[0]?.outputs.get(Outputs.ResultsPath) ?? '', 'utf8'),
      ) as PrimaryResults;
      const placed = primary.cluster.instances[0]?.node_ids ?? [];
      const simulated = simulator.nodes.map((node) => node.node_id);
      const runFacts: RunFacts = {
        run,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        verdicts: steps.map((s) => s.outputs.get(Outputs.Verdict) ?? ''),
        placed_nodes: placed.length,
        simulator_nodes: simulated.length,
        all_nodes_placed: placed.length === 4 && simulated.every((id) => placed.includes(id)),
        downloaded_bytes: (primary.cluster.downloads ?? []).reduce((sum, d) => sum + d.bytes, 0),
        download_seconds: (primary.cluster.downloads ?? []).reduce((sum, d) => sum + d.seconds, 0),
        polled_serving_node: primary.cluster.state_polling?.serves_load ?? null,
        primary_error: primary.error?.message ?? null,
      };
      facts.push(runFacts);
      // A run the load generator could not keep up with on this shared machine is "invalid"; every
      // other outcome but a pass is a failure of the cluster flow.
      const primaryVerdict = runFacts.verdicts[0];
      if (primaryVerdict === 'invalid')
        for (const reason of primary.validity.reasons)
          expect(reason).toMatch(/event-loop delay|dispatch lag/);
      else
        expect([primaryVerdict, describeStep(steps[0] as StepResult)]).toEqual([
          'pass',
          describeStep(steps[0] as StepResult),
        ]);
      for (const secondary of steps.slice(1))
        expect([secondary.outputs.get(Outputs.Verdict), describeStep(secondary)]).toEqual([
          'pass',
          describeStep(secondary),
        ]);
      return { facts: runFacts, steps };
    } finally {
      await simulator.stop();
    }
  }

  let lastModelsDirs: string[] = [];

  it(
    `places one instance across all four nodes (${RUNS} run${RUNS === 1 ? '' : 's'} in a row), downloading the model first`,
    async () => {
      for (let run = 1; run <= RUNS; run++) {
        lastModelsDirs = [0, 1, 2, 3].map((i) => join(root, `models-run${run}-node${i}`));
        const { facts: result, steps } = await runCluster(`run${run}`, lastModelsDirs);
        expect(result).toMatchObject({ placed_nodes: 4, all_nodes_placed: true, polled_serving_node: false });
        expect(result.downloaded_bytes).toBeGreaterThan(0);
        const primary = steps[0] as StepResult;
        // The waits said what they were waiting for: links forming, then the download.
        expect(primary.stdout).toMatch(/the cluster to settle: .*(not linked|nodes \d\/4|no backends)/);
        expect(primary.stdout).toMatch(/download on .*% of 730 MB at 100 MB\/s/);
        expect(primary.stdout).toMatch(
          /downloaded mlx-community\/Llama-3.2-1B-Instruct-4bit \(730 MB\) in [\d.]+ s, before the benchmark/,
        );
      }
      expect(facts.filter((f) => f.all_nodes_placed)).toHaveLength(RUNS);
    },
    60_000 + RUNS * 120_000,
  );

  it('a second run on the same models dirs downloads nothing', async () => {
    expect(lastModelsDirs).toHaveLength(4);
    const { facts: result } = await runCluster('again', lastModelsDirs);
    expect(result).toMatchObject({ all_nodes_placed: true, downloaded_bytes: 0 });
  }, 180_000);
});

describe('the matrix dry run (bench-matrix.yml with simulate: true)', () => {
  let root: string;
  let workspace: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'exo-bench-dry-matrix-'));
    workspace = join(root, 'workspace');
    mkdirSync(join(workspace, '.github', 'configs'), { recursive: true });
    writeFileSync(join(workspace, '.github', 'configs', 'bench_4.yaml'), CONFIG);
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function step(job: string, inputs: Record<string, string>): StepOptions {
    const runnerTemp = join(root, job, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    return {
      kind: 'main',
      stepDir: join(root, job, 'step'),
      workspace,
      runnerTemp,
      inputs,
      timeoutMs: 90_000,
      env: { GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '1' },
    };
  }

  it('plan + four simulated node jobs, each with a simulator of its own, all pass in under a minute', async () => {
    const started = Date.now();
    const plan = await runStep(step('plan', { mode: 'plan', 'config-file': '.github/configs/bench_4.yaml' }));
    expect([plan.exitCode, describeStep(plan)]).toEqual([0, describeStep(plan)]);
    const matrix = (JSON.parse(plan.outputs.get(Outputs.Matrix) ?? '') as { include: MatrixEntry[] }).include;
    // The inputs bench-matrix.yml passes, plus simulate: true (no EXO, no shared cluster between jobs).
    const steps = await Promise.all(
      matrix.map((entry) =>
        runStep(
          step(`node-${entry.index}`, {
            mode: 'node',
            'config-file': '.github/configs/bench_4.yaml',
            'is-primary': String(entry.is_primary),
            'expected-nodes': String(entry.expected_nodes),
            'hardware-label': entry.label,
            'node-index': String(entry.index),
            'models-dir': join(root, `models-${entry.index}`),
            'upload-artifact': 'false',
            simulate: 'true',
          }),
        ),
      ),
    );
    for (const [i, result] of steps.entries()) {
      const verdict = result.outputs.get(Outputs.Verdict);
      // The primary may be "invalid" on this shared machine (its load generator's lateness); never else.
      expect([i, verdict === 'invalid' && i === 0 ? 'pass' : verdict, describeStep(result)]).toEqual([
        i,
        'pass',
        describeStep(result),
      ]);
    }
    // Every job's summary says loudly that it was simulated.
    for (const result of steps) expect(result.summary).toMatch(/^## exo-bench: .* · 🧪 simulated\n/);
    // Each secondary really waited for instances and their deletion, placed by its stand-in primary.
    for (const secondary of steps.slice(1)) {
      expect(secondary.stdout).toContain(
        'simulated primary: placed mlx-community/Llama-3.2-1B-Instruct-4bit',
      );
      expect(secondary.stdout).toContain('the primary deleted its instances');
    }
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
