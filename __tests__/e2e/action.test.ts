/**
 * End to end: the built bundles (dist/main, dist/post, dist/cli) run as a GitHub runner runs them —
 * child processes with INPUT_* variables and runner files — against a 3-node simulator in its own
 * process and a stand-in of the artifact service. Build first (`npm run build`); the suite only reads
 * dist/.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/profile.js';
import { ArtifactStandin, readZip, type UploadedArtifact } from '../helpers/artifact-standin.js';
import {
  CLI_BUNDLE,
  missingBundles,
  startSimulatorProcess,
  type SimulatorProcess,
  parseFileCommands,
  runStep,
  startStep,
  waitFor,
  type StepOptions,
  type StepResult,
} from './runner.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const RUN_ID = '4242';
const NAMESPACE = `exo-bench-${RUN_ID}-1`;
/** Every output action.yml declares; each step must set all of them. */
const ALL_OUTPUTS = Object.values(Outputs).sort();

/** Two short stages: 6 + 8 requests, 10 and 20 tokens each (the simulator returns exactly max_tokens). */
const FAST_CONFIG = `# e2e: a fast, simulator-friendly workload on three nodes of two labels
hardware_plan:
  M3ULTRA: 2
  M4PRO: 1
environment:
  OVERRIDE_MEMORY_MB: 512
timeout_seconds: 20
request_timeout_seconds: 10
snapshot_interval_seconds: 0.5
# Four bundles share two cores here; lateness of the load generator is not under test.
max_dispatch_lag_p99_ms: 500
model_ids:
  - '${MODEL}'
stages:
  - name: 'ramp'
    prompt_length: 48
    generation_length: 10
    time_between_requests: 0.05
    iterations: 6
  - name: 'steady'
    prompt_length: 64
    generation_length: 20
    time_between_requests: 0.05
    iterations: 8
`;
const FAST_TOTAL_REQUESTS = 6 + 8;
const FAST_TOTAL_TOKENS = 6 * 10 + 8 * 20;

/** A short stage, then one long enough (30 s scheduled) to kill the primary in the middle of it. */
const LONG_CONFIG = FAST_CONFIG.replace(/stages:[\s\S]*$/, '').concat(`stages:
  - name: 'ramp'
    prompt_length: 48
    generation_length: 10
    time_between_requests: 0.05
    iterations: 4
  - name: 'long'
    prompt_length: 48
    generation_length: 50
    time_between_requests: 0.05
    iterations: 600
`);

/** Files every node's artifact carries. */
const RESULT_FILES = ['results.json', 'requests.jsonl', 'summary.md', 'report.html'];

/** Output values of a step as a plain object, for readable failure messages. */
function outputsOf(step: StepResult): Record<string, string> {
  return Object.fromEntries(step.outputs);
}

function expectEveryOutputSet(step: StepResult): void {
  expect([...step.outputs.keys()].sort()).toEqual(ALL_OUTPUTS);
}

/** A number output: a finite decimal. */
function numberOutput(step: StepResult, name: string): number {
  const text = step.outputs.get(name) ?? '';
  expect([name, text]).toEqual([name, expect.stringMatching(/^\d+(\.\d+)?$/)]);
  return Number(text);
}

/** Why a step failed, printed by expect on mismatch. */
function describeStep(step: StepResult): string {
  return `exit ${step.exitCode}\n${step.stdout}\n${step.stderr}`;
}

/**
 * The verdict of a primary run: `pass`, unless the machine was so busy the run was judged invalid
 * for the load generator's own lateness (event-loop delay is not configurable); anything else fails.
 */
function expectPassingVerdict(step: StepResult, results: { validity: { reasons: string[] } }): void {
  const verdict = step.outputs.get(Outputs.Verdict);
  if (verdict === 'invalid') {
    for (const reason of results.validity.reasons) expect(reason).toMatch(/event-loop delay|dispatch lag/);
    expect(step.exitCode).toBe(1);
    return;
  }
  expect([verdict, step.exitCode, describeStep(step)]).toEqual(['pass', 0, describeStep(step)]);
}

function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function instanceStatus(apiUrl: string, instanceId: string): Promise<number> {
  const response = await fetch(`${apiUrl}/instance/${encodeURIComponent(instanceId)}`);
  await response.arrayBuffer();
  return response.status;
}

function artifactFiles(artifact: UploadedArtifact): Map<string, Buffer> {
  return new Map(readZip(artifact.bytes).map((entry) => [entry.name, entry.data]));
}

describe('the action, run by a stand-in runner against a 3-node simulator', () => {
  let root: string;
  let workspace: string;
  let simulator: SimulatorProcess | undefined;
  let standin: ArtifactStandin | undefined;
  /** Process groups started by steps (exo-command), stopped in afterAll if a test left one behind. */
  const startedGroups: number[] = [];
  let stepCounter = 0;

  beforeAll(async () => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-e2e-'));
    workspace = join(root, 'workspace');
    mkdirSync(join(workspace, '.github', 'configs'), { recursive: true });
    writeFileSync(join(workspace, '.github', 'configs', 'bench_e2e.yaml'), FAST_CONFIG);
    writeFileSync(join(workspace, '.github', 'configs', 'bench_e2e_long.yaml'), LONG_CONFIG);
    const profile = join(workspace, 'profile.json');
    writeFileSync(profile, JSON.stringify(FAST_TEST_PROFILE));
    [simulator, standin] = await Promise.all([
      startSimulatorProcess(['--nodes', '3', '--port', '0', '--profile', profile]),
      ArtifactStandin.start(),
    ]);
  }, 30_000);

  afterAll(async () => {
    for (const pid of startedGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await Promise.all([simulator?.stop(), standin?.close()]);
    if (root) rmSync(root, { recursive: true, force: true });
  }, 15_000);

  /** Options of a step in a job of its own (its own RUNNER_TEMP), in the shared workspace. */
  function step(
    kind: StepOptions['kind'],
    job: string,
    inputs: Record<string, string>,
    extra: Partial<StepOptions> = {},
  ): StepOptions {
    const runnerTemp = join(root, 'jobs', job, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    stepCounter += 1;
    return {
      kind,
      stepDir: join(root, 'jobs', job, `step-${stepCounter}-${kind}`),
      workspace,
      runnerTemp,
      inputs,
      timeoutMs: 30_000,
      ...extra,
      env: { GITHUB_RUN_ID: RUN_ID, GITHUB_RUN_ATTEMPT: '1', ...(standin?.env() ?? {}), ...extra.env },
    };
  }

  function nodes(): SimulatorProcess['nodes'] {
    if (!simulator) throw new Error('simulator not started');
    return simulator.nodes;
  }

  function artifactStandin(): ArtifactStandin {
    if (!standin) throw new Error('artifact stand-in not started');
    return standin;
  }

  interface MatrixEntry {
    label: string;
    index: number;
    is_primary: boolean;
    expected_nodes: number;
  }
  let matrix: MatrixEntry[] = [];

  it('plan: writes the matrix of the 3-node config, every output and the plan summary', async () => {
    const plan = await runStep(
      step('main', 'plan', { mode: 'plan', 'config-file': '.github/configs/bench_e2e.yaml' }),
    );
    expect([plan.exitCode, describeStep(plan)]).toEqual([0, describeStep(plan)]);
    expectEveryOutputSet(plan);
    const parsed = JSON.parse(plan.outputs.get(Outputs.Matrix) ?? '') as { include: MatrixEntry[] };
    expect(parsed.include).toEqual([
      { label: 'M3ULTRA', index: 0, is_primary: true, expected_nodes: 3, sends_load: true },
      { label: 'M3ULTRA', index: 1, is_primary: false, expected_nodes: 3, sends_load: false },
      { label: 'M4PRO', index: 0, is_primary: false, expected_nodes: 3, sends_load: false },
    ]);
    matrix = parsed.include;
    expect(outputsOf(plan)).toMatchObject({
      'expected-nodes': '3',
      'timeout-seconds': '20',
      environment: '{"OVERRIDE_MEMORY_MB":"512"}',
      'config-file': '.github/configs/bench_e2e.yaml',
      'runners-ready': 'unknown',
      verdict: '',
      'artifact-id': '',
      'exo-home': '',
    });
    expect(plan.summary).toContain('### exo-bench plan');
    expect(plan.summary).toContain('| M4PRO | 0 | no |');
    expect(plan.summary).toContain('### Self-hosted runners');
    // Plan mode touches no cluster and exports nothing.
    expect(plan.exported.size).toBe(0);
  });

  it('provision: exports a fresh EXO_HOME per node and one namespace per run and attempt', async () => {
    const provision = (job: string, label: string, index: string, attempt: string): Promise<StepResult> =>
      runStep(
        step(
          'main',
          job,
          {
            mode: 'provision',
            'config-file': '.github/configs/bench_e2e.yaml',
            'hardware-label': label,
            'node-index': index,
            'api-port': '52499',
          },
          { env: { GITHUB_RUN_ATTEMPT: attempt } },
        ),
      );
    const staleHome = join(
      root,
      'jobs',
      'provision-a',
      'runner-temp',
      'exo-bench',
      'M3ULTRA-0-1',
      'exo-home',
    );
    mkdirSync(staleHome, { recursive: true });
    writeFileSync(join(staleHome, 'exo.pid'), '123');
    const [first, second, retry] = await Promise.all([
      provision('provision-a', 'M3ULTRA', '0', '1'),
      provision('provision-b', 'M4PRO', '0', '1'),
      provision('provision-c', 'M3ULTRA', '0', '2'),
    ]);
    for (const result of [first, second, retry]) {
      expect([result.exitCode, describeStep(result)]).toEqual([0, describeStep(result)]);
      expectEveryOutputSet(result);
      const home = result.outputs.get(Outputs.ExoHome) ?? '';
      expect(home.startsWith(join(root, 'jobs'))).toBe(true);
      expect(home).toContain(`${join('runner-temp', 'exo-bench')}`);
      // Fresh: exists and is empty (a previous attempt's exo.pid is gone).
      expect(readdirSync(home)).toEqual([]);
      expect(Object.fromEntries(result.exported)).toEqual({
        OVERRIDE_MEMORY_MB: '512',
        EXO_HOME: home,
        EXO_ZENOH_NAMESPACE: result.outputs.get(Outputs.Namespace),
        EXO_BENCH_NAMESPACE: result.outputs.get(Outputs.Namespace),
        EXO_BENCH_API_PORT: '52499',
        EXO_BENCH_EXO_ARGS: `--api-port 52499 --namespace ${result.outputs.get(Outputs.Namespace)} --force-master`,
        // The default: ~/.exo/models of the job's runner user, kept between runs.
        EXO_DEFAULT_MODELS_DIR: join(home.slice(0, home.indexOf('runner-temp')), 'home', '.exo', 'models'),
      });
      expect(outputsOf(result)).toMatchObject({
        'api-port': '52499',
        environment: '{"OVERRIDE_MEMORY_MB":"512"}',
        'expected-nodes': '3',
        verdict: '',
        matrix: '',
      });
    }
    expect(first.outputs.get(Outputs.ExoHome)).toBe(staleHome);
    expect(first.outputs.get(Outputs.Namespace)).toBe(NAMESPACE);
    expect(second.outputs.get(Outputs.Namespace)).toBe(NAMESPACE);
    expect(retry.outputs.get(Outputs.Namespace)).toBe(`exo-bench-${RUN_ID}-2`);
    expect(second.outputs.get(Outputs.ExoHome)).not.toBe(first.outputs.get(Outputs.ExoHome));
  });

  describe('node: one primary and two secondaries, concurrently, from the plan matrix', () => {
    const results: StepResult[] = [];

    beforeAll(async () => {
      expect(matrix).toHaveLength(3);
      const started = Date.now();
      results.push(
        ...(await Promise.all(
          matrix.map((entry, i) =>
            runStep(
              step('main', `node-${entry.label}-${entry.index}`, {
                mode: 'node',
                'config-file': '.github/configs/bench_e2e.yaml',
                'is-primary': String(entry.is_primary),
                'expected-nodes': String(entry.expected_nodes),
                'hardware-label': entry.label,
                'node-index': String(entry.index),
                'api-url': nodes()[i]?.url ?? '',
              }),
            ),
          ),
        )),
      );
      expect(Date.now() - started).toBeLessThan(25_000);
    }, 40_000);

    function primary(): StepResult {
      return results[0] as StepResult;
    }

    it('the primary ran both stages and set every output', () => {
      const main = primary();
      expectEveryOutputSet(main);
      const results = JSON.parse(readFileSync(main.outputs.get(Outputs.ResultsPath) ?? '', 'utf8')) as {
        verdict: string;
        validity: { reasons: string[] };
        results: { stages: Array<{ name: string; total_requests: number }> };
      };
      expectPassingVerdict(main, results);
      expect(results.verdict).toBe(main.outputs.get(Outputs.Verdict));
      expect(results.results.stages.map((s) => [s.name, s.total_requests])).toEqual([
        ['ramp', 6],
        ['steady', 8],
      ]);
      expect(outputsOf(main)).toMatchObject({
        'total-requests': String(FAST_TOTAL_REQUESTS),
        'successful-requests': String(FAST_TOTAL_REQUESTS),
        'failed-requests': '0',
        'success-rate': '1.0000',
        'total-tokens': String(FAST_TOTAL_TOKENS),
        'expected-nodes': '3',
        'timeout-seconds': '20',
        'config-file': '.github/configs/bench_e2e.yaml',
        environment: '{"OVERRIDE_MEMORY_MB":"512"}',
        namespace: NAMESPACE,
        'api-port': '52415',
        matrix: '',
        'runners-ready': '',
      });
      const ttftP50 = numberOutput(main, Outputs.TtftP50Ms);
      const ttftP95 = numberOutput(main, Outputs.TtftP95Ms);
      const e2eP95 = numberOutput(main, Outputs.E2eP95Ms);
      expect(ttftP50).toBeGreaterThan(0);
      expect(ttftP95).toBeGreaterThanOrEqual(ttftP50);
      expect(e2eP95).toBeGreaterThan(ttftP50);
      expect(numberOutput(main, Outputs.OutputTokensPerSecond)).toBeGreaterThan(0);
      const runnerTemp = join(root, 'jobs', 'node-M3ULTRA-0', 'runner-temp');
      expect(main.outputs.get(Outputs.ResultsPath)).toBe(
        join(runnerTemp, 'exo-bench-results', 'results.json'),
      );
      expect(main.outputs.get(Outputs.SummaryPath)).toBe(join(runnerTemp, 'exo-bench-results', 'summary.md'));
      expect(main.outputs.get(Outputs.ExoHome)).toBe(
        join(runnerTemp, 'exo-bench', 'M3ULTRA-0-1', 'exo-home'),
      );
    });

    it("the primary's job summary: verdict first, stage and latency tables, cluster, charts, legend", () => {
      const { summary } = primary();
      expect(Buffer.byteLength(summary)).toBeLessThan(512 * 1024);
      // The step summary is summary.md, appended once.
      expect(summary.trimEnd()).toBe(
        readFileSync(primary().outputs.get(Outputs.SummaryPath) ?? '', 'utf8').trimEnd(),
      );
      expect(summary).toMatch(/^## exo-bench: (✅ pass|⚠️ invalid)\n/);
      expect(summary).toContain(`**${FAST_TOTAL_REQUESTS}/${FAST_TOTAL_REQUESTS}** requests succeeded`);
      expect(summary).toMatch(/\| ramp \| 6 \| 6 \| 0 \| 100\.0% \| 60 \| 10\.0 \|/);
      expect(summary).toMatch(/\| steady \| 8 \| 8 \| 0 \| 100\.0% \| 160 \| 20\.0 \|/);
      expect(summary).toMatch(/\| \*\*all stages\*\* \| 14 \| 14 \| 0 \| 100\.0% \| 220 \|/);
      expect(summary).toContain('| Stage | TTFT p50 | TTFT p95 | TTFT p99 |');
      for (const node of nodes()) expect(summary).toContain(`| \`${node.node_id.slice(0, 12)}\` |`);
      expect(summary).toContain(`| ${MODEL} | MlxRingInstance / PipelineShardMetadata | 3 |`);
      const charts = [
        ...summary.matchAll(/```mermaid\n%%\{init: [^\n]+\}%%\nxychart-beta\n {4}title "([^"]+)"/g),
      ].map((m) => m[1]);
      expect(charts).toEqual([
        'TTFT of the requests sent, over time',
        'Requests in flight (peak)',
        'Output tokens/s per stage',
      ]);
      // Provenance in the header; the compact table first, the full tables folded.
      expect(summary).toContain(
        '<sub>exo/bench-e2e · [run 4242 attempt 1](https://github.com/exo/bench-e2e/actions/runs/4242)',
      );
      expect(summary).toContain(
        '| Stage | Requests | Success | TTFT p50 ms | TTFT p95 ms | E2E p95 ms | Output tok/s | Failed thresholds |',
      );
      expect(summary).toContain('<details><summary>All figures per stage');
      expect(summary).toContain('x-axis ["ramp", "steady"]');
      const order = [
        '## exo-bench',
        '### Stages',
        '### Latency (ms)',
        '### Cluster',
        '### Charts',
        'Metric definitions',
      ];
      const positions = order.map((heading) => summary.indexOf(heading));
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(summary).toContain('| TTFT | first chunk with non-empty content or reasoning');
    });

    it('no node warned (no config problem, no artifact conflict)', () => {
      for (const result of results)
        expect(result.commands.filter((c) => c.command === 'warning')).toEqual([]);
    });

    it('the secondaries passed with a short summary of their view and every output set', () => {
      for (const secondary of results.slice(1)) {
        expect([secondary.exitCode, describeStep(secondary)]).toEqual([0, describeStep(secondary)]);
        expectEveryOutputSet(secondary);
        expect(outputsOf(secondary)).toMatchObject({
          verdict: 'pass',
          'total-requests': '0',
          'successful-requests': '0',
          'failed-requests': '0',
          'total-tokens': '0',
          'ttft-p50-ms': '',
          'ttft-p95-ms': '',
          'e2e-p95-ms': '',
          namespace: NAMESPACE,
          'expected-nodes': '3',
        });
        expect(secondary.summary).toMatch(/^## exo-bench: ✅ pass\n/);
        expect(secondary.summary).toContain('· secondary ·');
        expect(secondary.summary).toContain('### Cluster');
        expect(secondary.summary).not.toContain('### Stages');
        expect(secondary.stdout).toContain('the primary deleted its instances');
      }
      expect(results[2]?.summary).toContain('M4PRO#0');
    });

    it('every node exported its EXO environment to later steps (GITHUB_ENV)', () => {
      const homes = new Set<string>();
      for (const result of results) {
        const exported = Object.fromEntries(result.exported);
        expect(exported).toEqual({
          OVERRIDE_MEMORY_MB: '512',
          EXO_HOME: result.outputs.get(Outputs.ExoHome),
          EXO_ZENOH_NAMESPACE: NAMESPACE,
          EXO_BENCH_NAMESPACE: NAMESPACE,
          EXO_BENCH_API_PORT: '52415',
          // --force-master on the primary only: a late joiner never wins the election (§12.2).
          EXO_BENCH_EXO_ARGS: `--api-port 52415 --namespace ${NAMESPACE}${result === results[0] ? ' --force-master' : ''}`,
          EXO_DEFAULT_MODELS_DIR: result.outputs.get(Outputs.ModelsDir),
        });
        expect(result.outputs.get(Outputs.ExoArgs)).toBe(exported.EXO_BENCH_EXO_ARGS);
        expect(statSync(exported.EXO_DEFAULT_MODELS_DIR ?? '').isDirectory()).toBe(true);
        expect(statSync(exported.EXO_HOME ?? '').isDirectory()).toBe(true);
        homes.add(exported.EXO_HOME ?? '');
      }
      expect(homes.size).toBe(3);
    });

    it('every node uploaded its artifact under a name of its own, with all result files', () => {
      const service = artifactStandin();
      expect(service.protocolErrors).toEqual([]);
      matrix.forEach((entry, i) => {
        const result = results[i] as StepResult;
        const name = `exo-bench-${entry.label}-${entry.index}-1`;
        const artifact = service.artifacts.find((a) => a.name === name);
        if (!artifact)
          throw new Error(`no artifact ${name}; got ${service.artifacts.map((a) => a.name).join(', ')}`);
        expect(artifact.mimeType).toBe('application/zip');
        expect(result.outputs.get(Outputs.ArtifactId)).toBe(String(artifact.id));
        expect(result.outputs.get(Outputs.ArtifactUrl)).toBe(
          `https://github.com/exo/bench-e2e/actions/runs/${RUN_ID}/artifacts/${artifact.id}`,
        );
        const files = artifactFiles(artifact);
        expect([...files.keys()]).toEqual(expect.arrayContaining(RESULT_FILES));
        expect(files.has('exo.log')).toBe(false);
        const document = JSON.parse(files.get('results.json')?.toString('utf8') ?? '') as {
          verdict: string;
          metadata: { is_primary: boolean; hardware_label: string; node_index: number };
        };
        expect(document.verdict).toBe(result.outputs.get(Outputs.Verdict));
        expect(document.metadata).toMatchObject({
          is_primary: entry.is_primary,
          hardware_label: entry.label,
          node_index: entry.index,
        });
        expect(files.get('summary.md')?.toString('utf8')).toBe(
          readFileSync(result.outputs.get(Outputs.SummaryPath) ?? '', 'utf8'),
        );
        expect(files.get('report.html')?.toString('utf8')).toMatch(/^<!doctype html>/i);
        const lines = (files.get('requests.jsonl')?.toString('utf8') ?? '').split('\n').filter(Boolean);
        if (entry.is_primary) {
          expect(lines).toHaveLength(FAST_TOTAL_REQUESTS);
          const records = lines.map((line) => JSON.parse(line) as { stage: string; ok: boolean });
          expect(records.filter((r) => r.stage === 'ramp')).toHaveLength(6);
          expect(records.every((r) => r.ok)).toBe(true);
        } else {
          expect(lines).toEqual([]);
        }
      });
    });

    it('the post step after a completed main step has nothing left to do', async () => {
      const posts = await Promise.all(
        matrix.map((entry, i) =>
          runStep(
            step(
              'post',
              `node-${entry.label}-${entry.index}`,
              {},
              { state: (results[i] as StepResult).state },
            ),
          ),
        ),
      );
      for (const post of posts) {
        expect([post.exitCode, describeStep(post)]).toEqual([0, describeStep(post)]);
        expect(post.stdout).toContain('the main step cleaned up; nothing to do');
        expect(post.summary).toBe('');
      }
      expect(primary().state.get('placed-instances')).toBe('');
    });
  });

  it('node with exo-command: starts EXO with the provisioned environment, logs it, stops it', async () => {
    const port = await freePort();
    const exoCommand =
      `echo "exo: EXO_HOME=$EXO_HOME namespace=$EXO_ZENOH_NAMESPACE memory=$OVERRIDE_MEMORY_MB"; ` +
      `exec "${process.execPath}" "${CLI_BUNDLE}" simulate --nodes 1 --port "$EXO_BENCH_API_PORT" --profile profile.json`;
    const main = await runStep(
      step('main', 'exo-command', {
        'config-file': '.github/configs/bench_e2e.yaml',
        'expected-nodes': '1',
        'hardware-label': 'STUDIO',
        'api-port': String(port),
        'exo-command': exoCommand,
      }),
    );
    expectEveryOutputSet(main);
    const results = JSON.parse(readFileSync(main.outputs.get(Outputs.ResultsPath) ?? '', 'utf8')) as {
      validity: { reasons: string[] };
      metadata: { api_url: string };
    };
    expectPassingVerdict(main, results);
    expect(results.metadata.api_url).toBe(`http://127.0.0.1:${port}`);
    expect(main.commands.filter((c) => c.command === 'warning' || c.command === 'error')).toEqual([]);
    expect(main.stdout).toMatch(/started EXO \(process group \d+\)/);
    expect(main.stdout).toMatch(/stopped EXO \((terminated|killed)\)/);
    const exoPid = Number(/started EXO \(process group (\d+)\)/.exec(main.stdout)?.[1]);
    startedGroups.push(exoPid);
    expect(processGroupAlive(exoPid)).toBe(false);
    expect(main.state.get('exo-pid')).toBe('');
    const home = main.outputs.get(Outputs.ExoHome);
    const artifact = artifactStandin().artifacts.find((a) => a.name === 'exo-bench-STUDIO-0-1');
    if (!artifact) throw new Error('no artifact exo-bench-STUDIO-0-1');
    const files = artifactFiles(artifact);
    expect([...files.keys()]).toEqual(expect.arrayContaining([...RESULT_FILES, 'exo.log']));
    const log = files.get('exo.log')?.toString('utf8') ?? '';
    expect(log).toContain(`exo: EXO_HOME=${home} namespace=${NAMESPACE} memory=512`);
    expect(log).toMatch(
      /\{"nodes":\[\{"node_id":"[0-9a-f]+","url":"http:\/\/127\.0\.0\.1:\d+"\}\],"control":"http:\/\/127\.0\.0\.1:\d+"\}/,
    );
  });

  it('a refusing artifact service is a warning: the step keeps its verdict and sets every output', async () => {
    const service = artifactStandin();
    service.fault = { method: 'CreateArtifact', status: 403, msg: 'artifact storage quota exceeded' };
    let main: StepResult;
    try {
      main = await runStep(
        step('main', 'refused-artifact', {
          'config-file': '.github/configs/bench_e2e.yaml',
          'api-url': nodes()[0]?.url ?? '',
          'expected-nodes': '3',
          'artifact-name': 'exo-bench-e2e-refused',
        }),
      );
    } finally {
      service.fault = undefined;
    }
    expectEveryOutputSet(main);
    const results = JSON.parse(readFileSync(main.outputs.get(Outputs.ResultsPath) ?? '', 'utf8')) as {
      validity: { reasons: string[] };
    };
    expectPassingVerdict(main, results);
    expect(outputsOf(main)).toMatchObject({
      'artifact-id': '',
      'artifact-url': '',
      'total-requests': String(FAST_TOTAL_REQUESTS),
      'successful-requests': String(FAST_TOTAL_REQUESTS),
    });
    const outputDir = join(root, 'jobs', 'refused-artifact', 'runner-temp', 'exo-bench-results');
    const warnings = main.commands.filter((c) => c.command === 'warning').map((c) => c.message);
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^could not upload artifact "exo-bench-e2e-refused": .*403.*artifact storage quota exceeded.*The files are still in ${outputDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`,
          's',
        ),
      ),
    ]);
    expect(main.summary).toMatch(/^## exo-bench: /);
    expect(service.artifacts.some((a) => a.name === 'exo-bench-e2e-refused')).toBe(false);
    // The artifact client's chatter ("Artifact name is valid!") no longer precedes the warning.
    expect(main.stdout).not.toMatch(/Artifact name is valid!|Root directory input is valid!/);
  });

  it('post step after the primary is killed mid-stage: deletes its instances, stops EXO, writes a partial summary', async () => {
    const job = 'killed-primary';
    const apiUrl = nodes()[0]?.url ?? '';
    const running = startStep(
      step('main', job, {
        'config-file': '.github/configs/bench_e2e_long.yaml',
        'api-url': apiUrl,
        'expected-nodes': '3',
        // A stand-in EXO that only sleeps: the post step must stop it.
        'exo-command': 'echo fake exo; sleep 120',
      }),
    );
    const requestsPath = join(root, 'jobs', job, 'runner-temp', 'exo-bench-results', 'requests.jsonl');
    const longStageRecords = (): number => {
      try {
        return readFileSync(requestsPath, 'utf8')
          .split('\n')
          .filter((line) => line.includes('"stage":"long"')).length;
      } catch {
        return 0;
      }
    };
    await waitFor('5 records of the long stage', () => longStageRecords() >= 5, 20_000);
    const exoPid = Number(/started EXO \(process group (\d+)\)/.exec(running.stdout())?.[1]);
    expect(exoPid).toBeGreaterThan(0);
    startedGroups.push(exoPid);
    running.child.kill('SIGKILL');
    const main = await running.result;
    expect(main.signal).toBe('SIGKILL');
    // What the runner would hand the post step: the main step's GITHUB_STATE, as STATE_* variables.
    const state = parseFileCommands(readFileSync(running.files.state, 'utf8'));
    const placed = JSON.parse(state.get('placed-instances') ?? '') as {
      apiUrl: string;
      instanceIds: string[];
    };
    expect(placed.apiUrl).toBe(apiUrl);
    expect(placed.instanceIds).toHaveLength(1);
    const instanceId = placed.instanceIds[0] as string;
    expect(state.get('cleaned-up')).toBeUndefined();
    expect(state.get('exo-pid')).toBe(String(exoPid));
    // Nobody cleaned up yet: the instance is still placed and the stand-in EXO still runs.
    expect(await instanceStatus(apiUrl, instanceId)).toBe(200);
    expect(processGroupAlive(exoPid)).toBe(true);

    const post = await runStep(
      step('post', job, { 'config-file': '.github/configs/bench_e2e_long.yaml' }, { state }),
    );
    expect([post.exitCode, describeStep(post)]).toEqual([0, describeStep(post)]);
    expect(await instanceStatus(apiUrl, instanceId)).toBe(404);
    expect(processGroupAlive(exoPid)).toBe(false);
    expect(post.stdout).toContain(`EXO process group ${exoPid}: terminated`);
    const recorded = readFileSync(requestsPath, 'utf8').split('\n').filter(Boolean).length;
    expect(post.summary).toMatch(/^## exo-bench: 💥 interrupted\n/);
    expect(post.summary).toContain(`${recorded} request records were written to \`requests.jsonl\``);
    expect(post.summary).toContain('the post step deleted 1 instance(s)');
    expect(post.summary).toContain('### Requests recorded before the interruption');
    expect(post.summary).toMatch(/\| ramp \| 4 \| 4 \| 0 \| [\d.]+ \|/);
    expect(post.summary).toMatch(/\| long \| \d+ \| \d+ \| \d+ \|/);
    expect(post.commands.filter((c) => c.command === 'warning' || c.command === 'error')).toEqual([]);
    // The partial results are the artifact, under the name main would have used.
    const artifact = artifactStandin().artifacts.find((a) => a.name === 'exo-bench-node-0-1');
    if (!artifact) throw new Error('the post step uploaded no artifact exo-bench-node-0-1');
    const files = artifactFiles(artifact);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['requests.jsonl', 'summary.md', 'exo.log']));
    expect(files.get('summary.md')?.toString('utf8')).toBe(post.summary.trimEnd() + '\n');
    expect(files.get('exo.log')?.toString('utf8')).toContain('fake exo');

    // Idempotent: a second run of the cleanup finds nothing to delete, stop or publish, and does not fail.
    const again = await runStep(step('post', job, {}, { state }));
    expect([again.exitCode, describeStep(again)]).toEqual([0, describeStep(again)]);
    expect(again.stdout).toContain(`EXO process group ${exoPid}: not-running`);
    expect(again.commands.filter((c) => c.command === 'error' || c.command === 'warning')).toEqual([]);
    expect(again.summary).toBe('');
    expect(artifactStandin().artifacts.filter((a) => a.name === 'exo-bench-node-0-1')).toHaveLength(1);
  }, 45_000);
});
