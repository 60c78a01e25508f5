/**
 * Issue #18's merge, end to end: the action's plan job, four node jobs and the merge job, as separate
 * processes through the runner's files (the built bundles), against a 4-node simulator. Each job has a
 * runtime token of its own; the node jobs upload their artifacts to the artifact stand-in with
 * @actions/artifact, and the merge job lists and downloads them from it the same way (no shortcut
 * through the file system: it is given no path of a node's files). The merged result must count every
 * request once, its TTFT percentiles must equal those computed from the concatenated requests.jsonl of
 * the node artifacts, and its job summary is the one a user reads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import { ArtifactStandin, type UploadedArtifact } from '../helpers/artifact-standin.js';
import { artifactFiles, describeStep, jsonLines, linearPercentile } from '../helpers/merge-checks.js';
import {
  missingBundles,
  runStep,
  startSimulatorProcess,
  type SimulatorProcess,
  type StepOptions,
  type StepResult,
} from './runner.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const RUN_ID = '5151';
const ALL_OUTPUTS = Object.values(Outputs).sort();

const CONFIG = `# e2e: a fast workload on four nodes of two labels, merged into one result
hardware_plan:
  M3ULTRA: 2
  M4PRO: 2
timeout_seconds: 30
request_timeout_seconds: 10
snapshot_interval_seconds: 0.5
# Six bundles share two cores here; lateness of the load generator is not under test.
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
    generation_length: 12
    time_between_requests: 0.03
    iterations: 10
    thresholds: ['failed_requests == 0']
`;
const TOTAL_REQUESTS = 6 + 10;

interface MatrixEntry {
  label: string;
  index: number;
  is_primary: boolean;
  expected_nodes: number;
}

interface RequestLine {
  node?: string;
  stage: string;
  index: number;
  warmup: boolean;
  ok: boolean;
  sent_at_ms: number;
  first_token_at_ms?: number;
}

interface MergedDocument {
  verdict: string;
  error: { message: string } | null;
  validity: { reasons: string[] };
  results: { run: { total_requests: number; ttft_ms: { p50: number; p95: number } } | null };
  merge: {
    nodes: Array<{ node: string; is_primary: boolean; requests: number; source: string; verdict: string }>;
    missing_nodes: string[];
    problems: string[];
    requests: number;
  };
}

describe('plan, four node jobs and the merge job against a 4-node simulator', () => {
  let root: string;
  let workspace: string;
  let simulator: SimulatorProcess | undefined;
  let standin: ArtifactStandin | undefined;
  let stepCounter = 0;
  let matrix: MatrixEntry[] = [];
  const nodeSteps: StepResult[] = [];
  let merge: StepResult;

  function service(): ArtifactStandin {
    if (!standin) throw new Error('artifact stand-in not started');
    return standin;
  }

  /** A step in a job of its own: its own RUNNER_TEMP and its own runtime token. */
  function step(job: string, inputs: Record<string, string>): StepOptions {
    const runnerTemp = join(root, 'jobs', job, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    stepCounter += 1;
    return {
      kind: 'main',
      stepDir: join(root, 'jobs', job, `step-${stepCounter}`),
      workspace,
      runnerTemp,
      inputs,
      timeoutMs: 60_000,
      env: { GITHUB_RUN_ID: RUN_ID, GITHUB_RUN_ATTEMPT: '1', ...service().env(job) },
    };
  }

  beforeAll(async () => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-e2e-merge-'));
    workspace = join(root, 'workspace');
    mkdirSync(join(workspace, '.github', 'configs'), { recursive: true });
    writeFileSync(join(workspace, '.github', 'configs', 'bench_merge.yaml'), CONFIG);
    const profile = join(workspace, 'profile.json');
    writeFileSync(profile, JSON.stringify(FAST_TEST_PROFILE));
    [simulator, standin] = await Promise.all([
      startSimulatorProcess(['--nodes', '4', '--port', '0', '--profile', profile]),
      ArtifactStandin.start(),
    ]);

    const plan = await runStep(
      step('plan', { mode: 'plan', 'config-file': '.github/configs/bench_merge.yaml' }),
    );
    expect([plan.exitCode, describeStep(plan)]).toEqual([0, describeStep(plan)]);
    matrix = (JSON.parse(plan.outputs.get(Outputs.Matrix) ?? '') as { include: MatrixEntry[] }).include;
    expect(matrix).toHaveLength(4);

    const nodes = simulator.nodes;
    nodeSteps.push(
      ...(await Promise.all(
        matrix.map((entry, i) =>
          runStep(
            step(`node-${entry.label}-${entry.index}`, {
              mode: 'node',
              'config-file': '.github/configs/bench_merge.yaml',
              'is-primary': String(entry.is_primary),
              'expected-nodes': String(entry.expected_nodes),
              'hardware-label': entry.label,
              'node-index': String(entry.index),
              'api-url': nodes[i]?.url ?? '',
            }),
          ),
        ),
      )),
    );
    // The merge job: needs the node jobs; it gets no config, no checkout and no path of theirs.
    merge = await runStep(step('merge', { mode: 'merge' }));
  }, 150_000);

  afterAll(async () => {
    await Promise.all([simulator?.stop(), standin?.close()]);
    if (root) rmSync(root, { recursive: true, force: true });
  }, 15_000);

  function nodeArtifacts(): UploadedArtifact[] {
    return matrix.map((entry) => {
      const name = `exo-bench-${entry.label}-${entry.index}-1`;
      const artifact = service().artifacts.find((a) => a.name === name);
      if (!artifact) throw new Error(`no artifact ${name}`);
      return artifact;
    });
  }

  function mergedFiles(): Map<string, string> {
    const artifact = service().artifacts.find((a) => a.name === 'exo-bench-merged-1');
    if (!artifact)
      throw new Error(
        `no merged artifact; got ${service()
          .artifacts.map((a) => a.name)
          .join(', ')}`,
      );
    return artifactFiles(artifact);
  }

  it('the node jobs ran, and the merge job downloaded each node artifact with @actions/artifact', () => {
    for (const node of nodeSteps)
      expect([node.exitCode, node.outputs.get(Outputs.ArtifactId)]).toEqual([
        0,
        expect.stringMatching(/^\d+$/),
      ]);
    expect(service().protocolErrors).toEqual([]);
    expect([...service().downloads].sort()).toEqual(
      nodeArtifacts()
        .map((a) => a.name)
        .sort(),
    );
    const twirp = service().requests.map((r) => `${r.method} ${r.path.split('/').at(-1) ?? ''} ${r.status}`);
    expect(twirp).toContain('POST ListArtifacts 200');
    expect(twirp.filter((r) => r === 'POST GetSignedArtifactURL 200')).toHaveLength(4);
  });

  it('the merge job passed, set every output, and uploaded the merged artifact', () => {
    expect([merge.exitCode, merge.outputs.get(Outputs.Verdict), describeStep(merge)]).toEqual([
      0,
      'pass',
      describeStep(merge),
    ]);
    expect([...merge.outputs.keys()].sort()).toEqual(ALL_OUTPUTS);
    const merged = service().artifacts.find((a) => a.name === 'exo-bench-merged-1');
    expect(merge.outputs.get(Outputs.ArtifactId)).toBe(String(merged?.id));
    expect([...mergedFiles().keys()]).toEqual(
      expect.arrayContaining(['results.json', 'requests.jsonl', 'summary.md', 'report.html']),
    );
    expect(merge.outputs.get(Outputs.ExpectedNodes)).toBe('4');
    expect(merge.outputs.get(Outputs.ConfigFile)).toBe('.github/configs/bench_merge.yaml');
  });

  it('counts every request exactly once', () => {
    const concatenated = nodeArtifacts().flatMap((artifact) =>
      jsonLines<RequestLine>(artifactFiles(artifact).get('requests.jsonl') ?? ''),
    );
    expect(concatenated).toHaveLength(TOTAL_REQUESTS);
    const merged = jsonLines<RequestLine>(mergedFiles().get('requests.jsonl') ?? '');
    expect(merged).toHaveLength(TOTAL_REQUESTS);
    expect(new Set(merged.map((r) => `${r.node}/${r.stage}/${r.index}`)).size).toBe(TOTAL_REQUESTS);
    const document = JSON.parse(mergedFiles().get('results.json') ?? '') as MergedDocument;
    expect(document.merge.requests).toBe(TOTAL_REQUESTS);
    expect(document.results.run?.total_requests).toBe(TOTAL_REQUESTS);
    expect(merge.outputs.get(Outputs.TotalRequests)).toBe(String(TOTAL_REQUESTS));
    expect(document.merge.nodes.map((n) => [n.node, n.is_primary, n.requests, n.source])).toEqual([
      ['M3ULTRA#0', true, TOTAL_REQUESTS, 'artifact exo-bench-M3ULTRA-0-1'],
      ['M3ULTRA#1', false, 0, 'artifact exo-bench-M3ULTRA-1-1'],
      ['M4PRO#0', false, 0, 'artifact exo-bench-M4PRO-0-1'],
      ['M4PRO#1', false, 0, 'artifact exo-bench-M4PRO-1-1'],
    ]);
  });

  it('has TTFT percentiles equal to those computed from the concatenated requests.jsonl files', () => {
    const ttfts = nodeArtifacts()
      .flatMap((artifact) => jsonLines<RequestLine>(artifactFiles(artifact).get('requests.jsonl') ?? ''))
      .filter((r) => !r.warmup && r.ok && r.first_token_at_ms !== undefined)
      .map((r) => (r.first_token_at_ms as number) - r.sent_at_ms);
    const document = JSON.parse(mergedFiles().get('results.json') ?? '') as MergedDocument;
    expect(document.results.run?.ttft_ms.p50).toBeCloseTo(linearPercentile(ttfts, 50), 9);
    expect(document.results.run?.ttft_ms.p95).toBeCloseTo(linearPercentile(ttfts, 95), 9);
    expect(merge.outputs.get(Outputs.TtftP50Ms)).toBe(linearPercentile(ttfts, 50).toFixed(2));
    expect(merge.outputs.get(Outputs.TtftP95Ms)).toBe(linearPercentile(ttfts, 95).toFixed(2));
  });

  it("the merge job's summary is the whole run's: verdict, every node, stages, thresholds", () => {
    const summary = merge.summary;
    // core.summary appends an end of line to the text it is given.
    expect(summary.trimEnd()).toBe(mergedFiles().get('summary.md')?.trimEnd());
    expect(summary.startsWith('## exo-bench: ✅ pass')).toBe(true);
    expect(summary).toContain('merged run of 4 nodes');
    expect(summary).toContain(`${TOTAL_REQUESTS} requests merged from 4 nodes, each once`);
    expect(summary).toMatch(/\| M3ULTRA\\#0 \(primary\) \| pass \| 16 \| 16 \| 100\.0% \|/);
    for (const node of ['M3ULTRA\\#1', 'M4PRO\\#0', 'M4PRO\\#1'])
      expect(summary).toContain(`| ${node} | pass | 0 | 0 |`);
    expect(summary).toContain('### Stages');
    expect(summary).toContain('failed_requests == 0');
    expect(summary).not.toContain('Merge problems');
  });

  it('a node missing from the merge: a merged result all the same, marked error, every output set', async () => {
    const partial = await runStep(
      step('merge-partial', {
        mode: 'merge',
        'node-artifacts': 'exo-bench-M3ULTRA-*',
        'artifact-name': 'exo-bench-merged-partial',
      }),
    );
    expect([partial.exitCode, partial.outputs.get(Outputs.Verdict)]).toEqual([1, 'error']);
    expect([...partial.outputs.keys()].sort()).toEqual(ALL_OUTPUTS);
    expect(partial.summary).toContain('## exo-bench: 💥 error');
    expect(partial.summary).toContain('node M4PRO\\#0 is missing');
    expect(partial.summary).toContain('node M4PRO\\#1 is missing');
    expect(partial.outputs.get(Outputs.TotalRequests)).toBe(String(TOTAL_REQUESTS));
    const artifact = service().artifacts.find((a) => a.name === 'exo-bench-merged-partial');
    const document = JSON.parse(
      artifactFiles(artifact as UploadedArtifact).get('results.json') ?? '',
    ) as MergedDocument;
    expect(document.merge.missing_nodes).toEqual(['M4PRO#0', 'M4PRO#1']);
    expect(
      partial.commands
        .filter((c) => c.command === 'error')
        .map((c) => c.message)
        .join('\n'),
    ).toContain('exo-bench merge: verdict: error');
  }, 60_000);

  it('no node artifact at all: the step fails with what to fix, after its summary and outputs', async () => {
    const none = await runStep(step('merge-none', { mode: 'merge', 'node-artifacts': 'no-such-artifact-*' }));
    expect([none.exitCode, none.outputs.get(Outputs.Verdict)]).toEqual([1, 'error']);
    expect([...none.outputs.keys()].sort()).toEqual(ALL_OUTPUTS);
    expect(none.summary).toContain('no artifact of this run matches node-artifacts');
  }, 60_000);
});
